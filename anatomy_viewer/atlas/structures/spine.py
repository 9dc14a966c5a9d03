"""The lumbar spine: vertebrae T12-L5 and the intervertebral discs T12/L1-L5/S1.

Shapes are built in `spine_fields`; the geometry other recipes attach to
lives in `spine_geometry` (transverse-process tips, spinous tips, facet
joints) and `spine_surface` (body, disc and transverse-process surface points
for the psoas) and is re-exported here.
"""
from __future__ import annotations

from ..body import Body
from ..recipes import LandmarkSpec, Part, recipe
from .spine_fields import disc_bounds, disc_field, vertebra_bounds, vertebra_field
from .spine_geometry import (LEVELS, SIDES, canal_centre, facet_joint, spinous_tip, transverse_process_tip,
                             vertebra_frame)
from .spine_surface import (body_anterolateral_point, body_lateral_point, body_surface_point, disc_lateral_point,
                            transverse_process_front)

__all__ = ["LEVELS", "body_anterolateral_point", "body_lateral_point", "body_surface_point", "canal_centre",
           "disc_lateral_point", "facet_joint", "spinous_tip", "transverse_process_front",
           "transverse_process_tip", "vertebra_frame", "vertebra_field", "disc_field"]

VERTEBRA_SPACING = 0.8   # mm grid
DISC_SPACING = 0.8
VERTEBRA_TRIANGLES = 7600
DISC_TRIANGLES = 2000

ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V", "12": "XII"}
ORDINAL = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth", "12": "twelfth"}


def _vertebra_landmarks(body: Body, level: str) -> dict[str, LandmarkSpec]:
    label = level.upper()
    lms = {f"spinous_process_{level}": LandmarkSpec(f"Spinous process of {label}", spinous_tip(body, level))}
    for side in SIDES:
        lms[f"transverse_process_{level}_{side}"] = LandmarkSpec(
            f"Tip of the {side} transverse process of {label}", transverse_process_tip(body, level, side),
            palpable=False)
        lms[f"vertebral_body_{level}_{side}"] = LandmarkSpec(
            f"Anterolateral {label} body, {side} (psoas origin)", body_anterolateral_point(body, level, side),
            palpable=False)
    return lms


def _register_vertebra(level: str) -> None:
    thoracic = level.startswith("t")
    number = level[1:]
    region = "thoracic" if thoracic else "lumbar"
    latin = f"Vertebra {'thoracica' if thoracic else 'lumbalis'} {ROMAN[number]}"
    label = level.upper()

    def build(body: Body) -> Part:
        lo, hi = vertebra_bounds(body, level)
        return Part(vertebra_field(body, level), lo, hi, spacing=VERTEBRA_SPACING,
                    landmarks=_vertebra_landmarks(body, level))

    build.__name__ = f"vertebra_{level}"
    build.__doc__ = f"The {ORDINAL[number]} {region} vertebra ({label})."
    recipe(f"vertebra_{level}", name=f"{ORDINAL[number].capitalize()} {region} vertebra", latin=latin,
           kind="bone", segment="trunk", paired=False, synonyms=(label, f"{label} vertebra"),
           triangles=VERTEBRA_TRIANGLES)(build)


def _register_disc(name: str) -> None:
    upper, lower = name.split("_")
    label = f"{upper.upper()}/{lower.upper()}"

    def build(body: Body) -> Part:
        lo, hi = disc_bounds(body, name)
        return Part(disc_field(body, name), lo, hi, spacing=DISC_SPACING)

    build.__name__ = f"disc_{name}"
    build.__doc__ = f"The {label} intervertebral disc."
    recipe(f"disc_{name}", name=f"{label} intervertebral disc", latin="Discus intervertebralis",
           kind="cartilage", segment="trunk", paired=False,
           synonyms=(f"{label} disc", f"{upper.upper()}-{lower.upper()} disc"),
           triangles=DISC_TRIANGLES)(build)


for _level in reversed(LEVELS):          # top to bottom: T12, L1, ..., L5
    _register_vertebra(_level)
for _name in ("t12_l1", "l1_l2", "l2_l3", "l3_l4", "l4_l5", "l5_s1"):
    _register_disc(_name)
