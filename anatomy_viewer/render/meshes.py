"""Read the atlas meshes, one .vtp per structure. A missing, empty or corrupt
file becomes a Problem and the structure is left out; nothing raises."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..model.manifest import Structure
from ..model.problems import Problem

MAX_MESH_BYTES = 200_000_000


def read_polydata(path: Path):
    """A pyvista PolyData, or a reason (str) why the file cannot be used."""
    import pyvista as pv
    from vtkmodules.vtkCommonCore import vtkObject
    from vtkmodules.vtkIOXML import vtkXMLPolyDataReader

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "the mesh file is missing"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if size == 0:
        return "the mesh file is empty (0 bytes)"
    if size > MAX_MESH_BYTES:
        return f"{size} bytes is too large for an atlas mesh"
    reader = vtkXMLPolyDataReader()
    reader.SetFileName(str(path))
    shown = vtkObject.GetGlobalWarningDisplay()
    vtkObject.GlobalWarningDisplayOff()          # we report the failure ourselves
    try:
        reader.Update()
    finally:
        vtkObject.SetGlobalWarningDisplay(shown)
    poly = pv.wrap(reader.GetOutput())
    if poly.n_points == 0:
        head = path.read_bytes()[:64].lstrip()
        if not (head.startswith(b"<?xml") or head.startswith(b"<VTKFile")):
            return "not a VTK PolyData (.vtp) file: it may be corrupt"
        return "corrupt, truncated or without any points"
    if poly.n_cells == 0:
        return "contains no surface (no triangles)"
    if poly.point_data.active_normals is None:
        poly = poly.compute_normals(cell_normals=False, auto_orient_normals=False)
    return poly


def load_meshes(structures: Iterable[Structure], directory: Path):
    """{structure id: PolyData} for every readable mesh, and the problems with the others."""
    directory = Path(directory)
    meshes, problems = {}, []
    for s in structures:
        result = read_polydata(directory / s.file)
        if isinstance(result, str):
            problems.append(Problem(str(directory / s.file), "", f"{s.label}: {result}; it is left out"))
        else:
            meshes[s.id] = result
    return meshes, problems
