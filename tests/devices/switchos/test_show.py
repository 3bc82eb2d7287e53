"""The switch's ``show`` output is read by tools written for real Catalysts: ntc-templates' TextFSM templates.

Each renderer's text is parsed with ``ntc_templates.parse.parse_output`` (what Netmiko's ``use_textfsm`` does), with
the command typed in full and abbreviated, and the parsed rows are compared with the view they come from. Their
number is checked too: a line a template skips without a word would otherwise go unnoticed. A template that reaches
its ``Error`` state raises.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from ntc_templates.parse import parse_output

from officelab.devices.switchos import show
from officelab.devices.switchos.config import VERSION, InterfaceConfig, PortSecurity, SviConfig, SwitchConfig, render, vlan_list
from officelab.devices.switchos.state import Counters, LogEntry, MacEntry, Neighbor, PortStatus, SecureState, SessionInfo, SwitchView

NOW = datetime(2026, 12, 1, 10, 21, 4, 123456, tzinfo=UTC)
LONG_DESCRIPTION = "imprimante-couleur-etage1"
WORKSTATION = "poste-comptabilite-02.cabinet.lan"
VLANS = {1: "default", 10: "users", 20: "voice", 30: "iot", 40: "servers", 50: "guests", 99: "mgmt"}

# Access ports: name → (access VLAN, link, description).
ACCESS: dict[str, tuple[int, str, str]] = {
    "ge1": (10, "connected", "accueil"),
    "ge2": (10, "connected", "compta-1"),
    "ge3": (10, "connected", ""),
    "ge4": (10, "connected", LONG_DESCRIPTION),
    "ge5": (10, "err-disabled", "salle-reunion"),
    "ge6": (10, "disabled", "bureau-hélène"),  # not ASCII: the running-config's byte count is not its length
    "ge7": (10, "notconnect", ""),
    **{f"ge{n}": (10, "connected" if n % 2 else "notconnect", "") for n in range(8, 13)},
    "ge13": (30, "connected", "camera-entree"),
    "ge14": (40, "connected", "nas"),
    "ge15": (40, "notconnect", ""),
    "ge16": (40, "connected", "routeur"),
    **{f"ge{n}": (20, "connected" if n < 19 else "notconnect", "") for n in range(17, 21)},
    "ge21": (50, "notconnect", "invites"),
    "ge22": (60, "inactive", "vlan-supprime"),  # VLAN 60 does not exist
}
TRUNKS = {
    "ge23": InterfaceConfig("ge23", description="borne-wifi", mode="trunk", trunk_allowed=[10, 50, 99], native_vlan=99),
    "ge24": InterfaceConfig("ge24", description="uplink sw-core", mode="trunk", trunk_allowed=[10, 20, 30, 40, 50, 99]),
}


def make_view() -> SwitchView:
    """An office floor switch in the middle of a working day."""
    interfaces = {
        name: InterfaceConfig(name, description=desc, access_vlan=vid, shutdown=link == "disabled")
        for name, (vid, link, desc) in ACCESS.items()
    }
    interfaces["ge1"].security = PortSecurity(enabled=True, maximum=2, sticky=True, macs=["0050.56aa.0001"])
    interfaces["ge5"].security = PortSecurity(enabled=True, macs=["0050.56aa.0005"])
    interfaces |= {name: dataclasses.replace(port) for name, port in TRUNKS.items()}
    config = SwitchConfig(
        hostname="sw-floor",
        vlans=dict(VLANS),
        interfaces=interfaces,
        svis={99: SviConfig(99, "10.10.99.3/24")},
        default_gateway="10.10.99.1",
        domain_name="cabinet.lan",
    )
    links = {name: link for name, (_, link, _) in ACCESS.items()} | {"ge23": "connected", "ge24": "connected"}
    ports = {
        name: PortStatus(
            name,
            link,
            f"5254.00ab.{i:04x}",
            err_reason="psecure-violation" if link == "err-disabled" else "",
            last_change=3600.0 * i,
            counters=Counters(
                rx_packets=1000 * i,
                tx_packets=2000 * i + 7,
                rx_bytes=64000 * i,
                tx_bytes=128000 * i,
                rx_errors=i % 3,
                tx_errors=i % 2,
                rx_dropped=i,
                tx_dropped=2 * i,
                multicast=5 * i,
            ),
        )
        for i, (name, link) in enumerate(links.items(), start=1)
    }
    macs = [
        MacEntry(10, "0050.56aa.0001", "STATIC", "ge1"),
        MacEntry(10, "0050.56aa.0002", "DYNAMIC", "ge2"),
        MacEntry(10, "0050.56aa.0003", "DYNAMIC", "ge3"),
        MacEntry(20, "0004.f2aa.1717", "DYNAMIC", "ge17"),
        MacEntry(40, "0050.56aa.0e0e", "DYNAMIC", "ge14"),
        MacEntry(99, "0011.2233.4499", "DYNAMIC", "ge24"),
        MacEntry(10, "0011.2233.4410", "DYNAMIC", "ge24"),
        MacEntry(50, "0011.2233.4450", "DYNAMIC", "ge23"),
    ]
    # Capabilities as the site's facts write them: CDP's letters.
    neighbors = [
        Neighbor("ge24", "sw-core", "ge1", "S I", "cisco WS-C3850-24T", "10.10.99.2"),
        Neighbor("ge16", "rt-edge", "lan0", "R S I", "Linux-router", "10.10.40.1"),
        Neighbor("ge17", "SEP0004F2AA1717", "Port 1", "H P", "Cisco IP Phone 7945"),
        Neighbor("ge23", "ap-etage1", "eth0", "T", "OL-AIR-AP1832", "10.10.99.20"),
        Neighbor("ge2", WORKSTATION, "eth0", "H", "Linux"),
    ]
    logs = [
        LogEntry(datetime(2026, 12, 1, 8, 2, 11, 250000), "LINK", 3, "UPDOWN", "Interface ge2, changed state to up"),
        LogEntry(datetime(2026, 12, 1, 8, 2, 12, 251000), "LINEPROTO", 5, "UPDOWN", "Line protocol on Interface ge2, changed state to up"),
        LogEntry(
            datetime(2026, 12, 1, 9, 40, 0, 5000),
            "PORT_SECURITY",
            2,
            "PSECURE_VIOLATION",
            "Security violation occurred, caused by MAC address 0050.56bb.0666 on port ge5.",
        ),
        LogEntry(
            datetime(2026, 12, 1, 9, 40, 0, 9000),
            "PM",
            4,
            "ERR_DISABLE",
            "psecure-violation error detected on ge5, putting ge5 in err-disable state",
        ),
        LogEntry(datetime(2026, 12, 1, 10, 15, 0), "SYS", 5, "CONFIG_I", "Configured from console by admin on vty0 (10.10.99.50)"),
    ]
    sessions = [SessionInfo("vty 0", "admin", "10.10.99.50", 0.0, current=True), SessionInfo("vty 1", "tech", "10.10.99.51", 312.0)]
    secure = {
        "ge1": SecureState(addresses=["0050.56aa.0001"]),
        "ge5": SecureState(addresses=["0050.56aa.0005"], violations=1, last_source="0050.56bb.0666:10"),
    }
    return SwitchView(
        config=config,
        ports=ports,
        macs=macs,
        neighbors=neighbors,
        logs=logs,
        sessions=sessions,
        secure=secure,
        uptime=93784.0,
        now=NOW,
        base_mac="0cd0.f8a1.b200",
        serial="FOC2231X0QZ",
        model="WS-C2960X-24TS-L",
        startup_bytes=1800,
        svi_mac="0cd0.f8a1.b2c0",
    )


@pytest.fixture
def view() -> SwitchView:
    return make_view()


def parse(commands: tuple[str, ...], text: str, rows: int) -> list[dict[str, Any]]:
    """The rows ntc-templates reads in ``text``, the same for each way of typing the command, and ``rows`` of them."""
    results = [parse_output(platform="cisco_ios", command=command, data=text) for command in commands]
    assert all(r == results[0] for r in results), commands
    assert len(results[0]) == rows, results[0]
    parsed: list[dict[str, Any]] = results[0]
    return parsed


def lines_of(text: str, start: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(start)]


# --- version and configuration ----------------------------------------------------------------------------------


def test_version(view: SwitchView) -> None:
    [row] = parse(("show version", "sh ver"), show.version(view), 1)
    assert row["hostname"] == "sw-floor"
    assert row["uptime"] == "1 day, 2 hours, 3 minutes"
    assert (row["uptime_days"], row["uptime_hours"], row["uptime_minutes"]) == ("1", "2", "3")
    assert row["version"] == VERSION
    assert row["serial"] == ["FOC2231X0QZ"]
    assert row["hardware"] == ["WS-C2960X-24TS-L"]
    assert row["mac_address"] == ["0c:d0:f8:a1:b2:00"]
    assert row["reload_reason"] == "power-on"
    assert row["config_register"] == "0xF"
    assert row["software_image"] == "C2960X-UNIVERSALK9-M"
    assert row["running_image"].endswith(".bin")
    assert row["restarted"] == "08:18:00 UTC Mon Nov 30 2026"


@pytest.mark.parametrize(
    ("seconds", "uptime", "parts"),
    [
        (59, "0 minutes", ("", "", "", "", "0")),
        (3660, "1 hour, 1 minute", ("", "", "", "1", "1")),
        ((365 + 15) * 86400 + 7200, "1 year, 2 weeks, 1 day, 2 hours, 0 minutes", ("1", "2", "1", "2", "0")),
    ],
)
def test_version_uptime(view: SwitchView, seconds: int, uptime: str, parts: tuple[str, ...]) -> None:
    view.uptime = seconds
    [row] = parse(("show version",), show.version(view), 1)
    assert row["uptime"] == uptime
    assert tuple(row[f"uptime_{k}"] for k in ("years", "weeks", "days", "hours", "minutes")) == parts


def test_version_of_the_lab_model(view: SwitchView) -> None:
    view.model = "OL-2960-24TT"
    [row] = parse(("show version",), show.version(view), 1)
    assert row["hardware"] == ["OL-2960-24TT"] and row["software_image"] == "C2960-UNIVERSALK9-M"


def test_running_config_header_counts_the_bytes(view: SwitchView) -> None:
    text = render(view.config)
    out = show.running_config(view)
    head = out.splitlines()[:3]
    assert head == ["Building configuration...", "", f"Current configuration : {len(text.encode())} bytes"]
    assert len(text.encode()) > len(text)  # the test means something: "hélène" takes more bytes than characters
    assert out.split("\n", 3)[3] == text


def test_startup_config(view: SwitchView) -> None:
    text = render(view.config)
    first, rest = show.startup_config(text).split("\n", 1)
    assert first == f"Using {len(text.encode())} out of 524288 bytes"
    assert rest == text
    assert show.startup_config("") == "startup-config is not present"


# --- VLANs and trunks -------------------------------------------------------------------------------------------


def expected_members(view: SwitchView) -> dict[int, list[str]]:
    members: dict[int, list[str]] = {vid: [] for vid in VLANS}
    for name, (vid, _, _) in ACCESS.items():
        if vid in members:
            members[vid].append(name)
    return members


@pytest.mark.parametrize(("brief", "commands"), [(True, ("show vlan brief", "sh vlan br")), (False, ("show vlan", "sh vlan"))])
def test_vlan(view: SwitchView, brief: bool, commands: tuple[str, ...]) -> None:
    text = show.vlan(view, brief=brief)
    rows = parse(commands, text, len(VLANS) + 4)
    by_id = {int(r["vlan_id"]): r for r in rows}
    members = expected_members(view)
    for vid, name in VLANS.items():
        assert (by_id[vid]["vlan_name"], by_id[vid]["status"]) == (name, "active")
        assert by_id[vid]["interfaces"] == members[vid]
    assert {r["vlan_name"]: r["status"] for r in rows if int(r["vlan_id"]) >= 1002} == {
        "fddi-default": "act/unsup",
        "token-ring-default": "act/unsup",
        "fddinet-default": "act/unsup",
        "trnet-default": "act/unsup",
    }
    listed = {port for r in rows for port in r["interfaces"]}
    assert not listed & {"ge22", "ge23", "ge24"}  # the port of a missing VLAN (inactive) and the trunks
    assert ("VLAN Type  SAID       MTU" in text) is not brief
    if not brief:
        assert lines_of(text, "1004 fdnet 101004     1500")[0].split()[7] == "ieee"


def test_vlan_port_list_wraps_at_column_48(view: SwitchView) -> None:
    names = [f"ge{n}" for n in range(1, 49)]
    view.ports = {n: PortStatus(n, "connected", "5254.00ab.0001") for n in names}
    view.config.interfaces = {n: InterfaceConfig(n, access_vlan=10) for n in names}
    text = show.vlan(view, brief=True)
    lines = text.splitlines()
    block = lines[lines.index(lines_of(text, "10 ")[0]) : lines.index(lines_of(text, "20 ")[0])]
    assert block[0][:48].rstrip() == "10   users                            active"
    assert len(block) > 1 and all(line[:48] == " " * 48 for line in block[1:])  # continuation lines
    assert all(line[48:50] == "ge" for line in block)
    assert all(len(line) <= 79 and not line.endswith(",") for line in block)
    assert max(len(line) for line in block) > 70  # filled, not one port per line
    assert ", ".join(line[48:] for line in block) == ", ".join(names)
    rows = parse(("show vlan brief",), text, len(VLANS) + 4)
    assert next(r for r in rows if r["vlan_id"] == "10")["interfaces"] == names


def test_vlan_list() -> None:
    assert vlan_list([99, 10, 11, 12, 20, 21, 30]) == "10-12,20,21,30,99"
    assert vlan_list(list(range(1, 4095))) == "1-4094"


def test_interfaces_trunk(view: SwitchView) -> None:
    view.config.interfaces["ge24"].trunk_allowed = None
    text = show.interfaces_trunk(view)
    sections = text.strip("\n").split("\n\n")
    assert [s.splitlines()[0] for s in sections] == [
        "Port        Mode             Encapsulation  Status        Native vlan",
        "Port        Vlans allowed on trunk",
        "Port        Vlans allowed and active in management domain",
        "Port        Vlans in spanning tree forwarding state and not pruned",
    ]
    assert sections[0].splitlines()[1:] == [
        "ge23        on               802.1q         trunking      99",
        "ge24        on               802.1q         trunking      1",
    ]
    assert sections[1].splitlines()[1:] == ["ge23        10,50,99", "ge24        1-4094"]
    assert sections[2].splitlines()[1:] == ["ge23        10,50,99", "ge24        1,10,20,30,40,50,99"]
    assert sections[3].splitlines()[1:] == sections[2].splitlines()[1:]
    # No ntc template exists for it: the index gives the command to show interfaces', which reads nothing in it.
    assert parse_output(platform="cisco_ios", command="show interfaces trunk", data=text) == []


def test_interfaces_trunk_lists_operational_trunks_only(view: SwitchView) -> None:
    view.ports["ge23"].link = "notconnect"
    assert "ge23" not in show.interfaces_trunk(view)
    view.ports["ge24"].link = "disabled"
    assert show.interfaces_trunk(view) == ""


# --- interfaces -------------------------------------------------------------------------------------------------


def test_interfaces_status(view: SwitchView) -> None:
    rows = parse(("show interfaces status", "sh int st", "sh int status"), show.interfaces_status(view), 24)
    assert [r["port"] for r in rows] == [f"ge{n}" for n in range(1, 25)]
    for r in rows:
        cfg, status = view.config.interfaces[r["port"]], view.ports[r["port"]]
        assert r["status"] == status.link
        assert r["name"] == cfg.description[:18]
        assert r["vlan_id"] == ("trunk" if cfg.mode == "trunk" else str(cfg.access_vlan))
        up = status.link == "connected"
        assert (r["duplex"], r["speed"], r["type"]) == (("a-full", "a-1000") if up else ("auto", "auto")) + ("10/100/1000BaseTX",)
    assert next(r for r in rows if r["port"] == "ge4")["name"] == "imprimante-couleur"


def test_interfaces_status_columns(view: SwitchView) -> None:
    text = show.interfaces_status(view)
    assert text.splitlines()[1] == "Port      Name               Status       Vlan       Duplex  Speed Type"
    assert lines_of(text, "ge5 ")[0] == "ge5       salle-reunion      err-disabled 10           auto   auto 10/100/1000BaseTX"
    assert lines_of(text, "ge6 ")[0] == "ge6       bureau-hélène      disabled     10           auto   auto 10/100/1000BaseTX"
    assert lines_of(text, "ge4 ")[0] == "ge4       imprimante-couleur connected    10         a-full a-1000 10/100/1000BaseTX"
    assert lines_of(text, "ge24 ")[0][29:] == "connected    trunk      a-full a-1000 10/100/1000BaseTX"


def test_interfaces_status_err_disabled(view: SwitchView) -> None:
    text = show.interfaces_status(view, only_err_disabled=True)
    [row] = parse(("show interfaces status err-disabled", "sh int st err-d"), text, 1)
    assert row == {"interface": "ge5", "name": "salle-reunion", "status": "err-disabled", "port_error": "psecure-violation"}
    view.ports["ge5"].link = "connected"
    parse(("show interfaces status err-disabled",), show.interfaces_status(view, only_err_disabled=True), 0)


def test_interfaces(view: SwitchView) -> None:
    rows = parse(("show interfaces", "sh int"), show.interfaces(view, None), 25)
    svi, *ports = rows
    assert (svi["interface"], svi["link_status"], svi["protocol_status"]) == ("Vlan99", "up", "up")
    assert (svi["ip_address"], svi["prefix_length"]) == ("10.10.99.3", "24")
    assert (svi["mac_address"], svi["hardware_type"]) == ("0cd0.f8a1.b2c0", "EtherSVI")
    words = {"connected": ("up", "up"), "disabled": ("administratively down", "down")}
    for r in ports:
        status, cfg = view.ports[r["interface"]], view.config.interfaces[r["interface"]]
        c = status.counters
        line, proto = words.get(status.link, ("down", "down"))
        assert (r["link_status"], r["protocol_status"]) == (line, f"{proto} ({status.link})")
        assert (r["hardware_type"], r["mac_address"], r["bia"]) == ("Gigabit Ethernet", status.mac, status.mac)
        assert (r["description"], r["mtu"], r["encapsulation"]) == (cfg.description, "1500", "ARPA")
        assert r["bandwidth"] == ("1000000 Kbit" if status.link == "connected" else "10000 Kbit")
        assert r["duplex"] == ("Full-duplex" if status.link == "connected" else "Auto-duplex")
        assert r["media_type"] == "10/100/1000BaseTX"
        fields = ("input_packets", "output_packets", "input_errors", "output_errors", "queue_drops", "queue_output_drops")
        counters = (c.rx_packets, c.tx_packets, c.rx_errors, c.tx_errors, c.rx_dropped, c.tx_dropped)
        assert [r[f] for f in fields] == [str(n) for n in counters]


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("ge3", "ge3 is up, line protocol is up (connected)"),
        ("ge5", "ge5 is down, line protocol is down (err-disabled)"),
        ("ge6", "ge6 is administratively down, line protocol is down (disabled)"),
        ("ge7", "ge7 is down, line protocol is down (notconnect)"),
        ("Vlan99", "Vlan99 is up, line protocol is up"),
        ("vlan 99", "Vlan99 is up, line protocol is up"),
    ],
)
def test_interface(view: SwitchView, name: str, first: str) -> None:
    text = show.interfaces(view, name)
    assert text.splitlines()[0] == first
    [row] = parse((f"show interfaces {name.replace(' ', '')}",), text, 1)
    assert row["interface"] == first.split()[0]


def test_interface_unknown(view: SwitchView) -> None:
    with pytest.raises(KeyError):
        show.interfaces(view, "ge99")
    with pytest.raises(KeyError):
        show.interfaces(view, "Vlan10")


def test_svi_states(view: SwitchView) -> None:
    view.svi_up = False
    assert show.interfaces(view, "Vlan99").splitlines()[0] == "Vlan99 is up, line protocol is down"
    view.config.svis[99].shutdown = True
    assert show.interfaces(view, "Vlan99").splitlines()[0] == "Vlan99 is administratively down, line protocol is down"


def test_ip_interface_brief(view: SwitchView) -> None:
    text = show.ip_interface_brief(view)
    rows = parse(("show ip interface brief", "sh ip int br"), text, 25)
    assert rows[0] == {"interface": "Vlan99", "ip_address": "10.10.99.3", "status": "up", "proto": "up"}
    words = {"connected": ("up", "up"), "disabled": ("administratively down", "down")}
    for r in rows[1:]:
        assert r["ip_address"] == "unassigned"
        assert (r["status"], r["proto"]) == words.get(view.ports[r["interface"]].link, ("down", "down"))
    assert text.splitlines()[1] == "Vlan99                 10.10.99.3      YES NVRAM  up                    up"
    assert lines_of(text, "ge6 ")[0] == "ge6                    unassigned      YES unset  administratively down down"


# --- addresses and neighbours -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "command"),
    [
        ({}, "show mac address-table"),
        ({"dynamic_only": True}, "show mac address-table dynamic"),
        ({"interface": "ge24"}, "sh mac address-table interface ge24"),
        ({"vlan": 10}, "show mac address-table vlan 10"),
        ({"dynamic_only": True, "vlan": 10}, "show mac address-table dynamic vlan 10"),
        ({"vlan": 30}, "show mac address-table vlan 30"),
    ],
)
def test_mac_address_table(view: SwitchView, options: dict[str, Any], command: str) -> None:
    expected = [
        e
        for e in view.macs
        if (not options.get("dynamic_only") or e.kind == "DYNAMIC")
        and options.get("interface", e.port) == e.port
        and options.get("vlan", e.vlan) == e.vlan
    ]
    text = show.mac_address_table(view, **options)
    rows = parse((command,), text, len(expected))
    assert sorted((int(r["vlan_id"]), r["destination_address"], r["type"], r["destination_port"]) for r in rows) == sorted(
        (e.vlan, e.mac, e.kind, [e.port]) for e in expected
    )
    assert text.splitlines()[-1] == f"Total Mac Addresses for this criterion: {len(expected)}"
    assert text.splitlines()[:5] == [
        "          Mac Address Table",
        "-------------------------------------------",
        "",
        "Vlan    Mac Address       Type        Ports",
        "----    -----------       --------    -----",
    ]


def test_lldp_neighbors(view: SwitchView) -> None:
    text = show.lldp_neighbors(view)
    rows = parse(("show lldp neighbors", "sh lldp neig"), text, len(view.neighbors))
    got = {r["local_interface"]: (r["neighbor_name"], r["capabilities"], r["neighbor_interface"]) for r in rows}
    assert got == {
        "ge24": ("sw-core", "B", "ge1"),
        "ge16": ("rt-edge", "R,B", "lan0"),
        "ge17": ("SEP0004F2AA1717", "S,T", "Port 1"),
        "ge23": ("ap-etage1", "B", "eth0"),
        "ge2": (WORKSTATION[:20], "S", "eth0"),  # IOS cuts the name at its column's width
    }
    assert f"Total entries displayed: {len(view.neighbors)}" in text.splitlines()


def test_cdp_neighbors(view: SwitchView) -> None:
    text = show.cdp_neighbors(view)
    rows = parse(("show cdp neighbors", "sh cdp neig"), text, len(view.neighbors))
    got = {r["neighbor_name"]: (r["local_interface"], r["capabilities"], r["platform"], r["neighbor_interface"]) for r in rows}
    assert got == {
        "sw-core": ("ge24", "S I", "WS-C3850-", "ge1"),
        "rt-edge": ("ge16", "R S I", "Linux-rou", "lan0"),
        "SEP0004F2AA1717": ("ge17", "H P", "IP Phone", "Port 1"),
        "ap-etage1": ("ge23", "T", "OL-AIR-AP", "eth0"),
        WORKSTATION: ("ge2", "H", "Linux", "eth0"),  # whole: on a line of its own, the rest of the entry below
    }
    lines = text.splitlines()
    below = lines[lines.index(WORKSTATION) + 1]
    assert below.startswith(" " * 17 + "ge2 ")


# --- port security ----------------------------------------------------------------------------------------------


def test_port_security_summary(view: SwitchView) -> None:
    lines = show.port_security(view).splitlines()
    assert lines[0] == "Secure Port  MaxSecureAddr  CurrentAddr  SecurityViolation  Security Action"
    assert [line.split() for line in lines[3:5]] == [["ge1", "2", "1", "0", "Shutdown"], ["ge5", "1", "1", "1", "Shutdown"]]
    assert lines[5] == "-" * 75
    assert lines[6:] == [
        "Total Addresses in System (excluding one mac per port)     : 0",
        "Max Addresses limit in System (excluding one mac per port) : 4096",
    ]


@pytest.mark.parametrize(
    ("port", "expected"),
    [
        (
            "ge5",
            {
                "port_security": "Enabled",
                "port_status": "Secure-shutdown",
                "violation_mode": "Shutdown",
                "max_mac_addrs": "1",
                "total_mac_addrs": "1",
                "config_mac_addrs": "1",
                "sticky_mac_addrs": "0",
                "last_src_mac_addr_vlan": "0050.56bb.0666:10",
                "violation_count": "1",
            },
        ),
        (
            "ge1",
            {
                "port_security": "Enabled",
                "port_status": "Secure-up",
                "violation_mode": "Shutdown",
                "max_mac_addrs": "2",
                "total_mac_addrs": "1",
                "config_mac_addrs": "0",
                "sticky_mac_addrs": "1",
                "last_src_mac_addr_vlan": "0000.0000.0000:0",
                "violation_count": "0",
            },
        ),
        (
            "ge3",
            {
                "port_security": "Disabled",
                "port_status": "Secure-down",
                "violation_mode": "Shutdown",
                "max_mac_addrs": "1",
                "total_mac_addrs": "0",
                "config_mac_addrs": "0",
                "sticky_mac_addrs": "0",
                "last_src_mac_addr_vlan": "0000.0000.0000:0",
                "violation_count": "0",
            },
        ),
    ],
)
def test_port_security_interface(view: SwitchView, port: str, expected: dict[str, str]) -> None:
    [row] = parse((f"show port-security interface {port}", f"sh por i {port}"), show.port_security(view, port), 1)
    assert row == expected | {"aging_time": "0 mins", "aging_type": "Absolute", "ss_addr_aging": "Disabled"}


def test_port_security_restrict_and_unknown_port(view: SwitchView) -> None:
    view.config.interfaces["ge2"].security = PortSecurity(enabled=True, violation="restrict")
    [row] = parse(("show port-security interface ge2",), show.port_security(view, "ge2"), 1)
    assert (row["violation_mode"], row["port_status"]) == ("Restrict", "Secure-up")
    with pytest.raises(KeyError):
        show.port_security(view, "ge99")


# --- system -----------------------------------------------------------------------------------------------------


def test_logging(view: SwitchView) -> None:
    text = show.logging(view)
    rows = parse(("show logging", "sh log"), text, len(view.logs))
    for r, entry in zip(rows, view.logs, strict=True):
        assert (r["facility"], r["severity"], r["mnemonic"]) == (entry.facility, str(entry.severity), entry.mnemonic)
        assert r["message"] == [entry.text]
        assert (r["month"], int(r["day"]), r["time"]) == (entry.time.strftime("%b"), entry.time.day, entry.line()[8:20])
    assert text.splitlines()[0].startswith("Syslog logging: enabled")
    assert "Log Buffer (8192 bytes):" in text.splitlines()


def test_clock(view: SwitchView) -> None:
    assert show.clock(view) == "*10:21:04.123 UTC Tue Dec 1 2026"
    [row] = parse(("show clock", "sh clo"), show.clock(view), 1)
    assert row == {"time": "10:21:04.123", "timezone": "UTC", "dayweek": "Tue", "month": "Dec", "day": "1", "year": "2026"}
    view.now = datetime(2026, 12, 1, 11, 21, 4, 5000, tzinfo=timezone(timedelta(hours=1)))  # an offset with no zone name
    assert show.clock(view) == "*10:21:04.005 UTC Tue Dec 1 2026"


def test_users(view: SwitchView) -> None:
    rows = parse(("show users",), show.users(view), 2)
    assert rows == [
        {"line": "*  1 vty 0", "user": "admin", "hosts": "idle", "idle": "00:00:00", "location": "10.10.99.50"},
        {"line": "2 vty 1", "user": "tech", "hosts": "idle", "idle": "00:05:12", "location": "10.10.99.51"},
    ]


def test_users_console_and_long_idle(view: SwitchView) -> None:
    view.sessions = [SessionInfo("con 0", "admin", "", 93784.0), SessionInfo("vty 4", "tech", "10.10.99.51", 700000.0, current=True)]
    rows = parse(("show users",), show.users(view), 2)
    assert [(r["line"], r["idle"], r["location"]) for r in rows] == [("0 con 0", "1d02h", ""), ("*  5 vty 4", "1w1d", "10.10.99.51")]


# --- show interfaces switchport ---------------------------------------------------------------------------------


def switchport_row(view: SwitchView, name: str) -> dict[str, Any]:
    commands = (f"show interfaces {name} switchport", f"sh int {name} sw")
    [row] = parse(commands, show.interfaces_switchport(view, name), 1)
    return row


def test_interfaces_switchport_access_port(view: SwitchView) -> None:
    row = switchport_row(view, "ge3")
    assert (row["interface"], row["switchport"], row["admin_mode"], row["mode"]) == ("ge3", "Enabled", "static access", "static access")
    assert (row["access_vlan"], row["native_vlan"], row["voice_vlan"]) == ("10", "1", "none")
    assert (row["switchport_negotiation"], row["trunking_vlans"]) == ("Off", ["ALL"])
    lines = show.interfaces_switchport(view, "ge3").splitlines()
    assert lines[:9] == [
        "Name: ge3",
        "Switchport: Enabled",
        "Administrative Mode: static access",
        "Operational Mode: static access",
        "Administrative Trunking Encapsulation: dot1q",
        "Operational Trunking Encapsulation: native",
        "Negotiation of Trunking: Off",
        "Access Mode VLAN: 10 (users)",
        "Trunking Native Mode VLAN: 1 (default)",
    ]
    assert show.interfaces_switchport(view, "ge3").endswith(
        "\nProtected: false\nUnknown unicast blocked: disabled\nUnknown multicast blocked: disabled\nAppliance trust: none\n"
    )


def test_interfaces_switchport_trunk(view: SwitchView) -> None:
    row = switchport_row(view, "ge23")
    assert (row["admin_mode"], row["mode"], row["access_vlan"], row["native_vlan"]) == ("trunk", "trunk", "1", "99")
    assert row["trunking_vlans"] == ["10", "50", "99"]
    text = show.interfaces_switchport(view, "ge23")
    assert "Trunking Native Mode VLAN: 99 (mgmt)" in text.splitlines()
    assert "Operational Trunking Encapsulation: dot1q" in text.splitlines()
    assert "Trunking VLANs Enabled: 10,50,99" in text.splitlines()


def test_interfaces_switchport_trunk_all_none_and_ranges(view: SwitchView) -> None:
    view.config.interfaces["ge24"].trunk_allowed = None
    assert switchport_row(view, "ge24")["trunking_vlans"] == ["ALL"]
    view.config.interfaces["ge24"].trunk_allowed = []
    assert switchport_row(view, "ge24")["trunking_vlans"] == ["NONE"]
    view.config.interfaces["ge24"].trunk_allowed = [10, 11, 12, 13, 20, 99]
    assert switchport_row(view, "ge24")["trunking_vlans"] == ["10-13", "20", "99"]


def test_interfaces_switchport_long_vlan_list_wraps_as_ios(view: SwitchView) -> None:
    """The list of ntc-templates' own sample, cut after the same comma as the Catalyst it was taken from."""
    vids = "1,12,15,31-36,40-42,80,85,101,201,240,410,420,602,604,900,910,920,930,940"
    view.config.interfaces["ge24"].trunk_allowed = sorted({vlan for part in vids.split(",") for vlan in _expand(part)})
    text = show.interfaces_switchport(view, "ge24")
    assert lines_of(text, "Trunking VLANs Enabled")[0] == "Trunking VLANs Enabled: 1,12,15,31-36,40-42,80,85,101,201,240,410,420,602,604,"
    assert lines_of(text, "     ") == ["     900,910,920,930,940"]
    assert switchport_row(view, "ge24")["trunking_vlans"] == vids.split(",")
    view.config.interfaces["ge24"].trunk_allowed = list(range(100, 300, 5))
    text = show.interfaces_switchport(view, "ge24")
    assert len(lines_of(text, "     ")) == 2
    assert all(len(line) <= 80 for line in text.splitlines())
    assert switchport_row(view, "ge24")["trunking_vlans"] == [str(v) for v in range(100, 300, 5)]


def _expand(part: str) -> range:
    first, _, last = part.partition("-")
    return range(int(first), int(last or first) + 1)


@pytest.mark.parametrize(("port", "mode"), [("ge5", "down"), ("ge6", "down"), ("ge7", "down"), ("ge24", "trunk")])
def test_interfaces_switchport_operational_mode(view: SwitchView, port: str, mode: str) -> None:
    row = switchport_row(view, port)
    assert row["mode"] == mode
    has_operational_encapsulation = "Operational Trunking Encapsulation" in show.interfaces_switchport(view, port)
    assert has_operational_encapsulation == (mode != "down")


def test_interfaces_switchport_inactive_vlan(view: SwitchView) -> None:
    assert "Access Mode VLAN: 60 (Inactive)" in show.interfaces_switchport(view, "ge22").splitlines()
    assert switchport_row(view, "ge22")["access_vlan"] == "60"


def test_interfaces_switchport_every_port(view: SwitchView) -> None:
    rows = parse(("show interfaces switchport", "sh int sw"), show.interfaces_switchport(view), len(view.ports))
    assert [r["interface"] for r in rows] == sorted(view.ports, key=lambda p: int(p[2:]))
    for r in rows:
        cfg = view.config.interfaces[r["interface"]]
        assert r["admin_mode"] == ("trunk" if cfg.mode == "trunk" else "static access")
        assert (r["access_vlan"], r["native_vlan"]) == (str(cfg.access_vlan), str(cfg.native_vlan))
    with pytest.raises(KeyError):
        show.interfaces_switchport(view, "ge99")
