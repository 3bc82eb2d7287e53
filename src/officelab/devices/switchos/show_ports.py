"""The ``show`` commands about ports and what is on them: interfaces, status, trunks, switchport, addresses, MAC
table, LLDP/CDP neighbours, port security; laid out as IOS prints them (see `officelab.devices.switchos.show`)."""

from __future__ import annotations

import re

from officelab.devices.switchos.config import InterfaceConfig, vlan_list
from officelab.devices.switchos.showtext import (
    MEDIA,
    columns,
    config_of,
    hms,
    port_name,
    port_names,
    status_words,
    svi_vid,
)
from officelab.devices.switchos.state import Counters, MacEntry, SecureState, SwitchView


def _allowed(port: InterfaceConfig) -> list[int]:
    return list(range(1, 4095)) if port.trunk_allowed is None else sorted(port.trunk_allowed)


def interfaces_trunk(view: SwitchView) -> str:
    """``show interfaces trunk``: the operational trunks only (a trunk port whose link is down is not listed)."""
    trunks = [p for p in port_names(view) if config_of(view, p).mode == "trunk" and view.ports[p].link == "connected"]
    if not trunks:
        return ""
    widths = (12, 17, 15, 14)
    lines = ["", columns(widths, "Port", "Mode", "Encapsulation", "Status", "Native vlan")]
    lines += [columns(widths, p, "on", "802.1q", "trunking", config_of(view, p).native_vlan) for p in trunks]
    active = {p: [v for v in _allowed(config_of(view, p)) if v in view.config.vlans] for p in trunks}
    sections = (
        ("Vlans allowed on trunk", {p: _allowed(config_of(view, p)) for p in trunks}),
        ("Vlans allowed and active in management domain", active),
        ("Vlans in spanning tree forwarding state and not pruned", active),  # no STP blocking, no VTP pruning here
    )
    for title, vids in sections:
        lines += ["", columns((12,), "Port", title), *(columns((12,), p, vlan_list(vids[p]) or "none") for p in trunks)]
    return "\n".join([*lines, ""])


def _vlan_words(view: SwitchView, vid: int) -> str:
    """``10 (users)``, or ``60 (Inactive)`` for a VLAN that does not exist."""
    return f"{vid} ({view.config.vlans[vid]})" if vid in view.config.vlans else f"{vid} (Inactive)"


def _wrapped_list(head: str, text: str, width: int = 80) -> list[str]:
    """``head`` and a comma-separated list, cut after a comma when a line would pass ``width`` (the comma
    included), the rest on lines indented by five spaces: how IOS writes a long ``Trunking VLANs Enabled``."""
    first, *items = text.split(",")
    lines = [head + first]
    for item in items:
        if len(lines[-1]) + len(item) + 2 <= width:
            lines[-1] += "," + item
        else:
            lines[-1] += ","
            lines.append("     " + item)
    return lines


_PRIVATE_VLAN = [
    "Administrative private-vlan host-association: none",
    "Administrative private-vlan mapping: none",
    "Administrative private-vlan trunk native VLAN: none",
    "Administrative private-vlan trunk Native VLAN tagging: enabled",
    "Administrative private-vlan trunk encapsulation: dot1q",
    "Administrative private-vlan trunk normal VLANs: none",
    "Administrative private-vlan trunk associations: none",
    "Administrative private-vlan trunk mappings: none",
    "Operational private-vlan: none",
]


def _switchport_block(view: SwitchView, name: str) -> list[str]:
    cfg, up = config_of(view, name), view.ports[name].link == "connected"
    trunk = cfg.mode == "trunk"
    admin = "trunk" if trunk else "static access"
    allowed = "ALL" if cfg.trunk_allowed is None else vlan_list(cfg.trunk_allowed) or "NONE"
    return [
        f"Name: {name}",
        "Switchport: Enabled",
        f"Administrative Mode: {admin}",
        f"Operational Mode: {admin if up else 'down'}",  # a port that is not up has no operational mode
        "Administrative Trunking Encapsulation: dot1q",
        *([f"Operational Trunking Encapsulation: {'dot1q' if trunk else 'native'}"] if up else []),
        "Negotiation of Trunking: Off",
        f"Access Mode VLAN: {_vlan_words(view, cfg.access_vlan)}",
        f"Trunking Native Mode VLAN: {_vlan_words(view, cfg.native_vlan)}",
        "Administrative Native VLAN tagging: enabled",
        "Voice VLAN: none",
        *_PRIVATE_VLAN,
        *_wrapped_list("Trunking VLANs Enabled: ", allowed),
        "Pruning VLANs Enabled: 2-1001",
        "Capture Mode Disabled",
        "Capture VLANs Allowed: ALL",
        "",
        "Protected: false",
        "Unknown unicast blocked: disabled",
        "Unknown multicast blocked: disabled",
        "Appliance trust: none",
    ]


def interfaces_switchport(view: SwitchView, name: str | None = None) -> str:
    """``show interfaces [X] switchport``: each port's administrative and operational VLAN settings, a blank line
    after each port. KeyError for an unknown port."""
    names = port_names(view) if name is None else [port_name(view, name)]
    return "\n".join(line for port in names for line in [*_switchport_block(view, port), ""])


# --- interfaces -------------------------------------------------------------------------------------------------


def interfaces_status(view: SwitchView, only_err_disabled: bool = False) -> str:
    """``show interfaces status`` (or ``… err-disabled``, with the reason instead of the VLAN and speed)."""
    widths = (10, 19, 13)
    if only_err_disabled:
        lines = ["", columns((*widths, 21), "Port", "Name", "Status", "Reason", "Err-disabled Vlans")]
        for p in port_names(view):
            if view.ports[p].link == "err-disabled":
                lines.append(columns(widths, p, config_of(view, p).description[:18], "err-disabled", view.ports[p].err_reason or "unknown"))
        return "\n".join(lines)
    lines = ["", columns((*widths, 11), "Port", "Name", "Status", "Vlan", "Duplex  Speed Type")]
    for p in port_names(view):
        cfg, link = config_of(view, p), view.ports[p].link
        duplex, speed = ("a-full", "a-1000") if link == "connected" else ("auto", "auto")
        vid = "trunk" if cfg.mode == "trunk" else cfg.access_vlan
        lines.append(columns((*widths, 11), p, cfg.description[:18], link, vid, f"{duplex:>6} {speed:>6} {MEDIA}"))
    return "\n".join(lines)


def _interface_lines(head: str, hardware: str, mac: str, details: list[str], c: Counters, physical: bool) -> list[str]:
    """``show interfaces`` for one interface: ``details`` go between the address and the counters."""
    ports_only = [
        f"     0 watchdog, {c.multicast} multicast, 0 pause input",
        "     0 input packets with dribble condition detected",
    ]
    return [
        head,
        f"  Hardware is {hardware}, address is {mac} (bia {mac})",
        *details,
        '  Last clearing of "show interface" counters never',
        f"  Input queue: 0/75/{c.rx_dropped}/0 (size/max/drops/flushes); Total output drops: {c.tx_dropped}",
        "  Queueing strategy: fifo",
        "  Output queue: 0/40 (size/max)",
        "  5 minute input rate 0 bits/sec, 0 packets/sec",
        "  5 minute output rate 0 bits/sec, 0 packets/sec",
        f"     {c.rx_packets} packets input, {c.rx_bytes} bytes, 0 no buffer",
        f"     Received 0 broadcasts ({c.multicast} {'' if physical else 'IP '}multicasts)",
        "     0 runts, 0 giants, 0 throttles",
        f"     {c.rx_errors} input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
        *(ports_only if physical else []),
        f"     {c.tx_packets} packets output, {c.tx_bytes} bytes, 0 underruns",
        f"     {c.tx_errors} output errors, {f'{c.collisions} collisions, ' if physical else ''}0 interface resets",
        "     0 unknown protocol drops",
        *(["     0 babbles, 0 late collision, 0 deferred", "     0 lost carrier, 0 no carrier, 0 pause output"] if physical else []),
        "     0 output buffer failures, 0 output buffers swapped out",
    ]


def _mtu_lines(mtu: int, bw: str, dly: str) -> list[str]:
    return [
        f"  MTU {mtu} bytes, BW {bw} Kbit/sec, DLY {dly} usec, ",
        "     reliability 255/255, txload 1/255, rxload 1/255",
        "  Encapsulation ARPA, loopback not set",
    ]


def _port_block(view: SwitchView, name: str) -> list[str]:
    status, cfg = view.ports[name], config_of(view, name)
    line, proto = status_words(status.link)
    up, c = status.link == "connected", status.counters
    # Traffic flows on a connected port; a port that is down last saw some when its link went down.
    seen = [("00:00:00" if up else hms(status.last_change)) if n else "never" for n in (c.rx_packets, c.tx_packets)]
    details = [
        *([f"  Description: {cfg.description}"] if cfg.description else []),
        *_mtu_lines(status.mtu, *(("1000000", "10") if up else ("10000", "1000"))),  # a port down reports its lowest speed
        "  Keepalive set (10 sec)",
        f"  {'Full-duplex, 1000Mb/s' if up else 'Auto-duplex, Auto-speed'}, media type is {MEDIA}",
        "  input flow-control is off, output flow-control is unsupported",
        "  ARP type: ARPA, ARP Timeout 04:00:00",
        f"  Last input {seen[0]}, output {seen[1]}, output hang never",
    ]
    head = f"{name} is {line}, line protocol is {proto} ({status.link})"
    return _interface_lines(head, "Gigabit Ethernet", status.mac, details, c, physical=True)


def _svi_words(view: SwitchView, vid: int) -> tuple[str, str]:
    if view.config.svis[vid].shutdown:
        return "administratively down", "down"
    return "up", "up" if view.svi_up else "down"


def _svi_block(view: SwitchView, vid: int) -> list[str]:
    svi = view.config.svis[vid]
    details = [
        *([f"  Internet address is {svi.address}"] if svi.address else []),
        *_mtu_lines(1500, "1000000", "10"),
        "  Keepalive not supported",
        "  ARP type: ARPA, ARP Timeout 04:00:00",
        "  Last input never, output never, output hang never",
    ]
    line, proto = _svi_words(view, vid)
    head = f"Vlan{vid} is {line}, line protocol is {proto}"
    return _interface_lines(head, "EtherSVI", view.svi_mac or view.base_mac, details, Counters(), physical=False)


def interfaces(view: SwitchView, name: str | None = None) -> str:
    """``show interfaces [X]``: the SVIs, then the ports (IOS's order). KeyError for an unknown interface."""
    vid = svi_vid(name) if name else None
    if name is None:
        blocks = [_svi_block(view, v) for v in sorted(view.config.svis)] + [_port_block(view, p) for p in port_names(view)]
    elif vid is not None:
        if vid not in view.config.svis:
            raise KeyError(name)
        blocks = [_svi_block(view, vid)]
    else:
        blocks = [_port_block(view, port_name(view, name))]
    return "\n".join(line for block in blocks for line in block)


def ip_interface_brief(view: SwitchView) -> str:
    """``show ip interface brief``: the SVIs (with the switch's address), then every port."""
    widths = (23, 16, 4, 7, 22)
    lines = [columns(widths, "Interface", "IP-Address", "OK?", "Method", "Status", "Protocol")]
    method = "NVRAM" if view.startup_bytes else "manual"  # an address read from the saved file, else typed
    for vid in sorted(view.config.svis):
        svi = view.config.svis[vid]
        ip = svi.address.partition("/")[0] if svi.address else "unassigned"
        lines.append(columns(widths, f"Vlan{vid}", ip, "YES", method if svi.address else "unset", *_svi_words(view, vid)))
    lines += [columns(widths, p, "unassigned", "YES", "unset", *status_words(view.ports[p].link)) for p in port_names(view)]
    return "\n".join(lines)


# --- addresses and neighbours -----------------------------------------------------------------------------------


def mac_address_table(view: SwitchView, dynamic_only: bool = False, interface: str | None = None, vlan: int | None = None) -> str:
    """``show mac address-table [dynamic] [interface X] [vlan N]``."""

    def wanted(e: MacEntry) -> bool:
        kind_ok = not dynamic_only or e.kind == "DYNAMIC"
        return kind_ok and (interface is None or e.port.lower() == interface.lower()) and (vlan is None or e.vlan == vlan)

    entries = sorted(filter(wanted, view.macs), key=lambda e: (e.vlan, e.mac))
    widths = (8, 18, 12)
    return "\n".join(
        [
            "          Mac Address Table",
            "-" * 43,
            "",
            columns(widths, "Vlan", "Mac Address", "Type", "Ports"),
            columns(widths, "----", "-----------", "--------", "-----"),
            *(columns(widths, f"{e.vlan:>4}", e.mac, e.kind, e.port) for e in entries),
            f"Total Mac Addresses for this criterion: {len(entries)}",
        ]
    )


# The view holds CDP's letters ("S I", "H P"); LLDP has its own codes: a switch or a trans-bridge (an access point)
# is a Bridge, a host a Station, a phone a Telephone; IGMP has no LLDP code.
_LLDP_CODES = {"R": "R", "S": "B", "T": "B", "B": "B", "H": "S", "P": "T", "r": "P"}


def lldp_neighbors(view: SwitchView) -> str:
    """``show lldp neighbors``: a Device ID longer than its 20 columns is cut there, as IOS does."""
    widths = (20, 15, 11, 16)
    lines = [
        "Capability codes:",
        "    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
        "    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
        "",
        columns(widths, "Device ID", "Local Intf", "Hold-time", "Capability", "Port ID"),
    ]
    for n in view.neighbors:
        codes = ",".join(dict.fromkeys(_LLDP_CODES[c] for c in n.capability if c in _LLDP_CODES))
        # The name fills its column exactly, with no space before the local port: that is how IOS prints it.
        lines.append(n.device[:20].ljust(20) + columns(widths[1:], n.local_port, 120, codes, n.remote_port))
    return "\n".join([*lines, "", f"Total entries displayed: {len(view.neighbors)}", ""])


def cdp_neighbors(view: SwitchView) -> str:
    """``show cdp neighbors``: a Device ID longer than 16 characters gets a line of its own, the rest below it."""
    widths = (17, 18, 11)
    lines = [
        "Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge",
        "                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone,",
        "                  D - Remote, C - CVTA, M - Two-port Mac Relay",
        "",
        columns(widths, "Device ID", "Local Intrfce", "Holdtme", "Capability  Platform  Port ID"),
    ]
    for n in view.neighbors:
        codes = " ".join(dict.fromkeys(c for c in n.capability if c.isalpha()))
        # IOS shows the platform without its "cisco " prefix, cut to 9 characters.
        platform = re.sub(r"(?i)^cisco\s+", "", n.platform)[:9].rstrip()
        device = n.device
        if len(device) > 16:
            lines.append(device)
            device = ""
        lines.append(columns(widths, device, n.local_port, 150, f"{codes:>9}   {platform:<9} {n.remote_port}"))
    return "\n".join([*lines, "", f"Total cdp entries displayed : {len(view.neighbors)}"])


# --- port security ----------------------------------------------------------------------------------------------


def _secure_counts(view: SwitchView, name: str) -> tuple[int, int, int]:
    """Total, configured and sticky secure addresses of a port."""
    sec = config_of(view, name).security
    if not sec.enabled:
        return 0, 0, 0
    addresses = view.secure.get(name, SecureState()).addresses
    total = len(set(addresses) | set(sec.macs))
    return total, (0 if sec.sticky else len(sec.macs)), (len(sec.macs) if sec.sticky else 0)


def port_security(view: SwitchView, interface: str | None = None) -> str:
    """``show port-security`` (the ports that have it), or ``show port-security interface X`` (KeyError if unknown)."""
    if interface is None:
        rule = "-" * 75
        lines = [
            "Secure Port  MaxSecureAddr  CurrentAddr  SecurityViolation  Security Action",
            "                (Count)       (Count)          (Count)",
            rule,
        ]
        extra = 0
        for p in port_names(view):
            sec = config_of(view, p).security
            if sec.enabled:
                total = _secure_counts(view, p)[0]
                extra += max(0, total - 1)
                violations = view.secure.get(p, SecureState()).violations
                lines.append(f"{p:>11}{sec.maximum:>15}{total:>13}{violations:>19}{sec.violation.capitalize():>17}")
        return "\n".join(
            [
                *lines,
                rule,
                f"Total Addresses in System (excluding one mac per port)     : {extra}",
                "Max Addresses limit in System (excluding one mac per port) : 4096",
            ]
        )
    name = port_name(view, interface)
    sec, status, state = config_of(view, name).security, view.ports[name], view.secure.get(name, SecureState())
    if sec.enabled and status.link == "err-disabled" and status.err_reason in ("", "psecure-violation"):
        port_status = "Secure-shutdown"
    else:
        port_status = "Secure-up" if sec.enabled and status.link == "connected" else "Secure-down"
    total, configured, sticky = _secure_counts(view, name)
    fields = [
        ("Port Security", "Enabled" if sec.enabled else "Disabled"),
        ("Port Status", port_status),
        ("Violation Mode", sec.violation.capitalize()),
        ("Aging Time", "0 mins"),
        ("Aging Type", "Absolute"),
        ("SecureStatic Address Aging", "Disabled"),
        ("Maximum MAC Addresses", sec.maximum),
        ("Total MAC Addresses", total),
        ("Configured MAC Addresses", configured),
        ("Sticky MAC Addresses", sticky),
        ("Last Source Address:Vlan", state.last_source or "0000.0000.0000:0"),
        ("Security Violation Count", state.violations),
    ]
    return "\n".join(f"{label:<27}: {value}" for label, value in fields)


# --- system -----------------------------------------------------------------------------------------------------
