"""The meshing pipeline's last resort: a pinch (non-manifold edge) that every
decimation retry keeps is smoothed away by a little more smoothing."""
from __future__ import annotations

from anatomy_viewer.atlas import meshing as M
from anatomy_viewer.atlas import sdf


def _sphere_mesh(monkeypatch, pinched_attempts: int):
    calls = []
    real = M.decimate_closed

    def pinching(mesh, target):
        calls.append(len(mesh.points))
        out = real(mesh, target)
        if len(calls) <= pinched_attempts:        # as if the decimation left a hole
            return M.Mesh(out.points, out.faces[1:])
        return out

    monkeypatch.setattr(M, "decimate_closed", pinching)
    mesh = M.mesh_field(sdf.sphere((0.0, 0.0, 0.0), 10.0), (-12.0,) * 3, (12.0,) * 3, 1.0, 800, 4)
    return mesh, calls


def test_a_pinch_every_decimation_keeps_is_smoothed_away(monkeypatch):
    mesh, calls = _sphere_mesh(monkeypatch, 1)
    assert M.check(mesh) == []
    assert len(calls) == 2


def test_a_closed_mesh_is_decimated_once(monkeypatch):
    mesh, calls = _sphere_mesh(monkeypatch, 0)
    assert M.check(mesh) == []
    assert len(calls) == 1


def test_the_retries_give_up_and_leave_the_problem_to_the_check(monkeypatch):
    mesh, calls = _sphere_mesh(monkeypatch, 10)
    assert M.check(mesh) == ["not watertight"]
    assert len(calls) == 1 + M.SMOOTHING_RETRIES
