"""The firewall's checks: the policy as a matrix of flows between zones, and each port forward from the internet."""

from __future__ import annotations

import pytest

from officelab.domains.firewall.checks import allowed_flow, planned_flows, zone_sources
from officelab.domains.network.checks import INTERNET, POLICY, REMOTE, ip_checks
from officelab.domains.network.model import HttpProbe, PingProbe, TcpProbe
from tests.domains.derived import SITES, alone, assert_sound, derivation, family, firewall, suite, without

SOURCES = {
    "servers": "srv-app",
    "dmz": "srv-web",
    "mgmt": "pc-admin",
    "users": "pc-accueil",
    "guests": "guest-1",
    "voice": "phone-101",
    "iot": "cam-entree",
}
TARGETS = {  # zone -> (label, node): a web server on tcp/80, else a fixed host pinged; the internet's are not hosts
    "servers": (("tcp/80", "srv-app"), ("icmp", "srv-ad")),
    "dmz": (("tcp/80", "srv-web"),),
    "mgmt": (("icmp", "pc-admin"),),
    "users": (("icmp", "pc-direction"),),
    "iot": (("icmp", "cam-entree"),),
    "voice": (("icmp", "srv-ipbx"),),
    "wan": (("tcp/80", "www"), ("icmp", "dns-public")),
    "guests": (("icmp", "guest-1"),),  # DHCP hosts only: pinged at the address they hold when the check runs
}
ALLOWED = {
    ("users", "wan"), ("users", "servers"), ("users", "dmz"), ("voice", "wan"), ("voice", "servers"), ("iot", "servers"),
    ("servers", "wan"), ("guests", "wan"), ("dmz", "wan"), ("mgmt", "users"), ("mgmt", "voice"), ("mgmt", "iot"),
    ("mgmt", "servers"), ("mgmt", "dmz"),
}  # fmt: skip


@pytest.mark.parametrize("name", SITES)
def test_firewall_checks_are_sound(name: str) -> None:
    assert_sound("firewall", name, uses=("network",), groups={"firewall"})


def test_the_matrix_of_cabinet_martin_covers_every_pair_of_zones() -> None:
    checks = alone("firewall")
    expected = {f"flow:{src}->{dst}:{label}" for src in SOURCES for dst, entries in TARGETS.items() if dst != src for label, _ in entries}
    assert family(checks, "flow:") == expected and len(expected) == 62, "no flow from the internet (no client there)"
    assert set(checks) == expected | {"forward:web-dmz"}, "the UDP forward (voip-rtp) has no check"
    ctx = derivation("cabinet-martin")
    for src, client in SOURCES.items():
        for dst, entries in TARGETS.items():
            for label, node in entries if dst != src else ():
                check = checks[f"flow:{src}->{dst}:{label}"]
                assert check.place == client and check.group == "firewall"
                assert check.depends == (f"gw:{client}", *ip_checks(ctx, node)), "the client's gateway, then the target's address"
                assert check.expect is ((src, dst) in ALLOWED), check.id
                assert isinstance(check.probe, TcpProbe if label == "tcp/80" else PingProbe)
                if dst == "guests":
                    assert isinstance(check.probe, PingProbe) and check.probe.address_of == f"{node}:wlan0", check.id
                if check.expect:
                    assert check.criteria == (*REMOTE, *(INTERNET if dst == "wan" else ())), check.id
                else:
                    assert check.criteria == (*POLICY, "TRI-CP1-C4"), check.id


def test_named_flows_of_cabinet_martin() -> None:
    checks = alone("firewall")
    assert checks["flow:users->servers:tcp/80"].depends == ("gw:pc-accueil", "ip:srv-app:eth0", "trunk:sw-core:ge1")
    assert checks["flow:users->wan:tcp/80"].depends == ("gw:pc-accueil",), "the internet's servers are not hosts"
    assert checks["flow:users->wan:tcp/80"].expect and not checks["flow:mgmt->wan:tcp/80"].expect, "no internet from mgmt"
    assert not checks["flow:users->iot:icmp"].expect, "rejected by policy"
    assert not checks["flow:servers->iot:icmp"].expect, "only the rule's TCP ports are open"
    assert not checks["flow:guests->servers:tcp/80"].expect and checks["flow:mgmt->iot:icmp"].expect
    forward = checks["forward:web-dmz"]
    assert forward.place == "teletravail" and forward.depends == () and forward.expect
    assert forward.criteria == ("TAI-CP7-C1", "TRI-CP4-C1")
    assert isinstance(forward.probe, HttpProbe) and forward.probe.url == "http://198.51.100.2:80/", "the public address of the firewall"
    assert forward.probe.contains == "Cabinet Martin", "the page of the DMZ's web server"


def test_the_small_site_checks_its_internet_access() -> None:
    checks = alone("firewall", "tpe")
    assert set(checks) == {"flow:lan->wan:tcp/80", "flow:lan->wan:icmp"}
    assert all(c.expect and c.place == "pc-caisse" and c.depends == ("gw:pc-caisse",) for c in checks.values())


@pytest.mark.parametrize("name", SITES)
def test_planned_flows_are_the_flows_derived(name: str) -> None:
    ctx = derivation(name)
    router, fw = firewall(ctx)
    checks = alone("firewall", name)
    planned = planned_flows(ctx, router, fw)
    assert [f.id for f in planned] == [i for i in checks if i.startswith("flow:")]
    for flow in planned:
        assert checks[flow.id].expect is flow.allowed and checks[flow.id].place == flow.where[0].place
        assert checks[flow.id].probe == flow.probe


@pytest.mark.parametrize("name", SITES)
def test_allowed_flow_names_only_flows_that_must_work(name: str) -> None:
    ctx = derivation(name)
    router, fw = firewall(ctx)
    flows = family(suite(name), "flow:")
    assert flows
    for flow_id in flows:
        src, _, rest = flow_id.removeprefix("flow:").partition("->")
        dst, _, label = rest.partition(":")
        found = allowed_flow(ctx, router, fw, src, dst, label)
        assert found == (flow_id if suite(name)[flow_id].expect else None), flow_id
    local = "users" if name == "cabinet-martin" else "lan"
    unplanned = [(local, local, "icmp"), ("wan", local, "icmp"), (local, None, "tcp/80"), (local, "wan", "udp/53")]
    assert all(allowed_flow(ctx, router, fw, *flow) is None for flow in unplanned), "a flow the matrix does not check"


@pytest.mark.parametrize("name", SITES)
def test_zone_sources_are_where_the_flows_start(name: str) -> None:
    ctx = derivation(name)
    sources = {zone: hosts[0].node.name for zone, hosts in zone_sources(ctx, *firewall(ctx)).items()}
    assert sources == (SOURCES if name == "cabinet-martin" else {"lan": "pc-caisse"})
    for zone, node in sources.items():
        assert f"gw:{node}" in suite(name)
        assert {c.place for c in alone("firewall", name).values() if c.id.startswith(f"flow:{zone}->")} == {node}


def test_a_site_without_firewall_has_no_flow_checked() -> None:
    bare = without("tpe", ("nodes", "box", "services", "firewall"), ("nodes", "box", "services", "box", "forwards"))
    assert alone("firewall", bare) == {}
    assert bare.node("box").services.firewall is None and alone("firewall", "tpe"), "the same site with its firewall has flows"
