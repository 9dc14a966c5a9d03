"""The low back: quadratus lumborum (a quadrilateral sheet from the iliac
crest and iliolumbar ligament to the twelfth rib and the lumbar transverse
processes) and erector spinae (the mass in the groove beside the spinous
processes, from the dorsal sacrum upward). Both are cut flat at the model's
upper end with the skin."""
from __future__ import annotations

import numpy as np

from ..body import Body
from ..recipes import Part, recipe
from . import context_attachments as ca
from .context_muscles import DISCS, GAP, LUMBAR, Built, context_part, context_shape, sized, table_readers
from .muscles_shape import CentreLine, polyline_param, ramp, sheet

num, vec = table_readers("context_trunk")


@context_shape("quadratus_lumborum", LUMBAR + ("hip_bone", "kidney_right"))
def _quadratus_lumborum(body: Body) -> Built:
    from .spine_geometry import transverse_process_tip

    top = ca.spinal_top(body)
    fwd = num(body, "quadratus_lumborum_forward_of_tp")
    c0, c1 = vec(body, "quadratus_lumborum_crest_origin")
    r0, r1 = vec(body, "quadratus_lumborum_rib_span")
    tips = np.array([transverse_process_tip(body, lv, "right") for lv in ("l5", "l4", "l3", "l2", "l1")])
    t12 = transverse_process_tip(body, "t12", "right")
    medial = np.vstack([tips, [r0, t12[1], top + 5.0]]) + [0.0, fwd, 0.0]
    crest = ca.crest_inner_lip(body, c1, c0, 5)   # back to front: medial to lateral along the crest
    rib_y = 0.5 * (t12[1] + tips[-1][1]) + fwd
    lateral = np.vstack([crest[-1], 0.5 * (crest[-1] + [r1, rib_y, top]) + [6.0, 0.0, 0.0], [r1, rib_y, top + 5.0]])
    med = polyline_param(medial)
    lat = polyline_param(lateral)
    thick = num(body, "quadratus_lumborum_thickness")

    def surface(u, v):
        # u across (medial 0 .. lateral 1), v up (iliolumbar ligament and crest 0 .. rib 1)
        return med(v) * (1 - u[:, None]) + lat(v) * u[:, None]

    def shape(s):
        half = s * thick / 2.0

        def thickness(u, v):
            edge = 0.5 + 0.5 * np.sin(np.pi * np.clip(u * 0.85 + 0.15, 0, 1))
            along = ramp(v, [0.0, 0.2, 0.6, 1.0], [0.5, 1.0, 0.9, 0.7])
            return np.maximum(2.0, half * edge * along)
        return (sheet(surface, thickness, 70.0, top - tips[0][2], min_half_thickness=0.4 * half),
                CentreLine.through(surface(np.full(5, 0.5), np.linspace(0.0, 1.0, 5))))

    return sized(body, "quadratus_lumborum", shape, top=top)


# ---------------------------------------------------------------- erector spinae
@context_shape("erector_spinae", LUMBAR + DISCS + ("hip_bone", "sacrum"), ("quadratus_lumborum",))
def _erector_spinae(body: Body) -> Built:
    from .spine_geometry import transverse_process_tip

    top = ca.spinal_top(body)
    width, depth = num(body, "erector_spinae_width_l3"), num(body, "erector_spinae_depth_l3")
    prof = vec(body, "erector_spinae_profile").reshape(-1, 2)
    s_low = num(body, "erector_spinae_lowest_sacral_level")
    # stations bottom to top: (height z, y of the bony floor the mass lies on):
    # the dorsal sacrum at S3-4 and S1, then the transverse-process plane L5 .. T12
    stations = [(p[2], p[1]) for p in (ca.dorsal_sacrum(body, s, 0.0) for s in (s_low, 10.0))]
    for lv in ("l5", "l3", "l2", "l1", "t12"):
        tp = transverse_process_tip(body, lv, "right")
        stations.append((body.vertebrae[lv].centre[2], tp[1]))
    z = np.r_[[st[0] for st in stations], top + 6.0]
    floor_y = np.r_[[st[1] for st in stations], stations[-1][1]]
    wr = np.r_[prof[:, 0], prof[-1, 0]]
    dr = np.r_[prof[:, 1], prof[-1, 1]]
    medial_x = float(body.t.vec("spine.spinous_thickness").max()) / 2.0 + GAP

    def shape(s):
        def dims(v):
            zz = z[0] + v * (z[-1] - z[0])
            return zz, np.interp(zz, z, wr) * width, s * np.interp(zz, z, dr) * depth, np.interp(zz, z, floor_y)

        def surface(u, v):
            zz, w, d, fy = dims(v)
            half_d = d / 2.0
            x = medial_x + half_d + u * np.maximum(w - 1.6 * half_d, 1.0)
            # the mass is thickest beside the spinous processes; laterally its
            # back surface slopes forward
            y = fy - half_d + 0.3 * half_d * u ** 2
            return np.column_stack([x, y, zz])

        def thickness(u, v):
            _, _, d, _ = dims(v)
            return np.maximum(3.0, d / 2.0 * (1.0 - 0.55 * u ** 2))
        cloud = sheet(surface, thickness, width, z[-1] - z[0], min_half_thickness=0.3 * depth / 2.0)
        line = CentreLine.through(surface(np.full(6, 0.35), np.linspace(0.0, 1.0, 6)))
        return cloud, line

    return sized(body, "erector_spinae", shape, top=top, medial=True)


@recipe("quadratus_lumborum", name="Quadratus lumborum", latin="Musculus quadratus lumborum", kind="muscle",
        segment="trunk", synonyms=("QL",), fma=22335, triangles=6000)
def quadratus_lumborum(body: Body) -> Part:
    return context_part(body, "quadratus_lumborum", 1.2)


@recipe("erector_spinae", name="Erector spinae", latin="Musculus erector spinae", kind="muscle",
        segment="trunk", synonyms=("paraspinals", "sacrospinalis"), fma=71302, triangles=7000)
def erector_spinae(body: Body) -> Part:
    return context_part(body, "erector_spinae", 1.5)
