"""Validation of the addresses of the emulated internet: only 198.51.100.0/24 and 203.0.113.0/24."""

from __future__ import annotations

from ipaddress import IPv4Interface, IPv4Network
from typing import TYPE_CHECKING

from officelab.site.model import Interface, Node
from officelab.site.validate import Validation

if TYPE_CHECKING:
    from officelab.domains.network.validate import _Segments


PUBLIC_RANGES = (IPv4Network("198.51.100.0/24"), IPv4Network("203.0.113.0/24"))
"""The only addresses of the emulated internet (documentation ranges that no real host uses)."""


NOT_PUBLIC = (
    (IPv4Network("10.0.0.0/8"), "a private address (RFC 1918)"),
    (IPv4Network("172.16.0.0/12"), "a private address (RFC 1918)"),
    (IPv4Network("192.168.0.0/16"), "a private address (RFC 1918)"),
    (IPv4Network("100.64.0.0/10"), "a carrier-grade NAT address (100.64.0.0/10, RFC 6598)"),
    (IPv4Network("127.0.0.0/8"), "a loopback address"),
    (IPv4Network("169.254.0.0/16"), "a link-local address"),
    (IPv4Network("0.0.0.0/8"), "in 0.0.0.0/8 ('this network')"),
    (IPv4Network("192.0.0.0/24"), "in 192.0.0.0/24 (IETF protocol assignments)"),
    (IPv4Network("198.18.0.0/15"), "in 198.18.0.0/15 (benchmarking, RFC 2544)"),
    (IPv4Network("224.0.0.0/4"), "a multicast address"),
    (IPv4Network("240.0.0.0/4"), "a reserved address (240.0.0.0/4)"),
)
"""Why an address cannot be a public address of the emulated internet, by range."""


def _public(v: Validation, segments: _Segments) -> None:
    """The emulated internet and the WAN side of the site's routers use only the public documentation ranges."""
    for i, node in enumerate(v.site.nodes):
        for j, iface in enumerate(node.interfaces):
            if iface.address is None:
                continue
            if node.kind.on_internet:
                where = f"{node.name} is on the emulated internet ({node.kind})"
            elif node.kind.site_router and not iface.vlans and _faces_internet(v, segments, node, iface):
                where = f"{node.name}:{iface.name} is the router's WAN side, facing the emulated internet"
            else:
                continue
            reason = _not_public(iface.address)
            if reason:
                v.add(
                    ("nodes", i, "interfaces", j, "address"),
                    f"{iface.address} is {reason}, but {where}",
                    "public addresses are only in 198.51.100.0/24 and 203.0.113.0/24 (documentation ranges no real host uses), "
                    "e.g. 203.0.113.10/24",
                )


def _faces_internet(v: Validation, segments: _Segments, node: Node, iface: Interface) -> bool:
    segment = segments.of.get((node.name, iface.name))
    return segment is not None and any(v.topo.nodes[other].kind.on_internet for other, _ in segment.members if other != node.name)


def _not_public(address: IPv4Interface) -> str:
    """Why ``address`` cannot be a public address of the lab (empty if it can)."""
    if any(address.network.subnet_of(r) for r in PUBLIC_RANGES):
        return ""
    if any(address.ip in r for r in PUBLIC_RANGES):
        return f"in {address.network}, a network wider than the public ranges"
    return next((why for net, why in NOT_PUBLIC if address.ip in net), "a real public address (the lab must never shadow one)")
