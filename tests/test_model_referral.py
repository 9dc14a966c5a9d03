"""Which zones are painted for a selection, and their weights. No Qt, no VTK."""
from types import SimpleNamespace as NS

import numpy as np

from anatomy_viewer.model.referral import referral_weights, zones_for


class FakeMaps:
    def __init__(self):
        self.points = {"tp_a_right": NS(zones=(NS(zone="zone_x_right", kind="essential"),
                                               NS(zone="zone_y_right", kind="spillover"),
                                               NS(zone="zone_gone_right", kind="essential")))}
        self.zones = {"zone_x_right": None, "zone_y_right": None}
        self.skin = np.zeros((4, 3))
        self._w = {"zone_x_right": np.array([1.0, 0.5, 0, 0]), "zone_y_right": np.array([0, 0.8, 1.0, 0])}

    def weights(self, zone_id):
        return self._w[zone_id]


def test_a_point_shows_its_zones_and_a_zone_itself():
    maps = FakeMaps()
    assert zones_for(maps, "tp_a_right") == {"zone_x_right": "essential", "zone_y_right": "spillover"}
    assert zones_for(maps, "zone_y_right") == {"zone_y_right": "essential"}
    assert zones_for(maps, "psoas_major_right") == {}
    assert zones_for(None, "tp_a_right") == {} and zones_for(maps, None) == {}


def test_weights_are_split_by_kind():
    essential, spillover = referral_weights(FakeMaps(), "tp_a_right")
    assert essential.tolist() == [1.0, 0.5, 0, 0]
    assert spillover.tolist() == [0, 0.8, 1.0, 0]
    assert referral_weights(FakeMaps(), "psoas_major_right") is None
    maps = FakeMaps()
    maps.skin = None
    assert referral_weights(maps, "tp_a_right") is None
