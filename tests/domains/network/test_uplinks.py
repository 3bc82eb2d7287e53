"""The cables from a switch up to the router (what `officelab diagnose` walks), from the site alone."""

from __future__ import annotations

from officelab.domains.network.facts import uplink_trunks
from officelab.site.loader import load_site

SITE = load_site("cabinet-martin")


def test_uplink_trunks_of_the_floor_switch() -> None:
    assert uplink_trunks(SITE, "sw-floor") == [("sw-floor:ge24", "sw-core:ge2"), ("sw-core:ge1", "fw:lan")]
    assert uplink_trunks(SITE, "sw-core") == [("sw-core:ge1", "fw:lan")]
