"""The pain finder: which trigger points could cause pain where the user marks it?

The user marks painful skin either by picking body regions with a side
(`region_marks(maps, ["front_knee"], "right")`) or by clicking on the skin
(`mark_around(skin, point)`). Each mark is a weight per skin sample.
`rank_trigger_points(maps, marks)` returns `Candidate`s, best first.

The rule, for a trigger point P and one mark m (weights m_i, sample areas a_i):

    referral_i(P) = max( E_i(P), SPILLOVER_WEIGHT * S_i(P) )
    coverage_m(P) = sum(a_i * m_i * referral_i) / sum(a_i * m_i)

where E_i and S_i are the largest weights of P's essential and spillover zones at
sample i. So a mark lying wholly in an essential zone scores 1, wholly in a
spillover zone 0.5. The score is the mean coverage over the marks, so that every
marked region counts equally however large it is. Ties are broken by essential
coverage, then by id. Points scoring below MIN_SCORE are left out.

Pure Python + numpy: no Qt, no VTK.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dots import rows_dot, weighted_sum
from .trigger_skin import SkinSamples
from .triggers import TriggerMaps

SPILLOVER_WEIGHT = 0.5
MIN_SCORE = 0.02
CLICK_RADIUS_MM = 40.0


@dataclass(frozen=True)
class Candidate:
    point_id: str
    name: str
    muscles: tuple[str, ...]
    score: float                    # 0..1, the ranking value
    essential: float                # share of the marked area in essential zones
    spillover: float                # share of the marked area in spillover zones only
    per_mark: tuple[float, ...]     # coverage of each mark

    def as_dict(self) -> dict:
        return {"id": self.point_id, "name": self.name, "muscles": list(self.muscles),
                "score": round(self.score, 3), "essential": round(self.essential, 3),
                "spillover": round(self.spillover, 3), "per_mark": [round(c, 3) for c in self.per_mark]}


class UnknownRegion(ValueError):
    """A region name the trigger maps do not define; the message lists the known ones."""


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def find_region(maps: TriggerMaps, name: str, side: str) -> str:
    """The region id (with side) for a name the user typed: an id ('front_knee',
    'front-knee'), a display name ('Front of the knee') or an alias ('kneecap')."""
    wanted = _norm(name)
    for rid, region in maps.regions.items():
        if region.side != side:
            continue
        spellings = {_norm(region.base_id), _norm(region.name), *(_norm(a) for a in region.aliases)}
        if wanted in spellings:
            return rid
    known = sorted({r.base_id for r in maps.regions.values()})
    raise UnknownRegion(f"unknown region '{name}'; known regions: {', '.join(known)}")


def region_marks(maps: TriggerMaps, regions: list[str], side: str) -> list[np.ndarray]:
    """One mark per named region, on `maps.skin`. Raises UnknownRegion."""
    return [maps.weights(find_region(maps, r, side)) for r in regions]


def mark_around(skin: SkinSamples, point: np.ndarray, radius: float = CLICK_RADIUS_MM) -> np.ndarray:
    """A mark for a click on the skin: samples within `radius` mm of the clicked point
    whose skin faces roughly the same way, fading out over the outer half."""
    point = np.asarray(point, dtype=float)
    d = np.linalg.norm(skin.points - point, axis=1)
    i = int(np.argmin(d))
    same_way = rows_dot(skin.normals, skin.normals[i]) > 0.3
    w = np.clip(2.0 - 2.0 * d / radius, 0.0, 1.0)
    return np.where(same_way, w, 0.0)


def referral_weights(maps: TriggerMaps, point_id: str) -> tuple[np.ndarray, np.ndarray]:
    """(essential, spillover) weights per skin sample for one trigger point."""
    n = len(maps.skin)
    ess, spill = np.zeros(n), np.zeros(n)
    for ref in maps.points[point_id].zones:
        w = maps.weights(ref.zone)
        if ref.kind == "essential":
            ess = np.maximum(ess, w)
        else:
            spill = np.maximum(spill, w)
    return ess, spill


def rank_trigger_points(maps: TriggerMaps, marks: list[np.ndarray]) -> list[Candidate]:
    """Candidate trigger points for the marked skin, best first (see the module docstring)."""
    if maps.skin is None:
        raise ValueError("these trigger maps have no skin to rank on")
    areas = maps.skin.areas
    marks = [np.asarray(m, dtype=float) for m in marks]
    marks = [m for m in marks if weighted_sum(m, areas) > 0]
    if not marks:
        return []
    out = []
    for pid, p in maps.points.items():
        ess, spill = referral_weights(maps, pid)
        referral = np.maximum(ess, SPILLOVER_WEIGHT * spill)
        per_mark, e_cov, s_cov = [], [], []
        for m in marks:
            total = weighted_sum(m, areas)
            per_mark.append(weighted_sum(m * referral, areas) / total)
            e_cov.append(weighted_sum(m * ess, areas) / total)
            s_cov.append(weighted_sum(m * np.maximum(spill - ess, 0.0), areas) / total)
        score = float(np.mean(per_mark))
        if score >= MIN_SCORE:
            out.append(Candidate(pid, p.label, p.muscles, score, float(np.mean(e_cov)),
                                 float(np.mean(s_cov)), tuple(per_mark)))
    out.sort(key=lambda c: (-round(c.score, 6), -round(c.essential, 6), c.point_id))
    return out
