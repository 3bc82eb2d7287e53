"""The network's checks: every host bottom-up, DHCP per VLAN, DNS records, layer-2 isolation, switches and WAN."""

from __future__ import annotations

import pytest

from officelab.domains.network.checks import (
    ADDRESSING,
    CONNECTED,
    DEVICE,
    INFRA,
    INTERNET,
    POLICY,
    REMOTE,
    dns_check,
    gateway_check,
    ip_checks,
    trunk_checks,
)
from officelab.domains.network.facts import uplink_trunks
from officelab.domains.network.model import ArpProbe, DnsProbe
from officelab.site.model import NodeKind
from tests.domains.derived import SITES, alone, assert_sound, derivation, family, site, suite, without

GROUPS = {"hosts", "services", "isolation", "infrastructure"}
SERVERS = ["srv-app", "srv-ad", "srv-files", "srv-backup", "srv-web", "srv-ipbx", "nvr", "gtb"]
OBJECTS = ["prn-1", "cam-entree", "cam-archives", "thermostat", "chauffage", "eclairage", "porte-entree"]
FIXED = [*SERVERS, "pc-admin", "pc-direction", "prn-1", "cam-entree", "cam-archives"]  # an address, or a reservation
HOSTS = [
    *SERVERS, *OBJECTS, "pc-admin", "pc-accueil", "pc-compta-1", "pc-compta-2", "pc-compta-3", "pc-paie", "pc-direction", "laptop-1",
    "tablet-1", "guest-1", "portable-1", "phone-101", "phone-102", "phone-104",
]  # fmt: skip


@pytest.mark.parametrize("name", SITES)
def test_network_checks_are_sound(name: str) -> None:
    assert_sound("network", name, uses=(), groups=GROUPS)


def test_every_host_of_cabinet_martin_is_checked_bottom_up() -> None:
    checks, ctx = alone("network"), derivation("cabinet-martin")
    assert len(checks) == 174
    assert family(checks, "trunk:") == {"trunk:sw-core:ge1", "trunk:sw-floor:ge24", "trunk:ap-1:uplink", "trunk:inet-sw:p1"}
    wlan = {"tablet-1", "guest-1", "portable-1"}
    assert family(checks, "link:") == {f"link:{h}:{'wlan0' if h in wlan else 'eth0'}" for h in HOSTS}
    assert family(checks, "ip:") == {f"ip:{h}:{'wlan0' if h in wlan else 'eth0'}" for h in HOSTS}
    assert family(checks, "gw:") == {f"gw:{h}" for h in HOSTS}
    assert family(checks, "dns:") == {f"dns:{h}" for h in HOSTS}
    for host in HOSTS:
        ifname = "wlan0" if host in wlan else "eth0"
        link, ip, gw, dns = checks[f"link:{host}:{ifname}"], checks[f"ip:{host}:{ifname}"], checks[f"gw:{host}"], checks[f"dns:{host}"]
        assert {link.place, ip.place, gw.place, dns.place} == {host}
        assert {link.group, ip.group, gw.group, dns.group} == {"hosts"}
        assert link.depends == ()
        trunks = trunk_checks(ctx, next(hp for hp in ctx.hosts if hp.node.name == host))
        assert all(t.startswith("trunk:") for t in trunks) and (bool(trunks) or host == "srv-web"), "the DMZ is cabled to fw"
        assert ip.depends[0] == link.id and gw.depends == (*trunks, ip.id) and dns.depends == (gw.id,)
        assert ip.deadline == 8.0
        assert set(CONNECTED) <= set(link.criteria) and set(ADDRESSING + DEVICE) <= set(ip.criteria)
        assert set(REMOTE + DEVICE) == set(dns.criteria)
        assert ("TRI-CP7-C1" in link.criteria) is (host in OBJECTS), "connected objects evidence TRI-CP7-C1"


def test_addressing_depends_on_dhcp_only_for_dhcp_clients() -> None:
    checks = alone("network")
    floor = ("trunk:sw-floor:ge24", "trunk:sw-core:ge1")
    assert checks["ip:pc-accueil:eth0"].depends == ("link:pc-accueil:eth0", *floor, "dhcp:vlan10"), "the trunks up to the DHCP server"
    assert checks["ip:guest-1:wlan0"].depends == ("link:guest-1:wlan0", "trunk:ap-1:uplink", *floor, "dhcp:vlan50")
    assert checks["ip:cam-entree:eth0"].depends[-1] == "dhcp:vlan30", "a reservation is still DHCP"
    assert checks["ip:srv-app:eth0"].depends == ("link:srv-app:eth0",), "a fixed address needs no DHCP"
    assert checks["gw:pc-accueil"].depends == (*floor, "ip:pc-accueil:eth0")
    assert checks["gw:srv-app"].depends == ("trunk:sw-core:ge1", "ip:srv-app:eth0"), "a fixed host needs its trunks for its gateway"
    assert "TRI-CP3-C1" in checks["gw:tablet-1"].criteria and "TRI-CP3-C2" not in checks["gw:tablet-1"].criteria, "wireless"
    assert "TRI-CP3-C2" in checks["gw:pc-accueil"].criteria and "TRI-CP3-C1" not in checks["gw:pc-accueil"].criteria, "wired"


def test_dhcp_is_checked_once_per_vlan_from_its_first_client() -> None:
    checks, ctx = alone("network"), derivation("cabinet-martin")
    places = {"dhcp:vlan10": "pc-accueil", "dhcp:vlan20": "phone-101", "dhcp:vlan30": "cam-entree", "dhcp:vlan50": "guest-1"}
    assert family(checks, "dhcp:") == set(places), "no DHCP in the servers and management VLANs"
    for check_id, place in places.items():
        check = checks[check_id]
        assert check.place == place and check.group == "services" and check.expect
        hp = next(hp for hp in ctx.hosts if hp.node.name == place)
        assert check.depends == (f"link:{place}:{hp.iface.name}", *trunk_checks(ctx, hp))
        assert check.criteria == (*INFRA, "TAI-CP7-C1")
        # When that client is unusable, another host of the VLAN asks, on its own interface.
        assert (bool(check.fallbacks) or place == "guest-1") and all(
            v.probe is not None and v.depends[0].startswith(f"link:{v.place}:") for v in check.fallbacks
        )
        assert all(v.place != place for v in check.fallbacks)


def test_dns_records_are_checked_from_the_first_dhcp_client() -> None:
    checks = alone("network")
    assert family(checks, "dnsrec:") == {f"dnsrec:{h}" for h in FIXED}
    assert family(checks, "ptr:") == {f"ptr:{h}" for h in SERVERS}, "reverse names of the servers only"
    for check_id in family(checks, "dnsrec:") | family(checks, "ptr:"):
        check = checks[check_id]
        assert check.place == "pc-accueil" and check.depends == ("dns:pc-accueil",) and check.group == "services"
        assert check.criteria == (*INFRA, "TAI-CP5-C5")
        assert len(check.fallbacks) == 2 and all(v.depends == (f"dns:{v.place}",) for v in check.fallbacks), "their resolver"
        assert check_id.partition(":")[2] not in {v.place for v in check.vantages}, "a record is not asked from its own host"
    record, ptr = checks["dnsrec:srv-ad"].probe, checks["ptr:srv-ad"].probe
    assert isinstance(record, DnsProbe) and record.name == "srv-ad.cabinet-martin.lan" and record.expect == "10.10.40.5"
    assert isinstance(ptr, DnsProbe) and ptr.type == "PTR" and ptr.expect == "srv-ad.cabinet-martin.lan"


def test_vlans_are_checked_isolated_at_layer_2() -> None:
    checks, ctx = alone("network"), derivation("cabinet-martin")
    sources = {10: "pc-accueil", 20: "phone-101", 30: "cam-entree", 40: "srv-app", 50: "guest-1", 99: "pc-admin"}
    targets = {10: "10.10.10.30", 20: "10.10.20.10", 30: "10.10.30.10", 40: "10.10.40.10", 99: "10.10.99.10"}
    assert family(checks, "l2:") == {f"l2:vlan{a}->vlan{b}" for a in sources for b in targets if a != b}
    assert len(family(checks, "l2:")) == 25, "no target in the guests VLAN (no fixed address there)"
    for a, src in sources.items():
        for b, address in targets.items():
            if a == b:
                continue
            check = checks[f"l2:vlan{a}->vlan{b}"]
            assert not check.expect, "must NOT reach"
            assert check.place == src and check.group == "isolation" and check.depends == (ip_checks(ctx, src)[0],)
            assert all(isinstance(v.probe, ArpProbe) and str(v.probe.target) == address for v in check.fallbacks)
            assert check.criteria == (*POLICY, "TAI-CP5-C2")
            assert isinstance(check.probe, ArpProbe) and str(check.probe.target) == address


def test_switches_and_the_wan_are_checked() -> None:
    checks = alone("network")
    assert family(checks, "mgmt:") == {"mgmt:sw-core", "mgmt:sw-floor", "mgmt:ap-1"}
    for check_id in family(checks, "mgmt:"):
        assert checks[check_id].place == "pc-admin", "from the management VLAN"
        trunks = tuple(f"trunk:{here}" for here, _ in uplink_trunks(site("cabinet-martin"), check_id.removeprefix("mgmt:")))
        assert checks[check_id].depends == ("gw:pc-admin", *trunks) and checks[check_id].criteria == INFRA, "and its own way up"
    wan = checks["wan:fw"]
    assert wan.place == "fw" and wan.depends == () and wan.criteria == INTERNET and wan.group == "infrastructure"
    assert family(checks, "wan:") == {"wan:fw"}


def test_the_small_site_has_its_whole_network_checked() -> None:
    hosts = ("pc-caisse", "pc-bureau", "portable", "imprimante")
    expected = {"wan:box", "dhcp:vlan1", "dnsrec:imprimante", "dnsrec:pc-bureau", "trunk:box-switch:uplink", "trunk:inet-sw:p1"} | {
        f"{kind}:{h}{suffix}" for h in hosts for kind, suffix in (("link", ":eth0"), ("ip", ":eth0"), ("gw", ""), ("dns", ""))
    }
    checks = alone("network", "tpe")
    assert set(checks) == expected, "one VLAN: no isolation; no managed switch"
    assert checks["dhcp:vlan1"].place == "pc-caisse" and checks["dnsrec:imprimante"].place == "pc-caisse"


@pytest.mark.parametrize("name", SITES)
def test_dependency_queries_name_the_checks_derived(name: str) -> None:
    ctx, ids = derivation(name), set(suite(name))
    hosts = {hp.node.name for hp in ctx.hosts}
    for node in site(name).nodes:
        ip = ip_checks(ctx, node.name)
        assert set(ip) <= ids and {i for i in ip if i.startswith("ip:")} == family(ids, f"ip:{node.name}:")
        assert bool(ip) is (node.name in hosts)
        gw, dns = gateway_check(ctx, node.name), dns_check(ctx, node.name)
        assert gw == (f"gw:{node.name}" if f"gw:{node.name}" in ids else None)
        assert dns == (f"dns:{node.name}" if f"dns:{node.name}" in ids else None)
        if node.kind.on_internet or node.kind in (NodeKind.SWITCH, NodeKind.ROUTER, NodeKind.BOX):
            assert (ip, gw, dns) == ((), None, None), node.name
    assert ip_checks(ctx, "no-such-node") == () and gateway_check(ctx, "no-such-node") is None
    assert sum(1 for n in site(name).nodes if dns_check(ctx, n.name) is not None) == len(family(ids, "dns:"))


def test_queries_of_cabinet_martin() -> None:
    ctx = derivation("cabinet-martin")
    assert ip_checks(ctx, "pc-accueil") == ("ip:pc-accueil:eth0", "trunk:sw-floor:ge24", "trunk:sw-core:ge1")
    assert ip_checks(ctx, "tablet-1") == ("ip:tablet-1:wlan0", "trunk:ap-1:uplink", "trunk:sw-floor:ge24", "trunk:sw-core:ge1")
    assert ip_checks(ctx, "fw") == () and ip_checks(ctx, "www") == ()
    assert gateway_check(ctx, "srv-web") == "gw:srv-web" and gateway_check(ctx, "sw-core") is None
    assert dns_check(ctx, "pc-accueil") == "dns:pc-accueil" and dns_check(ctx, "teletravail") is None


def test_without_internal_dns_no_name_is_checked() -> None:
    bare = without("tpe", ("nodes", "box", "services", "dns"))
    checks = alone("network", bare)
    assert not family(checks, "dns:") and not family(checks, "dnsrec:") and not family(checks, "ptr:")
    assert {"gw:pc-caisse", "ip:pc-caisse:eth0", "dhcp:vlan1", "wan:box"} <= set(checks), "the rest is still checked"
    ctx = derivation(bare)
    assert all(dns_check(ctx, n.name) is None for n in bare.nodes)
