"""`anatomy-viewer`: open the app, render a screenshot, or run a headless command.

    anatomy-viewer                                   open the window
    anatomy-viewer --screenshot out.png [--view anterior] [--select ID] [--size 1600x1200]
    anatomy-viewer --handout out.pdf [--view anterior] [--select ID]   patient handout, no window
    anatomy-viewer validate [PATH ...]               check trigger maps and guide pages
    anatomy-viewer find-pain REGION... [--side left|right] [--json]
"""
from __future__ import annotations

import argparse
import os
import sys

VIEWS = ("anterior", "posterior", "left", "right", "superior", "inferior", "oblique")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not WIDTHxHEIGHT, e.g. 1600x1200") from None
    if not (64 <= w <= 8192 and 64 <= h <= 8192):
        raise argparse.ArgumentTypeError("width and height must be between 64 and 8192 pixels")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="anatomy-viewer", description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--screenshot", metavar="PNG", help="render off-screen to this PNG and exit")
    ap.add_argument("--handout", metavar="PDF",
                    help="write the patient handout (PDF) for --select, rendered off-screen, and exit")
    ap.add_argument("--view", choices=VIEWS, default=None,
                    help="camera view (default: anterior; the window reopens at its last view)")
    ap.add_argument("--select", metavar="ID", help="select a structure or trigger point by id")
    ap.add_argument("--size", type=_size, default=(1600, 1200), metavar="WxH",
                    help="screenshot size in pixels (default 1600x1200)")
    sub = ap.add_subparsers(dest="command")
    v = sub.add_parser("validate", help="check trigger maps and guide pages")
    v.add_argument("paths", nargs="*", metavar="PATH",
                   help="trigger-map .toml files or guide pages (default: everything shipped)")
    f = sub.add_parser("find-pain", help="rank trigger points that could cause pain in these regions")
    f.add_argument("regions", nargs="+", metavar="REGION")
    f.add_argument("--side", choices=("left", "right"), default="right")
    f.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return ap


def has_display() -> bool:
    if sys.platform != "linux":
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "validate":
        from .checks import run_validate
        return run_validate(args.paths)
    if args.command == "find-pain":
        from .checks import run_find_pain
        return run_find_pain(args.regions, args.side, args.json)
    if args.screenshot:
        from .app import run_screenshot
        return run_screenshot(args.screenshot, view=args.view, select=args.select, size=args.size)
    if args.handout:
        from .app import run_handout
        return run_handout(args.handout, view=args.view, select=args.select, size=args.size)
    if not has_display():
        print("anatomy-viewer: no display found (DISPLAY is not set); to render an image "
              "without a window use: anatomy-viewer --screenshot out.png", file=sys.stderr)
        return 2
    from .app import run_app
    return run_app(view=args.view, select=args.select)


def entry_point() -> int:
    """`anatomy-viewer`: like main(), but quiet when its output pipe closes early
    (e.g. `anatomy-viewer find-pain shin | head -3`)."""
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
