"""Reading the equipment's own tables: a switch's MAC table and LLDP neighbours as its command line prints them,
dnsmasq's leases, and where a MAC is plugged (not on a port that leads to another bridge)."""

from __future__ import annotations

from officelab.inventory.sources import Learnt, Neighbour, colon_mac, locations, parse_leases, parse_lldp, parse_mac_table, seen_ports

MAC_TABLE = """          Mac Address Table
-------------------------------------------

Vlan    Mac Address       Type        Ports
----    -----------       --------    -----
  10    0216.0674.8f24    DYNAMIC     ge5
  10    0278.c5c5.ef8a    STATIC      ge2
  99    02aa.bbcc.dd01    DYNAMIC     ge24
Total Mac Addresses for this criterion: 3"""

LLDP = """Capability codes:
    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device
    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other

Device ID           Local Intf     Hold-time  Capability      Port ID
sw-core             ge24           120        B               ge12
a-very-long-host-namge2            120        S               eth0

Total entries displayed: 2
"""


def test_the_mac_table_is_read_as_ios_prints_it() -> None:
    found = parse_mac_table("sw-floor", MAC_TABLE)
    assert found == [
        Learnt("sw-floor", "ge5", 10, "02:16:06:74:8f:24"),
        Learnt("sw-floor", "ge2", 10, "02:78:c5:c5:ef:8a"),
        Learnt("sw-floor", "ge24", 99, "02:aa:bb:cc:dd:01"),
    ]
    assert colon_mac("0216.0674.8F24") == "02:16:06:74:8f:24"


def test_lldp_neighbours_with_a_device_id_filling_its_columns() -> None:
    found = parse_lldp("sw-floor", LLDP)
    assert found == [
        Neighbour("sw-floor", "ge24", "sw-core", "B", "ge12"),
        Neighbour("sw-floor", "ge2", "a-very-long-host-nam", "S", "eth0"),
    ]


def test_a_mac_is_located_on_the_port_that_does_not_lead_to_a_bridge() -> None:
    learnt = [
        Learnt("sw-core", "ge12", 10, "02:16:06:74:8f:24"),  # the uplink to sw-floor: learnt there too
        Learnt("sw-floor", "ge5", 10, "02:16:06:74:8f:24"),
        Learnt("sw-floor", "ge24", 99, "02:00:00:00:00:99"),  # only seen on an uplink: no location
    ]
    neighbours = [Neighbour("sw-core", "ge12", "sw-floor", "B", "ge24"), Neighbour("sw-floor", "ge24", "sw-core", "B", "ge12")]
    where = locations(learnt, neighbours)
    assert where["02:16:06:74:8f:24"].switch == "sw-floor" and where["02:16:06:74:8f:24"].port == "ge5"
    assert "02:00:00:00:00:99" not in where
    ports = seen_ports("sw-floor", learnt, neighbours)
    assert [(p.name, p.vlans, p.neighbour) for p in ports] == [("ge5", [10], ""), ("ge24", [99], "sw-core")]


def test_dnsmasq_leases_with_and_without_a_hostname() -> None:
    text = "1796355297 02:4C:E4:C2:14:D1 10.10.10.105 portable-1 01:02:4c:e4:c2:14:d1\n1796355296 02:16:06:74:8f:24 10.10.10.115 * *\n"
    leases = parse_leases("fw", text)
    assert [(x.mac, x.ip, x.hostname) for x in leases] == [
        ("02:4c:e4:c2:14:d1", "10.10.10.105", "portable-1"),
        ("02:16:06:74:8f:24", "10.10.10.115", ""),
    ]


def test_a_router_that_also_bridges_is_the_device_on_its_port() -> None:
    learnt = [Learnt("sw-core", "ge1", 10, "02:27:cb:41:4c:17")]
    assert locations(learnt, [Neighbour("sw-core", "ge1", "fw", "R,B", "lan")])["02:27:cb:41:4c:17"].port == "ge1"
    assert locations(learnt, [Neighbour("sw-core", "ge1", "sw-2", "B", "ge24")]) == {}
