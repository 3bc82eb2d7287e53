"""Validation of the DHCP scopes: inside their VLAN, not overlapping, covering no fixed address."""

from __future__ import annotations

from bisect import bisect_right
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from officelab.site.model import Vlan
from officelab.site.validate import Validation

if TYPE_CHECKING:
    from officelab.domains.network.validate import _Segments


def _dhcp(v: Validation, segments: _Segments) -> None:
    topo = v.topo
    servers = [n for n in v.site.nodes if n.services.dhcp is not None]
    scopes = [(k, vlan) for k, vlan in enumerate(v.site.vlans) if vlan.dhcp is not None]
    served = {
        segment.vlan
        for s in servers
        for name, _, _ in topo.l3_interfaces(s)
        if (segment := segments.of.get((s.name, name))) is not None and segment.vlan is not None
    }
    _scope_overlaps(v, scopes)
    _scopes_cover_fixed(v, scopes)
    for k, vlan in scopes:
        scope = vlan.dhcp
        assert scope is not None
        path: tuple[str | int, ...] = ("vlans", k, "dhcp")
        for end in ("start", "end"):
            address = getattr(scope, end)
            if not _usable(address, vlan.subnet):
                v.add((*path, end), f"{address} is not a usable address of {vlan.subnet}", f"the scope must lie inside {vlan.subnet}")
        if vlan.gateway is not None and int(scope.start) <= int(vlan.gateway) <= int(scope.end):
            v.add(
                (*path, "start"),
                f"the scope {scope.start}–{scope.end} contains the gateway {vlan.gateway}",
                "start the scope after the static addresses",
            )
        for m, res in enumerate(scope.reservations):
            if res.address not in vlan.subnet:
                v.add((*path, "reservations", m, "address"), f"{res.address} is not in {vlan.subnet}", "")
        if not servers:
            v.add(
                path,
                f"VLAN {vlan.name} has a DHCP scope but no node runs a DHCP server",
                "add `services: {dhcp: {}}` to the router or a server",
            )
            continue
        if vlan.id not in served:
            v.add(
                path,
                f"no DHCP server has an interface in VLAN {vlan.name}",
                "run the DHCP server on the router that routes this VLAN (DHCP relay is not supported yet)",
            )


MAX_REPORTED = 100
"""Overlapping scopes reported at most (each pair is a problem; past this many, the file needs rewriting anyway)."""


def _scope_overlaps(v: Validation, scopes: list[tuple[int, Vlan]]) -> None:
    """Each scope that shares addresses with a scope declared before it (a sweep over the scopes by start)."""
    ranges = sorted((int(vlan.dhcp.start), int(vlan.dhcp.end), k) for k, vlan in scopes if vlan.dhcp is not None)
    active: list[tuple[int, int]] = []  # (end, index) of the scopes started so far and not yet ended
    pairs: list[tuple[int, int]] = []
    for start, end, k in ranges:
        active = [(e, j) for e, j in active if e >= start]
        pairs += [(max(j, k), min(j, k)) for _, j in active][: MAX_REPORTED - len(pairs)]
        if len(pairs) >= MAX_REPORTED:
            break
        active.append((end, k))
    for later, earlier in sorted(pairs):
        other = v.site.vlans[earlier]
        v.add(
            ("vlans", later, "dhcp", "start"),
            f"scope overlaps the scope of VLAN {other.id} ({other.name})",
            "DHCP scopes must not share addresses",
        )


def _scopes_cover_fixed(v: Validation, scopes: list[tuple[int, Vlan]]) -> None:
    """A static address, a management address or a DHCP reservation inside a VLAN's dynamic range: the DHCP
    server may lease it to another device, and both then answer for one address."""
    ranges = sorted((int(vlan.dhcp.start), int(vlan.dhcp.end), k) for k, vlan in scopes if vlan.dhcp is not None)
    starts = [start for start, _, _ in ranges]
    fixed: list[tuple[IPv4Address, str, tuple[str | int, ...]]] = []
    for i, node in enumerate(v.site.nodes):
        for j, iface in enumerate(node.interfaces):
            path: tuple[str | int, ...] = ("nodes", i, "interfaces", j)
            if iface.address is not None:
                fixed.append((iface.address.ip, f"the static address of {node.name}:{iface.name}", (*path, "address")))
            if iface.reserve is not None:
                fixed.append((iface.reserve, f"the reservation of {node.name}:{iface.name}", (*path, "reserve")))
        if node.management is not None:
            fixed.append((node.management.address.ip, f"the management address of {node.name}", ("nodes", i, "management", "address")))
    for k, vlan in scopes:
        for m, res in enumerate(vlan.dhcp.reservations if vlan.dhcp else []):
            fixed.append((res.address, f"the reservation for {res.mac}", ("vlans", k, "dhcp", "reservations", m, "address")))
    for address, what, path in fixed:
        at = bisect_right(starts, int(address)) - 1
        if at < 0:
            continue
        start, end, k = ranges[at]
        vlan = v.site.vlans[k]
        if int(address) <= end and address in vlan.subnet:
            span = f"{IPv4Address(start)}–{IPv4Address(end)}"
            v.add(
                path,
                f"{address} ({what}) is inside the DHCP scope {span} of VLAN {vlan.id} ({vlan.name})",
                f"the DHCP server could lease it to another device: use an address outside {span}, or shrink the scope",
            )


def _usable(address: IPv4Address, net: IPv4Network) -> bool:
    if address not in net:
        return False
    return net.prefixlen >= 31 or address not in (net.network_address, net.broadcast_address)
