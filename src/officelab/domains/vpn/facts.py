"""What follows from the ``vpn`` section alone: where the server listens, what it pushes, where each user's files
are on its node. Shared by validation, realisation and the recette."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from officelab.domains.network.facts import dc_address
from officelab.domains.vpn.model import Vpn, VpnUser
from officelab.site.model import NodeKind, Site
from officelab.site.topology import Topology

CLIENT_DIR = "/run/officelab/vpn"
"""Where a remote node keeps its VPN files (the CA, its users' certificates and client configurations)."""
STATUS = "vpn/openvpn-status.log"
"""The server's status file, in its node's directory: the connected clients, rewritten every few seconds."""
LOG = "vpn/openvpn.log"


def public_address(site: Site, vpn: Vpn) -> IPv4Address | None:
    """The address remote clients connect to: the server's uplink (its interface with a gateway)."""
    server = site.node(vpn.server)
    uplink = next((i for i in server.interfaces if i.gateway is not None and i.address is not None), None)
    return uplink.address.ip if uplink is not None and uplink.address is not None else None


def pushed_routes(topo: Topology, vpn: Vpn) -> list[IPv4Network]:
    return [vlan.subnet for ref in vpn.routes if (vlan := topo.vlan(ref)) is not None]


def pushed_dns(site: Site, vpn: Vpn) -> list[IPv4Address]:
    """The DNS servers pushed to clients: the site's, else the domain controller (with AD, it is the site's DNS for
    names of the domain), else none."""
    if vpn.dns:
        return list(vpn.dns)
    return [dc_address(site)] if site.directory is not None else []


def search_domain(site: Site) -> str:
    return site.directory.domain if site.directory is not None else site.site.domain


def client_config(user: str) -> str:
    """The client configuration of ``user`` on its node."""
    return f"{CLIENT_DIR}/{user}.conf"


def probe_node(site: Site, vpn: Vpn) -> str | None:
    """The remote node that tries the certificates of users with no node of their own (a revoked user): the node of
    the first connected user, else the first remote site."""
    connected = vpn.connected()
    if connected and connected[0].node is not None:
        return connected[0].node
    return next((n.name for n in site.nodes if n.kind is NodeKind.REMOTE_SITE), None)


def users_on(site: Site, vpn: Vpn, node: str) -> list[VpnUser]:
    """The users whose certificate and configuration are on ``node``: its own, and the others on the probe node."""
    prober = probe_node(site, vpn)
    return [u for u in vpn.users if u.node == node or (u.node is None and node == prober)]


def place_of(site: Site, vpn: Vpn, user: VpnUser) -> str | None:
    """The node a user's certificate is tried from: its own, else the probe node."""
    return user.node or probe_node(site, vpn)
