"""Which referred-pain zones to paint on the skin for a selection.

A selected trigger point shows all its zones (essential and spillover); a
selected zone shows itself. With a muscle in focus ("show its trigger points
and zones"), every zone of every point in that muscle is shown, unless a
trigger point or zone is selected: that one wins. Weights are per skin
sample, from the trigger maps (`model.triggers.TriggerMaps.weights`).

Pure Python + numpy: no Qt, no VTK.
"""
from __future__ import annotations

from typing import Optional

import numpy as np


def points_of_muscle(maps, muscle_id: Optional[str]) -> list[str]:
    """Ids of the trigger points that lie in this muscle (atlas id with side)."""
    if maps is None or muscle_id is None:
        return []
    return [pid for pid, p in maps.points.items() if muscle_id in p.muscles]


def zones_for(maps, item_id: Optional[str], muscle: Optional[str] = None) -> dict[str, str]:
    """{zone id: "essential" | "spillover"} to show for the selected item, or,
    when it is neither a point nor a zone, for every point of `muscle`
    (a zone essential for any of them counts as essential)."""
    if maps is None:
        return {}
    if item_id is not None and item_id in maps.points:
        return {ref.zone: ref.kind for ref in maps.points[item_id].zones if ref.zone in maps.zones}
    if item_id is not None and item_id in maps.zones:
        return {item_id: "essential"}
    out: dict[str, str] = {}
    for pid in points_of_muscle(maps, muscle):
        for ref in maps.points[pid].zones:
            if ref.zone in maps.zones and out.get(ref.zone) != "essential":
                out[ref.zone] = ref.kind
    return out


def labelled_points(maps, item_id: Optional[str], muscle: Optional[str] = None) -> list[str]:
    """Trigger points to label in the view: the selected one, else those of the muscle in focus."""
    if maps is not None and item_id is not None and item_id in maps.points:
        return [item_id]
    if maps is not None and item_id is not None and item_id in maps.zones:
        return []
    return points_of_muscle(maps, muscle)


def referral_weights(maps, item_id: Optional[str],
                     muscle: Optional[str] = None) -> Optional[tuple[np.ndarray, np.ndarray]]:
    """(essential, spillover) weights per skin sample, each the largest over its
    zones, or None when nothing is to be painted (or there is no skin)."""
    zones = zones_for(maps, item_id, muscle)
    if not zones or maps.skin is None:
        return None
    n = len(maps.skin)
    essential, spillover = np.zeros(n), np.zeros(n)
    for zone_id, kind in zones.items():
        target = essential if kind == "essential" else spillover
        np.maximum(target, maps.weights(zone_id), out=target)
    return essential, spillover
