"""The network documentation of the default site: every VLAN of the plan, every host's addresses, each switch's
ports with what is cabled to them, the firewall's zone matrix and rules, a diagram with every node and the trunks."""

from __future__ import annotations

import re

from officelab.domains.desk.netdoc import diagram, render_network
from officelab.site.loader import load_site
from officelab.site.topology import Topology

SITE = load_site("cabinet-martin")


def test_the_documentation_holds_the_plan_the_hosts_the_ports_and_the_policy() -> None:
    page = render_network(SITE, "Cabinet Martin")
    assert "Documentation du réseau — Cabinet Martin" in page
    for v in SITE.vlans:
        assert f"<td>{v.id}</td><td>{v.name}</td><td>{v.subnet}</td>" in page, v.name
    assert "10.10.40.5/24" in page, "srv-ad's fixed address"
    assert "sw-core:ge2" in page or "sw-floor:ge24" in page, "a trunk's far end in the port map"
    router = next(n for n in SITE.nodes if n.services.firewall is not None)
    assert router.services.firewall is not None
    for zone in router.services.firewall.zones:
        assert f"<th>{zone}</th>" in page, zone
    assert all(f"<td>{r.name}</td>" in page for r in router.services.firewall.rules)
    d = diagram(Topology(SITE))
    assert {name for name, *_ in d.nodes} == {n.name for n in SITE.nodes} and any(trunk for *_, trunk in d.cables)
    assert len(re.findall(r"<circle ", page)) == len(SITE.nodes)


def test_the_network_as_found_shows_each_asset_and_the_differences() -> None:
    from officelab.domains.desk.assets import AssetRow

    found = [
        AssetRow("pc-compta-1", "Computer", "pc-compta-1", 10, "sw-floor:ge2", "10.10.10.101", "02:78:c5:c5:ef:8a", "pdurand", "", "{}"),
        AssetRow(
            "02:aa:bb:cc:dd:01", "Printer", "", 10, "sw-floor:ge16", "10.10.10.250", "02:aa:bb:cc:dd:01", "", "not in the design", "{}"
        ),
    ]
    page = render_network(SITE, "Cabinet Martin", found, "alice")
    assert "l'inventaire du réseau en service (lab alice)" in page
    assert "2 éléments trouvés sur le réseau ; 1 écart(s) avec le plan" in page
    assert '<li class="drop">not in the design</li>' in page and "<td>sw-floor:ge16</td>" in page
    assert "Réseau constaté" not in render_network(SITE, "Cabinet Martin")
