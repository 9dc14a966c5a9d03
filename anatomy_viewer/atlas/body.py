"""The reference body: input numbers from the landmark table and the
landmarks derived from them (right side; the left side is the mirror).

A handful of inputs place the pelvis (inter-ASIS width, pelvic depth, tilt,
the Harrington hip-centre regression); the lumbar chain is built upward from
the S1 endplate with the sacral slope and a lordosis split; the femur hangs
from the hip-joint centre. Change an input and everything moves with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .table import Table, load_table

LUMBAR_LEVELS = ("l5", "l4", "l3", "l2", "l1", "t12")  # bottom to top, as in the table


def rotate_pelvic_to_ras(ap: float, si: float, tilt: float) -> tuple[float, float]:
    """A (anterior, superior) vector in the ASIS-PSIS pelvic frame, tilted
    so that the ASIS lies `tilt` radians below the PSIS, as RAS (y, z)."""
    return (ap * np.cos(tilt) + si * np.sin(tilt), -ap * np.sin(tilt) + si * np.cos(tilt))


@dataclass(frozen=True)
class Vertebra:
    level: str          # "l3"
    centre: np.ndarray  # body centre
    axis: np.ndarray    # unit vector, inferior -> superior endplate
    width: float
    depth: float
    height: float


@dataclass(frozen=True)
class Disc:
    name: str           # "l4_l5"
    centre: np.ndarray
    axis: np.ndarray
    height_anterior: float
    height_middle: float
    height_posterior: float
    width: float
    depth: float


class Body:
    """Landmarks of the reference body, computed from the table."""

    def __init__(self, table: Table | None = None):
        self.t = table if table is not None else load_table()

    # ------------------------------------------------------------ pelvis
    @cached_property
    def _hjc_from_mid_asis(self) -> np.ndarray:
        """(AP, SI, ML) of the HJC from the mid-ASIS point, pelvic frame (Harrington 2007)."""
        t = self.t
        pw, pd = t.get("body.inter_asis_width"), t.get("body.pelvic_depth")
        a_ap, b_ap = t.vec("body.harrington_hjc_ap")
        a_si, b_si = t.vec("body.harrington_hjc_si")
        a_ml, b_ml = t.vec("body.harrington_hjc_ml")
        return np.array([a_ap * pd + b_ap, a_si * pw + b_si, a_ml * pw + b_ml])

    @cached_property
    def hjc(self) -> np.ndarray:
        """Right hip-joint centre (femoral head centre)."""
        return np.array([self._hjc_from_mid_asis[2], 0.0, 0.0])

    @cached_property
    def mid_asis(self) -> np.ndarray:
        ap, si, _ = -self._hjc_from_mid_asis
        y, z = rotate_pelvic_to_ras(ap, si, self.t.rad("body.asis_psis_tilt"))
        return np.array([0.0, y, z])

    @cached_property
    def asis(self) -> np.ndarray:
        return self.mid_asis + [self.t.get("body.inter_asis_width") / 2.0, 0.0, 0.0]

    @cached_property
    def psis(self) -> np.ndarray:
        ap, si, _ = -self._hjc_from_mid_asis
        y, z = rotate_pelvic_to_ras(ap - self.t.get("body.pelvic_depth"), si,
                                    self.t.rad("body.asis_psis_tilt"))
        return np.array([self.t.get("body.psis_separation") / 2.0, y, z])

    @cached_property
    def symphysis_front(self) -> np.ndarray:
        """Most anterior point of the pubic symphysis (mid-height), where the
        anterior pelvic plane touches it: `app_height` below the inter-ASIS line."""
        h, a = self.t.get("body.app_height"), self.t.rad("body.app_angle")
        return self.mid_asis + [0.0, -h * np.sin(a), -h * np.cos(a)]

    @cached_property
    def symphysis_top(self) -> np.ndarray:
        """Anterior-superior point of the pubic symphysis: half the symphysis
        height above its most anterior point, along the anterior pelvic plane."""
        a = self.t.rad("body.app_angle")
        half = self.t.get("pelvis.symphysis_height") / 2.0
        return self.symphysis_front + half * np.array([0.0, np.sin(a), np.cos(a)])

    # ------------------------------------------------------------ spine
    @cached_property
    def s1_endplate_centre(self) -> np.ndarray:
        pt, th = self.t.rad("spine.pelvic_tilt"), self.t.get("spine.pelvic_thickness")
        return np.array([0.0, -th * np.sin(pt), th * np.cos(pt)])

    @cached_property
    def _chain(self) -> tuple[tuple[Vertebra, ...], tuple[Disc, ...]]:
        t = self.t
        lord = np.radians(t.vec("spine.segment_lordosis"))
        dm, da, dp = (t.vec(f"spine.disc_height_{k}") for k in ("middle", "anterior", "posterior"))
        bh, bw, bd = (t.vec(f"spine.body_{k}") for k in ("height", "width", "depth"))
        pos = self.s1_endplate_centre.copy()
        angle = t.rad("spine.sacral_slope")  # forward lean of the axis from vertical
        names = ("s1",) + LUMBAR_LEVELS

        def axis_at(a):
            return np.array([0.0, np.sin(a), np.cos(a)])

        verts, discs = [], []
        for i, level in enumerate(LUMBAR_LEVELS):
            mid = angle - lord[i] / 2.0
            disc_centre = pos + axis_at(mid) * dm[i] / 2.0
            discs.append(Disc(f"{level}_{names[i]}", disc_centre, axis_at(mid), da[i], dm[i], dp[i],
                              bw[i], bd[i]))
            pos = pos + axis_at(mid) * dm[i]
            angle = angle - lord[i]
            centre = pos + axis_at(angle) * bh[i] / 2.0
            verts.append(Vertebra(level, centre, axis_at(angle), bw[i], bd[i], bh[i]))
            pos = pos + axis_at(angle) * bh[i]
        return tuple(verts), tuple(discs)

    @property
    def vertebrae(self) -> dict[str, Vertebra]:
        return {v.level: v for v in self._chain[0]}

    @property
    def discs(self) -> dict[str, Disc]:
        return {d.name: d for d in self._chain[1]}

    # ------------------------------------------------------------ femur
    @cached_property
    def knee_centre(self) -> np.ndarray:
        """Right knee-joint centre: the mechanical axis from the HJC, inclined
        medially by the mechanical-axis angle."""
        length = self.t.get("femur.mechanical_length")
        a = self.t.rad("femur.mechanical_axis_adduction")
        return self.hjc + length * np.array([-np.sin(a), 0.0, -np.cos(a)])
