"""What the network's fault types share: the hosts on a cable, the far end of a cable, the checks elsewhere that address a node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from officelab.faults import truth as t
from officelab.site.model import Site, split_endpoint
from officelab.site.topology import HostPort, Topology

if TYPE_CHECKING:
    pass


TROUBLESHOOT = ("TRI-CT", "TAI-CP11")
"""Every fault exercises the method: "Mettre en œuvre une démarche de résolution de problème", "Diagnostiquer…"."""


def host_port(site: Site, endpoint: str) -> HostPort | None:
    if ":" not in endpoint:
        return None
    node, iface = split_endpoint(endpoint)
    return next((hp for hp in Topology(site).hosts if hp.node.name == node and hp.iface.name == iface), None)


def cabled_hosts(site: Site) -> list[HostPort]:
    """Hosts' interfaces on a cable, other than routers' (a router's cable is a trunk or the WAN)."""
    cabled = {lk.a for lk in site.links} | {lk.b for lk in site.links}
    return [hp for hp in Topology(site).hosts if f"{hp.node.name}:{hp.iface.name}" in cabled and not hp.node.kind.routes]


def far_end(site: Site, endpoint: str) -> str | None:
    link = next((lk for lk in site.links if endpoint in (lk.a, lk.b)), None)
    return None if link is None else (link.b if link.a == endpoint else link.a)


def elsewhere(site: Site, nodes: set[str]) -> tuple[str, ...]:
    """Checks of other places that address these nodes: they fail with them (checks that can run only on the nodes
    themselves are blocked under the nodes' own failed checks)."""
    placed = {c.id for c in t.checks(site) if all(v.place in nodes for v in c.vantages)}
    return tuple(i for i in t.addressing(site, nodes) if i not in placed)
