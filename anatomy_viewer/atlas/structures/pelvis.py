"""Recipes of the bony pelvis: hip bone (paired), sacrum, coccyx, interpubic disc.

Shapes live in pelvis_ilium.py and pelvis_sacrum.py; derived landmarks and
curves that other recipes attach to live in pelvis_geometry.py.
"""
from __future__ import annotations

import numpy as np

from ..body import Body
from ..recipes import LandmarkSpec, Part, part_of, recipe
from ..sdf import box
from . import pelvis_geometry as g
from . import pelvis_sacroiliac as si
from .pelvis_ilium import hip_bone_bounds, hip_bone_field
from .pelvis_sacrum import coccyx_axis, coccyx_bounds, coccyx_field, sacrum_bounds, sacrum_field

BONE_SPACING = 1.0  # mm grid for the bones of the pelvis


def _lm(name: str, point, palpable: bool = False, on_surface: bool = True) -> LandmarkSpec:
    return LandmarkSpec(name, np.asarray(point, float), palpable=palpable, on_surface=on_surface)


@recipe("hip_bone", name="Hip bone", latin="Os coxae", kind="bone", segment="pelvis", paired=True,
        synonyms=("Innominate bone", "Coxal bone", "Pelvic bone"), fma=16585, triangles=24000)
def hip_bone(body: Body) -> Part:
    sacrum = part_of(body, "sacrum").field
    lo, hi = hip_bone_bounds(body)
    ac = g.acetabulum(body)
    of = g.obturator_foramen(body)
    landmarks = {
        "asis": _lm("Anterior superior iliac spine", body.asis, palpable=True),
        "aiis": _lm("Anterior inferior iliac spine", g.aiis(body)),
        "psis": _lm("Posterior superior iliac spine", body.psis, palpable=True),
        "piis": _lm("Posterior inferior iliac spine", g.piis(body)),
        "iliac_crest_top": _lm("Iliac crest, highest point", g.iliac_crest_top(body), palpable=True),
        "iliac_tubercle": _lm("Iliac tubercle", g.iliac_tubercle(body), palpable=True),
        "pubic_tubercle": _lm("Pubic tubercle", g.pubic_tubercle(body), palpable=True),
        "ischial_tuberosity": _lm("Ischial tuberosity", g.ischial_tuberosity_lowest(body), palpable=True),
        "ischial_spine": _lm("Ischial spine", g.ischial_spine(body)),
        "greater_sciatic_notch": _lm("Greater sciatic notch, deepest point", g.sciatic_notch_deepest(body)),
        "pecten_pubis": _lm("Pecten pubis (pectineus origin)", g.pecten_pubis(body, 31)[15]),
        "iliopubic_eminence": _lm("Iliopubic eminence", g.iliopubic_eminence(body)),
        "iliac_fossa_centre": _lm("Iliac fossa, centre", g.iliac_fossa_centre(body)),
        "acetabular_rim_superior": _lm("Acetabular rim, superior (reflected head of rectus femoris)",
                                       g.acetabular_rim_superior(body)),
        "acetabular_notch": _lm("Acetabular notch", ac.centre + ac.axis * ac.rim_offset + ac.notch * ac.radius),
        "obturator_foramen_centre": _lm("Obturator foramen, centre", of.centre, on_surface=False),
        "acetabulum_centre": _lm("Acetabulum, centre of the socket", ac.centre, on_surface=False),
        "auricular_surface": _lm("Auricular surface of the ilium, angle between its arms", si.auricular_centre(body)),
    }
    return Part(hip_bone_field(body, sacrum), lo, hi, spacing=BONE_SPACING, landmarks=landmarks,
                smooth_iterations=12)


@recipe("sacrum", name="Sacrum", latin="Os sacrum", kind="bone", segment="pelvis", paired=False,
        fma=16202, triangles=12000)
def sacrum(body: Body) -> Part:
    f = g.sacral_frame(body)
    L = f.length
    lo, hi = sacrum_bounds(body)
    from .pelvis_sacrum import sacral_back

    def back_point(frac):
        s = frac * L
        p, _, a = f.at(s)
        return p[0] + a[0] * (sacral_back(body, s, 0.0) - 5.0)

    landmarks = {
        "sacral_promontory": _lm("Sacral promontory", g.sacral_promontory(body)),
        "spinous_process_s1": _lm("S1 spinous tubercle (median sacral crest)", back_point(0.08), palpable=True),
        "spinous_process_s2": _lm("S2 spinous tubercle (median sacral crest)", back_point(0.27), palpable=True),
        "sacral_apex": _lm("Apex of the sacrum", f.at(L)[0][0]),
        "s1_endplate_centre": _lm("Centre of the S1 endplate", f.endplate),
    }
    for level, frac in (("s2", 0.35), ("s3", 0.56), ("s4", 0.76)):
        x = 0.55 * body.t.get("pelvis.sacral_base_breadth") / 2.0 * (1.0 - 0.3 * frac)
        p = g.sacral_anterior_point(body, frac * L, x)
        for side, sign in (("right", 1.0), ("left", -1.0)):
            q = p.copy()
            q[0] *= sign
            landmarks[f"piriformis_origin_{level}_{side}"] = _lm(
                f"Piriformis origin, anterior sacrum at {level.upper()} ({side})", q)
    return Part(sacrum_field(body), lo, hi, spacing=BONE_SPACING, landmarks=landmarks, smooth_iterations=10)


@recipe("coccyx", name="Coccyx", latin="Os coccygis", kind="bone", segment="pelvis", paired=False,
        synonyms=("Tailbone",), fma=20229, triangles=2000)
def coccyx(body: Body) -> Part:
    lo, hi = coccyx_bounds(body)
    axis = coccyx_axis(body, 5)
    landmarks = {"coccyx_tip": _lm("Tip of the coccyx", axis[-1], palpable=True)}
    return Part(coccyx_field(body), lo, hi, spacing=0.6, landmarks=landmarks, smooth_iterations=8)


@recipe("interpubic_disc", name="Interpubic disc", latin="Discus interpubicus", kind="cartilage",
        segment="pelvis", paired=False, synonyms=("Pubic symphysis disc", "Interpubic fibrocartilage"),
        triangles=1500)
def interpubic_disc(body: Body) -> Part:
    sy = g.symphysis(body)
    R = np.column_stack([g.X, -sy.back, -sy.down])
    half = (sy.gap / 2.0 + 0.2, sy.depth / 2.0, sy.height / 2.0)
    field = box(sy.centre, half, R, round_r=min(sy.gap / 2.0, 4.0))
    ext = np.abs(R) @ np.asarray(half)
    landmarks = {"pubic_symphysis": _lm("Pubic symphysis, anterior-superior point", sy.top_front, palpable=True)}
    return Part(field, sy.centre - ext - 2.0, sy.centre + ext + 2.0, spacing=0.5, landmarks=landmarks,
                smooth_iterations=6)
