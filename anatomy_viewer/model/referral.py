"""Which referred-pain zones to paint on the skin for a selection.

A selected trigger point shows all its zones (essential and spillover); a
selected zone shows itself. Weights are per skin sample, from the trigger
maps (`model.triggers.TriggerMaps.weights`).

Pure Python + numpy: no Qt, no VTK.
"""
from __future__ import annotations

from typing import Optional

import numpy as np


def zones_for(maps, item_id: Optional[str]) -> dict[str, str]:
    """{zone id: "essential" | "spillover"} to show for the selected item."""
    if maps is None or item_id is None:
        return {}
    if item_id in maps.points:
        return {ref.zone: ref.kind for ref in maps.points[item_id].zones if ref.zone in maps.zones}
    if item_id in maps.zones:
        return {item_id: "essential"}
    return {}


def referral_weights(maps, item_id: Optional[str]) -> Optional[tuple[np.ndarray, np.ndarray]]:
    """(essential, spillover) weights per skin sample, each the largest over its
    zones, or None when nothing is to be painted (or there is no skin)."""
    zones = zones_for(maps, item_id)
    if not zones or maps.skin is None:
        return None
    n = len(maps.skin)
    essential, spillover = np.zeros(n), np.zeros(n)
    for zone_id, kind in zones.items():
        target = essential if kind == "essential" else spillover
        np.maximum(target, maps.weights(zone_id), out=target)
    return essential, spillover
