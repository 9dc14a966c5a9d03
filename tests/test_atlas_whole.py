"""Checks over the whole committed atlas: manifest, budget, load time,
landmarks on their surfaces, skin enclosure, and a rebuild."""
import os
import time

import numpy as np
import pytest

from anatomy_viewer.atlas.build import mesh_recipe
from anatomy_viewer.atlas.recipes import REGISTRY, load_all
from anatomy_viewer.model.manifest import load_manifest
from anatomy_viewer.paths import meshes_dir
from atlas_support import manifest_with, trimesh_of

TRIANGLE_BUDGET = 400_000


def test_manifest_validates_and_files_exist():
    m = load_manifest(meshes_dir() / "atlas.json")
    assert m.structures
    for s in m.structures:
        assert (meshes_dir() / s.file).is_file(), s.file


def test_every_recipe_is_in_the_manifest():
    m = manifest_with()
    built = {s.id for s in m.structures}
    expected = {sid for r in load_all().values() for sid in r.ids()}
    missing = sorted(expected - built)
    if missing == ["skin"]:
        pytest.skip("the skin is built once the structures it wraps are in the atlas")
    assert not missing, f"recipes not built into meshes/: {missing}"


def test_the_hip_flexors_are_listed_first():
    """The manifest (and so the viewer's structure list) runs from the spine
    down, and lists the hip flexors before the muscles around them."""
    from anatomy_viewer.model.manifest import Kind, base_id

    m = manifest_with()
    kinds = [s.kind for s in m.structures]
    assert kinds.index(Kind.bone) < kinds.index(Kind.muscle)
    muscles = list(dict.fromkeys(base_id(s.id) for s in m.structures if s.kind is Kind.muscle))
    flexors = ["psoas_major", "psoas_minor", "iliacus", "rectus_femoris", "sartorius", "tensor_fasciae_latae",
               "pectineus", "adductor_longus"]
    assert muscles[:len(flexors)] == flexors, muscles[:len(flexors)]
    bones = list(dict.fromkeys(base_id(s.id) for s in m.structures if s.kind is Kind.bone))
    assert bones.index("vertebra_t12") < bones.index("hip_bone") < bones.index("femur") < bones.index("tibia")


# FMA ids checked against the identifiers of each structure's reference entry
# (the Wikipedia infobox, which cites the FMA, or the UBERON cross-reference).
# Psoas minor and adductor longus are left without one until checked.
CHECKED_FMA = {
    "psoas_major": 18060, "iliacus": 22310, "rectus_femoris": 22430, "sartorius": 22353,
    "tensor_fasciae_latae": 22423, "pectineus": 22440, "piriformis": 19082,
    "iliotibial_tract": 51048, "gluteus_maximus": 22314, "gluteus_medius": 22315,
    "adductor_magnus": 22443, "semimembranosus": 22438, "semitendinosus": 22357,
    "biceps_femoris": 22356, "vastus_lateralis": 22431, "vastus_medialis": 22432,
    "vastus_intermedius": 22433,
}


def test_fma_ids_are_the_checked_ones():
    """Each checked id is on both sides of its structure (the FMA's muscle
    entries are not sided; the kidneys are, and carry their own two ids), and
    no two different structures share an id."""
    from anatomy_viewer.model.manifest import base_id

    m = manifest_with()
    by_base: dict[str, set] = {}
    for s in m.structures:
        by_base.setdefault(base_id(s.id), set()).add(s.fma)
    for base, fma in CHECKED_FMA.items():
        assert by_base[base] == {fma}, f"{base}: FMA {by_base[base]}, checked {fma}"
    owner: dict[int, str] = {}
    for base, fmas in by_base.items():
        for fma in fmas - {None}:
            assert owner.setdefault(fma, base) == base, f"{base} and {owner[fma]} share FMA {fma}"


def test_triangle_budget():
    m = manifest_with()
    total = sum(s.triangles or 0 for s in m.structures)
    assert 0 < total <= TRIANGLE_BUDGET, total


def test_loading_every_mesh_is_fast():
    import pyvista as pv

    m = manifest_with()
    t0 = time.perf_counter()
    meshes = [pv.read(str(meshes_dir() / s.file)) for s in m.structures]
    elapsed = time.perf_counter() - t0
    assert all(mesh.n_cells > 0 for mesh in meshes)
    assert elapsed < 1.0, f"loading meshes/ took {elapsed:.2f} s"


def test_landmarks_lie_on_their_structures():
    import pyvista as pv

    m = manifest_with()
    by_structure = {}
    for lm in m.landmarks:
        by_structure.setdefault(lm.structure, []).append(lm)
    assert m.landmarks, "no landmarks in the atlas"
    for sid, lms in by_structure.items():
        poly = pv.read(str(meshes_dir() / m.structure(sid).file))
        pts = np.array([lm.position for lm in lms])
        _, closest = poly.find_closest_cell(pts, return_closest_point=True)
        dist = np.linalg.norm(np.atleast_2d(closest) - pts, axis=1)
        for lm, d in zip(lms, dist):
            if lm.on_surface:
                assert d < 2.0, f"{lm.id} is {d:.1f} mm from {sid}"
            else:  # a reference point (a centre): within the structure's bounds
                lo, hi = np.array(poly.bounds[::2]), np.array(poly.bounds[1::2])
                assert np.all((lm.position >= lo) & (lm.position <= hi)), f"{lm.id} lies outside {sid}"


def test_skin_encloses_every_structure():
    import pyvista as pv

    m = manifest_with("skin")
    skin = pv.read(str(meshes_dir() / m.structure("skin").file))
    for s in m.structures:
        if s.id == "skin":
            continue
        pts = np.asarray(trimesh_of(s.id).vertices)[::7]
        inside = pv.PolyData(pts).select_interior_points(skin, check_surface=False)["selected_points"]
        assert inside.mean() > 0.999, f"{s.id}: {100 * (1 - inside.mean()):.1f}% of it lies outside the skin"
    palpable = [lm for lm in m.landmarks if lm.skin is not None]
    assert palpable, "no landmark was projected onto the skin"


def _rebuild_ids():
    load_all()
    if os.environ.get("CI"):
        return list(REGISTRY)  # everything in CI, the skin included (it wraps the committed meshes)
    small = sorted(REGISTRY, key=lambda rid: REGISTRY[rid].triangles)
    return small[:3]


@pytest.mark.slow
def test_rebuild_matches_committed_meshes():
    m = manifest_with()
    built = {s.id for s in m.structures}
    for rid in _rebuild_ids():
        sid = REGISTRY[rid].ids()[0]
        if sid not in built:
            continue
        _, mesh, _, _ = mesh_recipe(rid)
        committed = np.asarray(trimesh_of(sid).vertices)
        assert mesh.points.shape == committed.shape, f"{rid}: point count differs from meshes/"
        assert np.abs(mesh.points - committed).max() < 1e-3, f"{rid}: geometry differs from meshes/"
