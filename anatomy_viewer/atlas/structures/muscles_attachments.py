"""Where the hip-flexor muscles attach: derived landmarks of the reference body
(right side, RAS mm), computed from body.py and the landmark table
(muscles.toml for the muscle-specific offsets, pelvis.toml for the pelvic
outline the hip-bone recipe is built from, femur.toml for the femur).

`attachments(body)` returns one cached `Attachments` object per body. Other
recipes (nerves, bursa, trigger points) may use its points too.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

from .. import sdf
from ..body import Body

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

    def _from_knee(self, key: str) -> np.ndarray:
        return self.body.knee_centre + self.t.vec(key)

    # ------------------------------------------------------------ pelvis
    @cached_property
    def aiis(self) -> np.ndarray:
        """Anterior inferior iliac spine."""
        return self.body.asis + self.t.vec("pelvis.aiis_from_asis")

    @cached_property
    def iliopubic_eminence(self) -> np.ndarray:
        return self._from_hjc("pelvis.iliopubic_eminence_from_hjc")

    @cached_property
    def pubic_tubercle(self) -> np.ndarray:
        return self.body.symphysis_top + self.t.vec("pelvis.pubic_tubercle_from_symphysis")

    @cached_property
    def iliac_crest(self) -> np.ndarray:
        """Control points of the iliac crest, ASIS to PSIS."""
        mid = self.body.hjc + self.t.vec("pelvis.iliac_crest_path").reshape(-1, 3)
        return np.vstack([self.body.asis, mid, self.body.psis])

    @cached_property
    def crest_curve(self) -> np.ndarray:
        """The iliac crest as a dense curve, ASIS to PSIS."""
        return sdf.spline(self.iliac_crest, n=300)

    @cached_property
    def arcuate_line(self) -> np.ndarray:
        """Control points of the arcuate line, back (sacroiliac) to front, ending at the iliopubic eminence."""
        pts = self.body.hjc + self.t.vec("pelvis.arcuate_line_path").reshape(-1, 3)
        return np.vstack([pts, self.iliopubic_eminence])

    @cached_property
    def sciatic_notch(self) -> np.ndarray:
        """Deepest point of the greater sciatic notch."""
        return self._from_hjc("pelvis.sciatic_notch_deepest_from_hjc")

    def sacral_front(self, f: float | np.ndarray) -> np.ndarray:
        """Points on the anterior (pelvic) surface of the sacrum in the midline,
        at fraction f of the sacral length from the promontory: the sacral
        axis leaves the S1 endplate at the sacral slope and curls forward by
        the sacral kyphosis; the anterior surface is half the local thickness
        in front of it."""
        t = self.t
        f = np.atleast_1d(np.asarray(f, float))
        length = t.get("pelvis.sacral_length")
        slope, kyph = t.rad("spine.sacral_slope"), t.rad("pelvis.sacral_kyphosis")
        top, bottom = t.vec("pelvis.sacral_thickness")
        s = np.linspace(0.0, 1.0, 200)
        alpha = slope - kyph * s
        down = np.column_stack([np.zeros_like(s), -np.sin(alpha), -np.cos(alpha)])
        axis = self.body.s1_endplate_centre + np.vstack([[0, 0, 0], np.cumsum(
            0.5 * (down[1:] + down[:-1]) * np.diff(s)[:, None] * length, axis=0)])
        front = np.column_stack([np.zeros_like(s), np.cos(alpha), -np.sin(alpha)])
        thick = top + (bottom - top) * s
        surf = axis + front * (thick / 2.0)[:, None]
        out = np.column_stack([np.interp(f, s, surf[:, i]) for i in range(3)])
        return out[0] if out.shape[0] == 1 else out

    # ------------------------------------------------------------ femur
    @cached_property
    def _shaft(self) -> tuple[np.ndarray, np.ndarray, float]:
        """(top, bottom, sagitta) of the femoral shaft axis: a line through the
        knee centre passing `femoral_offset` lateral of the head centre (in the
        coronal plane), bowed forward with the published bow radius."""
        b, t = self.body, self.t
        kh = b.hjc - b.knee_centre
        length = float(np.hypot(kh[0], kh[2]))
        phi = np.arctan2(kh[0], kh[2]) + np.arcsin(t.get("muscles.femoral_offset") / length)
        direction = np.array([np.sin(phi), 0.0, np.cos(phi)])
        top_z = b.hjc[2] - t.vec("muscles.femoral_shaft_span")[0]
        bottom_z = b.knee_centre[2] + t.vec("muscles.femoral_shaft_span")[1]
        top = b.knee_centre + direction * (top_z - b.knee_centre[2]) / direction[2]
        bottom = b.knee_centre + direction * (bottom_z - b.knee_centre[2]) / direction[2]
        chord = float(np.linalg.norm(top - bottom))
        sagitta = chord ** 2 / (8.0 * t.get("muscles.femoral_bow_radius"))
        return top, bottom, sagitta

    def shaft_centre(self, f: float | np.ndarray) -> np.ndarray:
        """Centre of the femoral shaft at fraction f from its top (below the
        lesser trochanter) to its bottom (above the condyles)."""
        top, bottom, sag = self._shaft
        f = np.atleast_1d(np.asarray(f, float))
        p = top + (bottom - top) * f[:, None]
        p[:, 1] += sag * 4.0 * f * (1.0 - f)
        return p[0] if p.shape[0] == 1 else p

    def shaft_centre_at_z(self, z: float | np.ndarray) -> np.ndarray:
        """Centre of the femoral shaft at height z (extrapolated above and below)."""
        top, bottom, _ = self._shaft
        f = (np.asarray(z, float) - top[2]) / (bottom[2] - top[2])
        return self.shaft_centre(f)

    def linea_aspera(self, f: float | np.ndarray) -> np.ndarray:
        """The linea aspera (back of the shaft) at fraction f of the shaft."""
        c = np.atleast_2d(self.shaft_centre(f))
        c[:, 1] -= self.t.get("muscles.femoral_shaft_radius")
        return c[0] if np.ndim(f) == 0 else c

    @cached_property
    def lesser_trochanter(self) -> np.ndarray:
        return self._from_hjc("muscles.lesser_trochanter_from_hjc")

    @cached_property
    def greater_trochanter_top(self) -> np.ndarray:
        return self._from_hjc("muscles.greater_trochanter_top_from_hjc")

    @cached_property
    def greater_trochanter_lateral(self) -> np.ndarray:
        return self._from_hjc("muscles.greater_trochanter_lateral_from_hjc")

    @cached_property
    def patella_centre(self) -> np.ndarray:
        return self._from_knee("muscles.patella_centre_from_knee")

    @cached_property
    def patella_base(self) -> np.ndarray:
        """Upper border of the patella (quadriceps tendon insertion)."""
        return self.patella_centre + [0.0, 0.0, self.t.get("muscles.patella_height") / 2.0]

    @cached_property
    def pes_anserinus(self) -> np.ndarray:
        return self._from_knee("muscles.pes_anserinus_from_knee")

    @cached_property
    def gerdys_tubercle(self) -> np.ndarray:
        return self._from_knee("muscles.gerdys_tubercle_from_knee")
