"""Where the hip-flexor muscles attach: derived landmarks of the reference body
(right side, RAS mm). Bony points come from the geometry helpers of the bone
recipes (pelvis_geometry, limb_femur, limb_leg, spine_geometry), so a muscle
ends on the bone the atlas actually shows; muscle-specific offsets come from
the landmark table (muscles.toml).

`attachments(body)` returns one cached `Attachments` object per body. Other
recipes (nerves, bursa, trigger points) may use its points too.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

from ..body import Body
from . import limb_femur as lf
from . import limb_leg as ll
from . import pelvis_geometry as pg

_CACHE: dict[int, "Attachments"] = {}


def attachments(body: Body) -> "Attachments":
    """The attachment landmarks of `body` (cached)."""
    key = id(body)
    if key not in _CACHE:
        _CACHE[key] = Attachments(body)
    return _CACHE[key]


class Attachments:
    """Derived landmarks used as muscle origins, via points and insertions."""

    def __init__(self, body: Body):
        self.body = body
        self.t = body.t

    def _from_hjc(self, key: str) -> np.ndarray:
        return self.body.hjc + self.t.vec(key)

    # ------------------------------------------------------------ pelvis
    @cached_property
    def aiis(self) -> np.ndarray:
        """Anterior inferior iliac spine."""
        return pg.aiis(self.body)

    @cached_property
    def acetabular_rim_superior(self) -> np.ndarray:
        """The groove above the acetabulum (reflected head of rectus femoris)."""
        return pg.acetabular_rim_superior(self.body)

    @cached_property
    def iliopubic_eminence(self) -> np.ndarray:
        return pg.iliopubic_eminence(self.body)

    @cached_property
    def pubic_tubercle(self) -> np.ndarray:
        return pg.pubic_tubercle(self.body)

    def pecten_pubis(self, n: int = 30) -> np.ndarray:
        """The pecten pubis, iliopubic eminence -> pubic tubercle."""
        return pg.pecten_pubis(self.body, n)

    @cached_property
    def iliac_crest(self) -> np.ndarray:
        """Points along the iliac crest top, ASIS to PSIS (coarse)."""
        return pg.iliac_crest(self.body, 12)

    @cached_property
    def crest_curve(self) -> np.ndarray:
        """The iliac crest as a dense curve, ASIS to PSIS."""
        return pg.iliac_crest(self.body, 300)

    @cached_property
    def iliac_tubercle(self) -> np.ndarray:
        return pg.iliac_tubercle(self.body)

    def crest_lips(self, n: int = 80) -> tuple[np.ndarray, np.ndarray]:
        """(inner, outer) lips of the iliac crest, ASIS to PSIS."""
        return pg.iliac_crest_lips(self.body, n)

    @cached_property
    def sciatic_notch(self) -> np.ndarray:
        """Deepest point of the greater sciatic notch."""
        return pg.sciatic_notch_deepest(self.body)

    def sacral_front(self, f: float | np.ndarray, x: float = 0.0) -> np.ndarray:
        """Points on the anterior (pelvic) surface of the sacrum at fraction f
        of the sacral length below the S1 endplate and x mm right of the midline."""
        frame = pg.sacral_frame(self.body)
        f = np.atleast_1d(np.asarray(f, float))
        out = np.array([pg.sacral_anterior_point(self.body, fi * frame.length, x) for fi in f])
        return out[0] if out.shape[0] == 1 else out

    # ------------------------------------------------------------ femur
    def shaft_centre_at_z(self, z: float | np.ndarray) -> np.ndarray:
        """Centre of the femoral shaft (the femur recipe's bowed axis) at height z."""
        b = self.body
        z = np.atleast_1d(np.asarray(z, float))
        t = (z - b.hjc[2]) / (b.knee_centre[2] - b.hjc[2])
        out = np.array([lf.femur_shaft_axis(b, float(ti)) for ti in t])
        return out[0] if out.shape[0] == 1 else out

    def shaft_centre(self, f: float | np.ndarray) -> np.ndarray:
        """Centre of the femoral shaft at fraction f from the lesser trochanter's
        level (0) to the knee centre's level (1)."""
        z0, z1 = self.lesser_trochanter[2], self.body.knee_centre[2]
        return self.shaft_centre_at_z(z0 + (z1 - z0) * np.asarray(f, float))

    def linea_aspera(self, f: float | np.ndarray) -> np.ndarray:
        """Crest of the linea aspera at fraction f along it (0 top, 1 bottom)."""
        f = np.atleast_1d(np.asarray(f, float))
        out = np.array([lf.linea_aspera_point(self.body, float(fi)) for fi in f])
        return out[0] if out.shape[0] == 1 else out

    def pectineal_line(self, s: float) -> np.ndarray:
        """The pectineal line of the femur from the linea aspera (0) up to below the lesser trochanter (1)."""
        return lf.pectineal_line(self.body, s)

    @cached_property
    def lesser_trochanter(self) -> np.ndarray:
        return lf.lesser_trochanter(self.body)

    @cached_property
    def greater_trochanter_top(self) -> np.ndarray:
        return lf.greater_trochanter_tip(self.body)

    @cached_property
    def greater_trochanter_lateral(self) -> np.ndarray:
        """The lateral surface of the greater trochanter (on the femur's surface)."""
        guess = self._from_hjc("muscles.greater_trochanter_lateral_from_hjc")
        return lf.project_to_surface(lf.femur_field(self.body), guess)[0]

    # ------------------------------------------------------------ knee
    @cached_property
    def patella_base(self) -> np.ndarray:
        """Upper border of the patella (quadriceps tendon insertion)."""
        return ll.patella_base(self.body)

    @cached_property
    def pes_anserinus(self) -> np.ndarray:
        return ll.pes_anserinus(self.body)

    @cached_property
    def gerdys_tubercle(self) -> np.ndarray:
        return ll.gerdys_tubercle(self.body)
