"""What a benchmark run measures, shared by the app's probe (bench_app) and
the baseline's (bench_probe): frame times, the first frame after launch,
the scene's size, the renderer string and peak memory."""
from __future__ import annotations

import resource
import time

WARM_UP_FRAMES = 10
PICK_REPEATS = 7


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: KiB


def wait_exposed(qapp, widget, timeout: float = 20.0) -> None:
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        qapp.processEvents()
        handle = widget.windowHandle()
        if handle is not None and handle.isExposed():
            return
        time.sleep(0.002)
    raise RuntimeError("the window was never exposed (is the X server running?)")


def frame(plotter) -> float:
    """One synchronous render, finished on the GPU (or in llvmpipe), in ms."""
    t0 = time.perf_counter()
    plotter.render()
    plotter.ren_win.WaitForCompletion()
    return (time.perf_counter() - t0) * 1000.0


def orbit(plotter, n: int) -> list[float]:
    """Frame times (ms) while the camera turns a full circle in `n` azimuth steps."""
    cam = plotter.renderer.GetActiveCamera()
    for _ in range(WARM_UP_FRAMES):
        cam.Azimuth(360.0 / n)
        frame(plotter)
    times = []
    for _ in range(n):
        cam.Azimuth(360.0 / n)
        plotter.renderer.ResetCameraClippingRange()
        times.append(frame(plotter))
    return times


def first_frame(qapp, window, plotter, launched: float) -> float:
    window.show()
    wait_exposed(qapp, window)
    frame(plotter)
    return time.time() - launched


def gl_renderer(render_window) -> str:
    for line in render_window.ReportCapabilities().splitlines():
        if "renderer string" in line:
            return line.split(":", 1)[1].strip()
    return ""


def scene_counts(renderers) -> dict:
    actors = tris = 0
    for ren in renderers:
        for actor in ren.GetActors():
            if actor.GetVisibility():
                actors += 1
                data = actor.GetMapper().GetInput()
                tris += data.GetNumberOfPolys() if data is not None else 0
    return {"visible_actors": actors, "visible_triangles": tris}
