"""Cross-reference validation: each rule of a sound site, broken on purpose."""

from __future__ import annotations

import pytest

from officelab.core.errors import SiteInvalid
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
