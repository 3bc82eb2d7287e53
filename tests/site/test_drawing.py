"""The site's drawing: every node placed once, no two on one spot, the same at every call, a laptop's proportions
for the default site and for generated 200-host sites; each cable's VLANs as the design says."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from officelab.site.catalog import builtin_sites
from officelab.site.drawing import COLUMN, draw
from officelab.site.loader import load_site, load_text
from officelab.site.model import Site
from officelab.site.topology import Topology

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from topology import TOPOLOGIES, site_yaml


def sites() -> list[tuple[str, Site]]:
    found = [("cabinet-martin", load_site(builtin_sites()["cabinet-martin"]))]
    found += [(f"{t.hosts}h-{t.switches}sw", load_text(site_yaml(t), "generated.yaml")) for t in TOPOLOGIES if t.hosts == 200]
    return found


@pytest.mark.parametrize(("name", "site"), sites(), ids=[n for n, _ in sites()])
def test_every_node_has_its_own_place_in_readable_proportions(name: str, site: Site) -> None:
    drawing = draw(Topology(site))
    assert set(drawing.positions) == {n.name for n in site.nodes}
    points = list(drawing.positions.values())
    assert all(abs(a[0] - b[0]) >= COLUMN or abs(a[1] - b[1]) > 0 for i, a in enumerate(points) for b in points[i + 1 :])
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    assert width <= 2600 and height <= 2600 and 0.2 <= height / width <= 2.5, (width, height)  # wraps, never one long row
    assert draw(Topology(site)).positions == drawing.positions  # the same picture at every call


def test_a_node_is_drawn_below_the_node_that_cables_it_to_the_internet() -> None:
    site = load_site(builtin_sites()["cabinet-martin"])
    at = draw(Topology(site)).positions
    assert at["isp"][1] < at["fw"][1] < at["sw-core"][1] < at["sw-floor"][1] < at["pc-accueil"][1]


def test_each_cable_carries_the_vlans_of_its_ports() -> None:
    site = load_site(builtin_sites()["cabinet-martin"])
    links = {(link["a"], link["b"]): link for link in draw(Topology(site)).links}
    trunk = links[("sw-core:ge2", "sw-floor:ge24")]
    assert trunk["trunk"] and {10, 20, 30, 40, 50, 99} <= set(trunk["vlans"])
    access = links[("pc-accueil:eth0", "sw-floor:ge1")]
    assert not access["trunk"] and access["vlans"] == [10]
