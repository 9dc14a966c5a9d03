"""A small synthetic atlas for the trigger-map tests, built with the real Manifest model.

Coordinates (mm, RAS, right side; the left is mirrored) follow the reference
body of the atlas: pelvic landmarks from the Harrington 2007 regression with a
10 deg ASIS-PSIS tilt (anatomy-dimensions section 1.3), the lumbar chain of
section 2, the femur of section 3, and muscle, nerve and vessel paths from the
Rajagopal 2016 model points in clinical-facts section 4 scaled to hip centres
86.5 mm from the midline. Plausible, not exact: the tests check behaviour
relative to these landmarks, never the numbers themselves.

Also tests the stand-in skin built from these landmarks.
"""
from __future__ import annotations

import numpy as np

from anatomy_viewer.model.manifest import Manifest
from anatomy_viewer.model.trigger_skin import SkinSamples, proxy_skin

RIGHT_LANDMARKS = {
    "asis": ("hip_bone", (120, 60, 74)),
    "aiis": ("hip_bone", (99, 53, 29)),
    "psis": ("hip_bone", (44, -88, 100)),
    "iliac_crest_top": ("hip_bone", (132, -5, 138)),
    "iliac_tubercle": ("hip_bone", (140, 25, 118)),
    "pubic_tubercle": ("hip_bone", (25, 57, -10)),
    "ischial_tuberosity": ("hip_bone", (64, -38, -63)),
    "ischial_spine": ("hip_bone", (48, -50, -15)),
    "greater_sciatic_notch": ("hip_bone", (62, -60, 35)),
    "transverse_process_l1": ("vertebra_l1", (38, -28, 283)),
    "transverse_process_l2": ("vertebra_l2", (42, -22, 248)),
    "transverse_process_l3": ("vertebra_l3", (46, -20, 210)),
    "transverse_process_l4": ("vertebra_l4", (44, -22, 170)),
    "transverse_process_l5": ("vertebra_l5", (42, -30, 131)),
    "greater_trochanter_tip": ("femur", (137, -12, -3)),
    "lesser_trochanter": ("femur", (95, -22, -60)),
    "femoral_head_centre": ("femur", (86.5, 0, 0)),
    "lateral_epicondyle": ("femur", (107, 0, -425)),
    "medial_epicondyle": ("femur", (22, 2, -422)),
    "adductor_tubercle": ("femur", (24, -5, -398)),
    "patella_base": ("patella", (66, 48, -385)),
    "patella_apex": ("patella", (66, 50, -425)),
    "tibial_tuberosity": ("tibia", (70, 32, -468)),
    "knee_joint_line_medial": ("tibia", (25, 8, -435)),
    "knee_joint_line_lateral": ("tibia", (105, 5, -435)),
    "gerdys_tubercle": ("tibia", (95, 22, -452)),
    "fibular_head": ("fibula", (106, -12, -462)),
    "pes_anserinus": ("tibia", (42, 22, -485)),
    "mid_inguinal_point": ("hip_bone", (60, 59, 27)),
}
MIDLINE_LANDMARKS = {
    "pubic_symphysis": ("interpubic_disc", (0, 58, -19)),
    "sacral_promontory": ("sacrum", (0, -15, 118)),
    "spinous_process_t12": ("vertebra_t12", (0, -92, 300)),
    "spinous_process_l1": ("vertebra_l1", (0, -88, 268)),
    "spinous_process_l2": ("vertebra_l2", (0, -84, 232)),
    "spinous_process_l3": ("vertebra_l3", (0, -82, 196)),
    "spinous_process_l4": ("vertebra_l4", (0, -84, 160)),
    "spinous_process_l5": ("vertebra_l5", (0, -88, 126)),
    "spinous_process_s1": ("sacrum", (0, -95, 105)),
    "spinous_process_s2": ("sacrum", (0, -100, 88)),
}
# (kind, segment, path) for paired structures, right side
RIGHT_STRUCTURES = {
    "hip_bone": ("bone", "pelvis", ()),
    "femur": ("bone", "femur", ()),
    "patella": ("bone", "tibia", ()),
    "tibia": ("bone", "tibia", ()),
    "fibula": ("bone", "tibia", ()),
    "psoas_major": ("muscle", "trunk", ((22, -20, 300), (38, -10, 210), (48, 5, 130), (72, 40, 20),
                                         (88, 20, -30), (95, -22, -60))),
    "psoas_minor": ("muscle", "trunk", ((15, -15, 300), (55, 40, 20))),
    "iliacus": ("muscle", "pelvis", ((110, -5, 120), (100, 35, 60), (90, 45, 25), (100, -15, -65))),
    "rectus_femoris": ("muscle", "femur", ((99, 53, 29), (92, 60, -150), (70, 52, -380))),
    "sartorius": ("muscle", "femur", ((118, 62, 70), (85, 66, -120), (42, 25, -360), (42, 22, -485))),
    "tensor_fasciae_latae": ("muscle", "pelvis", ((125, 45, 90), (150, 20, -80))),
    "pectineus": ("muscle", "pelvis", ((22, 48, -8), (90, -8, -75))),
    "adductor_longus": ("muscle", "pelvis", ((12, 55, -18), (55, 20, -120), (75, 5, -230))),
    "piriformis": ("muscle", "pelvis", ((15, -62, 82), (62, -58, 42), (130, -18, 2))),
    "femoral_nerve": ("nerve", "pelvis", ((55, 0, 150), (78, 45, 40), (80, 50, 0), (78, 45, -40))),
    "femoral_artery": ("artery", "femur", ((67, 50, 38), (65, 46, -10), (60, 35, -80), (53, 15, -260))),
    "femoral_vein": ("vein", "femur", ((55, 46, 35), (52, 40, -10), (50, 28, -80), (50, 5, -260))),
    "lateral_femoral_cutaneous_nerve": ("nerve", "pelvis", ((60, -5, 150), (100, 62, 70), (125, 62, -20))),
    "sciatic_nerve": ("nerve", "pelvis", ((70, -58, 25), (98, -50, -30), (100, -50, -200), (87, -45, -340))),
    "great_saphenous_vein": ("vein", "femur", ((45, 62, -20), (30, 45, -200), (18, -5, -420), (25, -5, -600))),
    "kidney": ("organ", "trunk", ((65, -40, 330), (72, -35, 225))),
}
MIDLINE_STRUCTURES = ["sacrum", "interpubic_disc", "vertebra_t12", "vertebra_l1", "vertebra_l2",
                      "vertebra_l3", "vertebra_l4", "vertebra_l5"]


def _structure(sid, kind, side, segment, path=()):
    return dict(id=sid, name=sid.replace("_", " ").capitalize(), latin=sid, kind=kind, side=side,
                segment=segment, file=f"{sid}.vtp", path=[list(p) for p in path])


def synthetic_manifest_data(drop_landmarks: tuple[str, ...] = ()) -> dict:
    structures, landmarks = [], []
    for base, (kind, segment, path) in RIGHT_STRUCTURES.items():
        for side, sign in (("right", 1), ("left", -1)):
            seg = f"{segment}_{side}" if segment in ("femur", "tibia") else segment
            mirrored = [(sign * p[0], p[1], p[2]) for p in path]
            structures.append(_structure(f"{base}_{side}", kind, side, seg, mirrored))
    for base in MIDLINE_STRUCTURES:
        kind = "cartilage" if base == "interpubic_disc" else "bone"
        structures.append(_structure(base, kind, "midline", "trunk" if "vertebra" in base else "pelvis"))
    for base, (structure, p) in RIGHT_LANDMARKS.items():
        if base in drop_landmarks:
            continue
        for side, sign in (("right", 1), ("left", -1)):
            owner = structure if structure.startswith("vertebra") else f"{structure}_{side}"
            landmarks.append(dict(id=f"{base}_{side}", name=base, structure=owner,
                                  position=[sign * p[0], p[1], p[2]],
                                  on_surface=base != "femoral_head_centre"))
    for base, (structure, p) in MIDLINE_LANDMARKS.items():
        if base not in drop_landmarks:
            landmarks.append(dict(id=base, name=base, structure=structure, position=list(p)))
    return dict(structures=structures, landmarks=landmarks, reference_body="synthetic test body")


def synthetic_manifest(drop_landmarks: tuple[str, ...] = ()) -> Manifest:
    return Manifest.model_validate(synthetic_manifest_data(drop_landmarks))


def synthetic_skin(manifest: Manifest | None = None) -> SkinSamples:
    return proxy_skin(manifest or synthetic_manifest())


# ------------------------------------------------------------------ tests of the stand-in skin
def test_proxy_skin_encloses_the_landmarks_and_faces_outward():
    m = synthetic_manifest()
    skin = synthetic_skin(m)
    assert len(skin) > 10_000
    # every landmark is inside the skin: the nearest skin sample's normal points away from it
    for lm in m.landmarks:
        p = np.array(lm.position)
        i = np.argmin(np.linalg.norm(skin.points - p, axis=1))
        assert (skin.points[i] - p) @ skin.normals[i] > 0, lm.id
        assert np.linalg.norm(skin.points[i] - p) < 130, lm.id
    # the front of the right thigh faces forward, the back of the buttock backward
    front = skin.ray_exit(np.array([80.0, 0.0, -200.0]), np.array([0.0, 1.0, 0.0]))
    back = skin.ray_exit(np.array([60.0, 0.0, -20.0]), np.array([0.0, -1.0, 0.0]))
    assert front is not None and 60 < front[1] < 110
    assert back is not None and -150 < back[1] < -90


def test_proxy_skin_sizes_follow_published_girths():
    skin = synthetic_skin()
    # thigh girth just below the gluteal fold: 565 +/- 42 mm (Heinz 2003)
    ring = skin.points[(np.abs(skin.points[:, 2] + 140) < 3) & (skin.points[:, 0] > 0)]
    a, b = np.ptp(ring[:, 0]) / 2, np.ptp(ring[:, 1]) / 2
    girth = np.pi * (3 * (a + b) - np.sqrt((3 * a + b) * (a + 3 * b)))    # Ramanujan
    assert 450 < girth < 650
