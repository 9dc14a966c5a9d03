"""Colours and surface properties by kind, and the highlight style.

Colours are chosen to be told apart on a projector: warm ivory bone, muscle
red, nerve yellow, artery red-orange, vein blue. The highlight is a bright
green that no kind uses, so the selection stands out against every layer.
"""
from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[float, float, float]

KIND_COLOURS: dict[str, RGB] = {
    "bone": (0.92, 0.88, 0.78),
    "cartilage": (0.62, 0.78, 0.86),
    "muscle": (0.72, 0.24, 0.21),
    "bursa": (0.50, 0.72, 0.92),
    "ligament": (0.86, 0.84, 0.66),
    "nerve": (0.98, 0.84, 0.18),
    "artery": (0.90, 0.16, 0.10),
    "vein": (0.22, 0.36, 0.85),
    "organ": (0.56, 0.30, 0.36),
    "skin": (0.94, 0.77, 0.66),
    "trigger_point": (0.98, 0.45, 0.05),
    "pain_zone": (0.95, 0.20, 0.55),
}
FALLBACK_COLOUR: RGB = (0.7, 0.7, 0.7)

HIGHLIGHT: RGB = (0.15, 1.0, 0.35)
# Referred pain painted on the skin, after the trigger-point manuals' convention
# (essential zones solid, spillover stippled), in the Okabe-Ito colour-blind-safe
# pair: essential solid vermillion; spillover a pale blue tint with blue dots.
ESSENTIAL_ZONE: RGB = (0.84, 0.30, 0.00)
SPILLOVER_ZONE: RGB = (0.62, 0.80, 0.95)       # the tint under the dots
SPILLOVER_DOT: RGB = (0.00, 0.40, 0.72)
STIPPLE_SPACING_MM = 9.0                        # one dot per cell of this size
STIPPLE_DOT_PX = 7.0
LEGEND_FONT_SIZE = 18
# Needle approaches: the needle line, and the structures it must avoid (magenta:
# no kind and not the selection green uses it).
NEEDLE: RGB = (0.95, 0.97, 1.00)
NEEDLE_WIDTH_PX = 5.0
AVOID: RGB = (0.93, 0.12, 0.86)
AVOID_GHOST_OPACITY = 0.45
# Labels of trigger points in the view
LABEL_FONT_SIZE = 20
PAINTED_SKIN_OPACITY = 0.8
BACKGROUND_TOP: RGB = (0.23, 0.26, 0.31)
BACKGROUND_BOTTOM: RGB = (0.06, 0.07, 0.09)


@dataclass(frozen=True)
class Surface:
    ambient: float = 0.12
    diffuse: float = 0.85
    specular: float = 0.25
    specular_power: float = 20.0


SURFACES: dict[str, Surface] = {
    "bone": Surface(ambient=0.15, diffuse=0.85, specular=0.15, specular_power=10.0),
    "muscle": Surface(ambient=0.12, diffuse=0.85, specular=0.30, specular_power=25.0),
    "skin": Surface(ambient=0.20, diffuse=0.75, specular=0.10, specular_power=10.0),
}
HIGHLIGHT_SURFACE = Surface(ambient=0.45, diffuse=0.75, specular=0.40, specular_power=30.0)
# Outline drawn on the overlay layer around the selection, visible through anything in front.
OUTLINE_WIDTH = 3.0
GHOST_OPACITY = 0.28


def colour_of(kind: str) -> RGB:
    return KIND_COLOURS.get(kind, FALLBACK_COLOUR)


def surface_of(kind: str) -> Surface:
    return SURFACES.get(kind, Surface())
