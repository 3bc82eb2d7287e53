"""Validation of the user VPN: a server that is a router reachable from the internet, pushed routes to VLANs it
routes, a pool that overlaps nothing, remote users on remote nodes, and — when the server filters — its port
opened from the WAN and its tunnel in a zone (what OpenVPN clients would otherwise fail on, silently)."""

from __future__ import annotations

from ipaddress import IPv4Network

from officelab.domains.firewall.facts import uplink_zone, zone_interfaces
from officelab.domains.firewall.model import SELF, Action
from officelab.domains.vpn.facts import public_address
from officelab.domains.vpn.model import TUNNEL, Vpn
from officelab.site.model import Node, NodeKind
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    vpn = v.site.vpn
    if vpn is None:
        return
    server = v.topo.nodes.get(vpn.server)
    if server is None or not server.kind.routes or server.kind.on_internet:
        v.add(("vpn", "server"), f"{vpn.server!r} is not a router of the site", "name the site's router/firewall (kind router)")
        return
    if public_address(v.site, vpn) is None:
        v.add(("vpn", "server"), f"{vpn.server} has no uplink with an address", "give its WAN interface an address and a gateway")
    routed = {vid for _, _, vid in v.topo.l3_interfaces(server) if vid is not None}
    for k, ref in enumerate(vpn.routes):
        vlan = v.topo.vlan(ref)
        if vlan is None:
            v.vlan_ref(ref, ("vpn", "routes", k))
        elif vlan.id not in routed:
            v.add(
                ("vpn", "routes", k), f"{vpn.server} does not route VLAN {vlan.name}", "push only the VLANs the server has an interface in"
            )
    for vlan in v.site.vlans:
        if vlan.subnet.overlaps(vpn.pool):
            v.add(("vpn", "pool"), f"pool {vpn.pool} overlaps VLAN {vlan.name} ({vlan.subnet})", "choose a pool outside the site's subnets")
    for iface in (i for n in v.site.nodes for i in n.interfaces if i.address is not None):
        if iface.address is not None and IPv4Network(iface.address.network).overlaps(vpn.pool):
            v.add(("vpn", "pool"), f"pool {vpn.pool} overlaps {iface.address}", "choose a pool outside the site's subnets")
            break
    for k, user in enumerate(vpn.users):
        node = v.topo.nodes.get(user.node) if user.node else None
        if user.node is not None and (node is None or node.kind is not NodeKind.REMOTE_SITE):
            v.add(("vpn", "users", k, "node"), f"{user.node!r} is not a remote node of the site", "name a node of kind remote-site")
    if vpn.login == "directory":
        d = v.site.directory
        logins = {u.login for u in d.users} if d is not None else set()
        if d is None:
            v.add(("vpn", "login"), "login by directory needs the site's `directory:`", "add the directory, or use `login: certificate`")
        for k, user in enumerate(vpn.users):
            if d is not None and user.name not in logins:
                v.add(("vpn", "users", k, "name"), f"{user.name!r} is not a login of the directory", "name VPN users by their AD login")
    if server.services.firewall is not None:
        _firewall(v, vpn, server)


def _firewall(v: Validation, vpn: Vpn, server: Node) -> None:
    fw = server.services.firewall
    assert fw is not None
    if not any(TUNNEL in ifaces for ifaces in zone_interfaces(v.topo, server, fw).values()):
        v.add(
            ("vpn", "server"),
            f"{vpn.server}'s tunnel {TUNNEL} is in no firewall zone: the VPN's traffic would match no policy",
            f"add a zone, e.g. `vpn: {{interfaces: [{TUNNEL}]}}`, and its policies",
        )
    wan = uplink_zone(server, fw)
    opened = any(
        r.from_ == wan
        and r.to == SELF
        and r.proto in (vpn.proto, "any")
        and (not r.ports or vpn.port in r.ports)
        and r.action is Action.ACCEPT
        for r in fw.rules
    )
    if wan is not None and not opened:
        v.add(
            ("vpn", "port"),
            f"{vpn.server}'s firewall does not open {vpn.proto.upper()} {vpn.port} from zone {wan}: no client could connect",
            f"add a rule `{{name: vpn-in, from: {wan}, to: {SELF}, proto: {vpn.proto}, ports: [{vpn.port}]}}`",
        )
