"""The recette derived from the site model: complete, consistent, and faithful to the policy."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from officelab.criteria import catalogue
from officelab.domains.firewall.facts import Flow, decide
from officelab.domains.firewall.model import Action
from officelab.domains.network.model import ArpProbe, DhcpProbe, IpConfigProbe
from officelab.recette.derive import derive_suite
from officelab.recette.engine import order_problems
from officelab.site.loader import load_site


@pytest.fixture(scope="module")
def checks():  # type: ignore[no-untyped-def]
    return {c.id: c for c in derive_suite(load_site("cabinet-martin"))}


def test_suite_is_consistent_and_mapped_to_real_criteria(checks) -> None:  # type: ignore[no-untyped-def]
    assert order_problems(list(checks.values())) == []
    known = catalogue().criteria
    for check in checks.values():
        assert check.criteria, check.id
        assert set(check.criteria) <= set(known), check.id
        assert check.title_fr and check.title_en


def test_every_host_is_checked_bottom_up(checks) -> None:  # type: ignore[no-untyped-def]
    floor = ("trunk:sw-floor:ge24", "trunk:sw-core:ge1")
    assert checks["ip:pc-accueil:eth0"].depends == ("link:pc-accueil:eth0", *floor, "dhcp:vlan10")
    assert checks["gw:pc-accueil"].depends == (*floor, "ip:pc-accueil:eth0")
    assert checks["dns:pc-accueil"].depends == ("gw:pc-accueil",)
    ip = checks["ip:pc-direction:eth0"].probe
    assert isinstance(ip, IpConfigProbe) and ip.dhcp and ip.address == IPv4Address("10.10.10.30"), "the reservation is checked"
    assert "TRI-CP3-C1" in checks["gw:tablet-1"].criteria, "the tablet is a wireless device"
    assert "TRI-CP3-C2" in checks["gw:pc-accueil"].criteria
    dhcp = checks["dhcp:vlan20"].probe
    assert isinstance(dhcp, DhcpProbe) and str(dhcp.subnet) == "10.10.20.0/24" and str(dhcp.gateway) == "10.10.20.1"


def test_firewall_matrix_follows_the_policy(checks) -> None:  # type: ignore[no-untyped-def]
    assert checks["flow:users->wan:tcp/80"].expect
    assert not checks["flow:mgmt->wan:tcp/80"].expect, "the management VLAN has no internet"
    assert not checks["flow:guests->servers:tcp/80"].expect
    assert not checks["flow:users->iot:icmp"].expect, "users -> iot is rejected"
    assert checks["flow:mgmt->iot:icmp"].expect
    assert "TRI-CP4-C3" in checks["flow:guests->servers:tcp/80"].criteria
    assert checks["forward:web-dmz"].place == "teletravail"
    assert checks["web:users:www.example.com"].depends == ("dns:pc-accueil", "flow:users->wan:tcp/80")


def test_vlans_are_checked_isolated_at_layer_2(checks) -> None:  # type: ignore[no-untyped-def]
    l2 = checks["l2:vlan10->vlan30"]
    assert not l2.expect and isinstance(l2.probe, ArpProbe) and str(l2.probe.target) == "10.10.30.10"
    assert not any(c.id.startswith("l2:vlan10->vlan10") for c in checks.values())


def test_policy_decisions() -> None:
    fw = load_site("cabinet-martin").node("fw").services.firewall
    assert fw is not None
    web = IPv4Address("203.0.113.80")
    assert decide(fw, Flow("users", "wan", "tcp", 80, web)) is Action.ACCEPT
    assert decide(fw, Flow("mgmt", "wan", "tcp", 80, web)) is Action.DROP
    assert decide(fw, Flow("users", "iot", "icmp", None, IPv4Address("10.10.30.10"))) is Action.REJECT
    assert decide(fw, Flow("servers", "iot", "tcp", 554, IPv4Address("10.10.30.10"))) is Action.ACCEPT, "a rule before the policy"
    assert decide(fw, Flow("servers", "iot", "icmp", None, IPv4Address("10.10.30.10"))) is Action.DROP


def test_small_site_has_its_recette_too() -> None:
    checks = {c.id: c for c in derive_suite(load_site("tpe"))}
    assert "dhcp:vlan1" in checks and "wan:box" in checks and "web:lan:www.example.com" in checks
    assert order_problems(list(checks.values())) == []


def test_site_checks_are_validated(default_site_text: str) -> None:
    from officelab.core.errors import SiteInvalid
    from officelab.site.loader import load_text

    extra = """
checks:
  - id: erp
    title: L'ERP répond
    from: pc-accueil
    probe: {kind: tcp, host: 10.10.40.10, port: 80}
    criteria: [TRI-CP1-C1]
    depends: [gw:pc-accueil]
"""
    site = load_text(default_site_text + extra, "site.yaml")
    custom = {c.id: c for c in derive_suite(site)}["erp"]
    assert custom.depends == ("gw:pc-accueil",) and custom.group == "site"
    bad = extra.replace("from: pc-accueil", "from: nobody").replace("TRI-CP1-C1", "TRI-XX").replace("gw:pc-accueil", "gw:nobody")
    from officelab.recette.sitefile import load_checked_text

    with pytest.raises(SiteInvalid) as info:
        load_checked_text(default_site_text + bad, "site.yaml")
    text = str(info.value)
    assert "unknown node 'nobody'" in text
    assert "unknown criterion 'TRI-XX'" in text
    assert "unknown check 'gw:nobody'" in text
    with pytest.raises(SiteInvalid) as info:
        load_text(default_site_text + extra.replace("kind: tcp", "kind: telnet"), "site.yaml")
    assert "checks[0].probe" in str(info.value)
