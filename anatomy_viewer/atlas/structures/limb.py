"""Lower-limb bones: femur, patella, tibia and fibula (right side; the builder
mirrors them). The geometry lives in limb_femur.py and limb_leg.py; this module
registers the recipes and names the landmarks. The helpers other recipes use to
attach muscles are re-exported here.

The skin ends at mid-shin, so the tibia and fibula are built from the knee down
to just above the skin's lower cut and end there in a rounded cap (see
table/leg.toml).
"""
from __future__ import annotations

from ..body import Body
from ..recipes import LandmarkSpec, Part, recipe
from .limb_femur import (  # noqa: F401  (re-exported for other recipes)
    adductor_tubercle, femoral_head_centre, femur_bounds, femur_field, femur_geometry,
    femur_shaft_axis, femur_shaft_direction, gluteal_tuberosity, greater_trochanter_tip,
    intertrochanteric_crest, intertrochanteric_line, lateral_epicondyle, lesser_trochanter,
    linea_aspera_point, medial_epicondyle, pectineal_line, trochanteric_fossa)

from .limb_leg import (  # noqa: F401  (re-exported for other recipes)
    fibula_bounds, fibula_field, fibular_head, gerdys_tubercle, knee_joint_line, leg_geometry,
    patella_apex, patella_base, patella_bounds, patella_field, pes_anserinus, tibia_bounds,
    tibia_field, tibial_tuberosity)

FEMUR_SPACING = 0.9
LEG_SPACING = 0.8


@recipe("femur", name="Femur", latin="Femur", kind="bone", segment="femur", paired=True,
        synonyms=("Thigh bone",), fma=9611, triangles=24000)
def femur(body: Body) -> Part:
    lo, hi = femur_bounds(body)
    hidden = dict(palpable=False)
    landmarks = {
        "femoral_head_centre": LandmarkSpec("Femoral head centre", femoral_head_centre(body),
                                            palpable=False, on_surface=False),
        "greater_trochanter_tip": LandmarkSpec("Greater trochanter (tip)", greater_trochanter_tip(body)),
        "lesser_trochanter": LandmarkSpec("Lesser trochanter", lesser_trochanter(body), **hidden),
        "lateral_epicondyle": LandmarkSpec("Lateral epicondyle of the femur", lateral_epicondyle(body)),
        "medial_epicondyle": LandmarkSpec("Medial epicondyle of the femur", medial_epicondyle(body)),
        "adductor_tubercle": LandmarkSpec("Adductor tubercle", adductor_tubercle(body)),
        "trochanteric_fossa": LandmarkSpec("Trochanteric fossa", trochanteric_fossa(body), **hidden),
        "pectineal_line": LandmarkSpec("Pectineal line of the femur", pectineal_line(body), **hidden),
        "linea_aspera_middle": LandmarkSpec("Linea aspera (middle)", linea_aspera_point(body, 0.5), **hidden),
        "gluteal_tuberosity": LandmarkSpec("Gluteal tuberosity", gluteal_tuberosity(body), **hidden),
        "intertrochanteric_line": LandmarkSpec("Intertrochanteric line (middle)", intertrochanteric_line(body),
                                               **hidden),
        "quadrate_tubercle": LandmarkSpec("Quadrate tubercle (intertrochanteric crest)",
                                          intertrochanteric_crest(body, 0.5), **hidden),
    }
    return Part(femur_field(body), lo, hi, spacing=FEMUR_SPACING, landmarks=landmarks)


@recipe("patella", name="Patella", latin="Patella", kind="bone", segment="tibia", paired=True,
        synonyms=("Kneecap",), fma=24485, triangles=3000)
def patella(body: Body) -> Part:
    lo, hi = patella_bounds(body)
    landmarks = {
        "patella_base": LandmarkSpec("Base of the patella", patella_base(body)),
        "patella_apex": LandmarkSpec("Apex of the patella", patella_apex(body)),
    }
    return Part(patella_field(body), lo, hi, spacing=LEG_SPACING, landmarks=landmarks)


@recipe("tibia", name="Tibia", latin="Tibia", kind="bone", segment="tibia", paired=True,
        synonyms=("Shin bone",), fma=24476, triangles=12000)
def tibia(body: Body) -> Part:
    lo, hi = tibia_bounds(body)
    landmarks = {
        "tibial_tuberosity": LandmarkSpec("Tibial tuberosity", tibial_tuberosity(body)),
        "knee_joint_line_medial": LandmarkSpec("Knee joint line (medial tibial plateau rim)",
                                               knee_joint_line(body, "medial")),
        "knee_joint_line_lateral": LandmarkSpec("Knee joint line (lateral tibial plateau rim)",
                                                knee_joint_line(body, "lateral")),
        "gerdys_tubercle": LandmarkSpec("Gerdy's tubercle", gerdys_tubercle(body)),
        "pes_anserinus": LandmarkSpec("Pes anserinus insertion", pes_anserinus(body)),
    }
    return Part(tibia_field(body), lo, hi, spacing=LEG_SPACING, landmarks=landmarks)


@recipe("fibula", name="Fibula", latin="Fibula", kind="bone", segment="tibia", paired=True,
        synonyms=("Calf bone",), fma=24479, triangles=4000)
def fibula(body: Body) -> Part:
    lo, hi = fibula_bounds(body)
    landmarks = {"fibular_head": LandmarkSpec("Head of the fibula", fibular_head(body))}
    return Part(fibula_field(body), lo, hi, spacing=LEG_SPACING, landmarks=landmarks)
