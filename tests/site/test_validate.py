"""Cross-reference validation: each rule of a sound site, broken on purpose."""

from __future__ import annotations

import pytest

from officelab.core.errors import SiteInvalid
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_text


def messages(text: str) -> str:
    with pytest.raises(SiteInvalid) as info:
        load_text(text, "site.yaml")
    return "\n".join(str(p) for p in info.value.problems)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("{name: guest-1, kind: laptop", "{name: pc-accueil, kind: laptop", "duplicate node name pc-accueil"),
        ("id: 20\n", "id: 10\n", "duplicate VLAN id 10"),
        ("subnet: 10.10.20.0/24", "subnet: 10.10.10.0/25", "overlaps VLAN 10"),
        ("gateway: 10.10.30.1", "gateway: 10.10.31.1", "gateway 10.10.31.1 is not a usable address of 10.10.30.0/24"),
        ("{start: 10.10.20.100, end: 10.10.20.199", "{start: 10.10.20.1, end: 10.10.20.199", "contains the gateway 10.10.20.1"),
        ("{start: 10.10.20.100, end: 10.10.20.199", "{start: 10.10.21.100, end: 10.10.21.199", "is not a usable address of 10.10.20.0/24"),
        ("[srv-app:eth0, sw-core:ge3]", "[srv-app:eth0, sw-core:ge99]", "sw-core has no port 'ge99'"),
        ("[srv-app:eth0, sw-core:ge3]", "[srv-app:eth0, nowhere:ge3]", "link to unknown node 'nowhere'"),
        ("[srv-app:eth0, sw-core:ge3]", "[srv-app:eth0, sw-floor:ge1]", "sw-floor:ge1 is already cabled"),
        ('- {name: "ge[3-8]", vlan: servers}', '- {name: "ge[3-8]", vlan: serverz}', "unknown VLAN 'serverz'"),
        (
            "vlans: [users, guests, mgmt], native: mgmt, description: vers ap-1}",
            "vlans: [users, mgmt], native: mgmt}",
            "trunk mismatch: VLANs [50]",
        ),
        (
            "vlans: [users, guests, mgmt], native: mgmt, description: vers ap-1}",
            "vlans: [users, mgmt], native: mgmt}",
            "guest-1:wlan0 cannot reach its gateway 10.10.50.1",
        ),
        (
            "{name: ge1, mode: trunk, vlans: [users, voice, iot, servers, guests, mgmt]",
            "{name: ge1, mode: trunk, vlans: [users, voice, iot, guests, mgmt]",
            "the trunk does not carry VLAN 40",
        ),
        (
            "{name: eth0, address: 10.10.40.10/24, gateway: 10.10.40.1}",
            "{name: eth0, address: 10.10.10.10/24, gateway: 10.10.10.1}",
            "10.10.10.10/24 is not in VLAN 40 (servers)",
        ),
        ("- {from: voice, to: wan, action: accept}", "- {from: voice, to: internet, action: accept}", "unknown zone 'internet'"),
        ("users: {vlans: [users], input: accept}", "users: {vlans: [users, voice], input: accept}", "lan.20 is already in zone users"),
        (
            "{name: web-dmz, zone: wan, proto: tcp, port: 80, to: 172.16.50.10}",
            "{name: web-dmz, zone: wan, proto: tcp, port: 80, to: 172.16.50.99}",
            "no node has address 172.16.50.99",
        ),
        ("reserve: 10.10.10.20}", "reserve: 10.10.11.20}", "reserved address 10.10.11.20 is not in 10.10.10.0/24"),
        ("reserve: 10.10.10.20}", "reserve: 10.10.10.30}", "duplicate address 10.10.10.30"),
        (
            '{name: "ge[21-22]", vlan: iot}',
            '{name: "ge[21-22]", vlan: iot}\n      - {name: "ge[22-23]", vlan: iot}',
            "duplicate port on sw-floor: ge22",
        ),
        ("- [fw:dmz, srv-web:eth0]", "- [fw:dmz, fw:wan]", "link loops back to fw"),
        (
            "{name: eth0, address: 203.0.113.80/24, gateway: 203.0.113.1}",
            "{name: eth0, address: 203.0.114.80/24, gateway: 203.0.114.1}",
            "shares a cable or switch with",
        ),
        ('members: ["104", "101"]', 'members: ["104", "109"]', "no extension 109"),
        ('{number: "0123456702", to: "102"}', '{number: "0123456702", to: "777"}', "no extension or ring group 777"),
        ('forward_no_answer: "101"}', 'forward_no_answer: "609"}', "no extension or ring group 609"),
        ('{number: "600", name: Accueil', '{number: "101", name: Accueil', "duplicate number 101"),
        ("operator: operateur", "operator: srv-app", "is not a node of the emulated internet"),
        ('prefix: "0"', 'prefix: "1"', "extension 101 starts with the external prefix 1"),
        ('{number: "0555123456", name: Client Dupont}', '{number: "0123456700", name: Client Dupont}', "one of the site's own numbers"),
        ("port: 30000, port_end: 30099, to: 10.10.20.10}", "port: 30000, port_end: 30099, to: 10.10.20.10, to_port: 5}", "keeps its ports"),
        ("port: 30000, port_end: 30099", "port: 30000, port_end: 29000", "port_end must be above port"),
        # The emulated internet and the routers' WAN side use only 198.51.100.0/24 and 203.0.113.0/24.
        (
            "{name: eth0, address: 203.0.113.80/24, gateway: 203.0.113.1}",
            "{name: eth0, address: 100.64.0.80/24, gateway: 100.64.0.1}",
            "100.64.0.80/24 is a carrier-grade NAT address (100.64.0.0/10, RFC 6598), but www is on the emulated",
        ),
        (
            "{name: wan, address: 203.0.113.20/24, gateway: 203.0.113.1}",
            "{name: wan, address: 10.20.0.20/24, gateway: 10.20.0.1}",
            "10.20.0.20/24 is a private address (RFC 1918), but teletravail is on the emulated internet (remote-site)",
        ),
        (
            "{name: cust, address: 198.51.100.1/29",
            "{name: cust, address: 100.64.0.1/29",
            "100.64.0.1/29 is a carrier-grade NAT address (100.64.0.0/10, RFC 6598), but isp is on the emulated internet (isp)",
        ),
        ("{name: eth0, address: 203.0.113.60/24", "{name: eth0, address: 169.254.0.60/24", "169.254.0.60/24 is a link-local address"),
        ("{name: eth0, address: 203.0.113.60/24", "{name: eth0, address: 127.0.0.60/24", "127.0.0.60/24 is a loopback address"),
        ("{name: eth0, address: 203.0.113.60/24, gateway: 203.0.113.1}", "{name: eth0, address: 8.8.8.60/24}", "is a real public address"),
        (
            "{name: eth0, address: 203.0.113.60/24, gateway: 203.0.113.1}",
            "{name: eth0, address: 203.0.113.60/16, gateway: 203.0.113.1}",
            "203.0.113.60/16 is in 203.0.0.0/16, a network wider than the public ranges",
        ),
        (
            "{name: wan, address: 198.51.100.2/29, gateway: 198.51.100.1}",
            "{name: wan, address: 192.168.77.2/29, gateway: 192.168.77.1}",
            "192.168.77.2/29 is a private address (RFC 1918), but fw:wan is the router's WAN side, facing the emulated internet",
        ),
        # A DHCP scope must not cover a fixed address.
        (
            "{name: eth0, address: 10.10.20.10/24, gateway: 10.10.20.1}",
            "{name: eth0, address: 10.10.20.150/24, gateway: 10.10.20.1}",
            "10.10.20.150 (the static address of srv-ipbx:eth0) is inside the DHCP scope 10.10.20.100–10.10.20.199 of VLAN 20 (voice)",
        ),
        (
            "reserve: 10.10.10.20}",
            "reserve: 10.10.10.120}",
            "10.10.10.120 (the reservation of prn-1:eth0) is inside the DHCP scope 10.10.10.100–10.10.10.199 of VLAN 10 (users)",
        ),
        (
            "dhcp: {start: 10.10.50.100, end: 10.10.50.199, lease: 2h}",
            'dhcp: {start: 10.10.50.100, end: 10.10.50.199, lease: 2h, reservations: [{mac: "02:00:00:00:00:99", address: 10.10.50.150}]}',
            "10.10.50.150 (the reservation for 02:00:00:00:00:99) is inside the DHCP scope 10.10.50.100–10.10.50.199 of VLAN 50",
        ),
        # AD: a login is not a group's name, and no user or group takes a name Samba AD creates itself.
        ("{login: jpetit, name: Julie", "{login: personnel, name: Julie", "login personnel is also the name of the group Personnel"),
        ("{login: stagiaire,", "{login: administrator,", "administrator is a name Samba AD already uses"),
        ("{login: stagiaire,", "{login: krbtgt,", "krbtgt is a name Samba AD already uses"),
        ("{login: stagiaire,", "{login: guest,", "guest is a name Samba AD already uses"),
        ("{login: stagiaire,", "{login: dns-srv-ad,", "dns-srv-ad is a name Samba AD already uses"),
        ("{name: Personnel, description:", "{name: Domain Users, description:", "Domain Users is a name Samba AD already uses"),
        ("{name: Direction, description:", "{name: DOMAIN ADMINS, description:", "DOMAIN ADMINS is a name Samba AD already uses"),
        ("{name: Comptabilite, description:", "{name: dnsadmins, description:", "dnsadmins is a name Samba AD already uses"),
        ("{name: Comptabilite, description:", "{name: Administrators, description:", "Administrators is a name Samba AD already uses"),
        # The limits of the model, located at their field.
        ('{name: "ge[21-22]", vlan: iot}', '{name: "ge[21-9000]", vlan: iot}', "ge[21-9000] declares 8,980 ports, more than the limit"),
        (
            '{name: "ge[21-22]", vlan: iot}',
            '{name: "ge[21-22]", vlan: iot}\n      - {name: "fe[1-4000]"}\n      - {name: "xe[1-100]"}',
            "ports on one switch, more than the limit of 4,096",
        ),
    ],
)
def test_rule(default_site_text: str, old: str, new: str, expected: str) -> None:
    assert old in default_site_text, f"test is stale: {old!r} not in the default site"
    assert expected in messages(default_site_text.replace(old, new, 1))


def test_dhcp_client_without_scope(default_site_text: str) -> None:
    text = default_site_text.replace(
        "    purpose: Invités (internet seulement)\n    dhcp: {start: 10.10.50.100, end: 10.10.50.199, lease: 2h}\n",
        "    purpose: Invités (internet seulement)\n",
    )
    assert "guest-1:wlan0 asks for DHCP but VLAN 50 (guests) has no DHCP scope" in messages(text)


def test_access_port_cannot_take_trunk_fields(default_site_text: str) -> None:
    text = default_site_text.replace('{name: "ge[11-12]", vlan: mgmt}', '{name: "ge[11-12]", vlan: mgmt, native: users}')
    assert "an access port takes `vlan`" in messages(text)


def test_interface_is_dhcp_or_static(default_site_text: str) -> None:
    text = default_site_text.replace(
        "interfaces: [{name: eth0, dhcp: true}]}", "interfaces: [{name: eth0, dhcp: true, address: 10.10.10.5/24}]}", 1
    )
    assert "either `dhcp: true` or has a static `address`" in messages(text)


def test_each_problem_is_located(default_site_text: str) -> None:
    """The new rules point at the field to fix, with its line and a hint."""
    text = default_site_text.replace("reserve: 10.10.10.20}", "reserve: 10.10.10.120}").replace("{login: stagiaire,", "{login: krbtgt,")
    with pytest.raises(SiteInvalid) as info:
        load_text(text, "site.yaml")
    found = {p.field: p for p in info.value.problems}
    lines = text.splitlines()
    printer = [n.name for n in load_text(default_site_text, "site.yaml").nodes].index("prn-1")
    reserve = found[f"nodes[{printer}].interfaces[0].reserve"]
    assert reserve.line is not None and "reserve: 10.10.10.120" in lines[reserve.line - 1] and reserve.hint
    login = found["directory.users[4].login"]
    assert login.line is not None and "krbtgt" in lines[login.line - 1].lower() and login.hint


def test_a_router_behind_a_box_may_have_a_private_wan(default_site_text: str) -> None:
    """Only a WAN side that faces the emulated internet must be public: a firewall behind a box is in the box's LAN."""
    site = load_text(default_site_text, "site.yaml")
    assert site.node("fw").interfaces[0].name == "wan"
    tpe = builtin_sites()["tpe"].read_text()
    assert load_text(tpe, "tpe.yaml").node("box").interfaces[0].address is not None


def test_overlapping_subnets_and_scopes_many_vlans() -> None:
    """Overlaps are found without comparing every pair: 2500 VLANs in one subnet validate quickly, each reported once."""
    import time

    vlans = "".join(
        f"  - {{id: {i}, name: v{i}, subnet: 10.0.0.0/16, dhcp: {{start: 10.0.0.10, end: 10.0.0.20}}}}\n" for i in range(1, 2501)
    )
    text = "site: {name: many, domain: many.lan}\nvlans:\n" + vlans + "nodes: []\n"
    start = time.monotonic()
    with pytest.raises(SiteInvalid) as info:
        load_text(text, "many.yaml")
    assert time.monotonic() - start < 20
    overlaps = {p.path[1] for p in info.value.problems if p.message == "subnet 10.0.0.0/16 overlaps VLAN 1 (10.0.0.0/16)"}
    assert len(overlaps) > 100 and info.value.more > 0  # one per VLAN after the first, past the problems kept
