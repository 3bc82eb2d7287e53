"""The user VPN's part of the recette, from each connected user's remote node: the tunnel is up (the server
answers at its tunnel address), each pushed subnet is reached or not as the firewall's policy for the VPN zone
says, the file share opens by name through the tunnel, and the server refuses every revoked certificate (a real
OpenVPN client tries it)."""

from __future__ import annotations

from ipaddress import IPv4Address

from officelab.domains.directory.checks import dc_ready
from officelab.domains.files.model import SmbProbe
from officelab.domains.firewall.facts import Flow, decide, zone_interfaces, zone_of_address
from officelab.domains.firewall.model import Action
from officelab.domains.network.checks import POLICY, REMOTE, ip_checks
from officelab.domains.network.model import PingProbe
from officelab.domains.vpn.facts import place_of, pushed_routes
from officelab.domains.vpn.model import TUNNEL, Vpn, VpnConnectProbe, VpnUser
from officelab.recette.context import Derivation
from officelab.site.model import Node, NodeKind
from officelab.site.topology import HostPort

GROUP = "vpn"
VPN = ("TRI-CP1-C1", "TRI-CP4-C1", "TAI-CP7-C2")


def tunnel_check(user: str) -> str:
    return f"vpn:tunnel:{user}"


def derive(ctx: Derivation) -> None:
    vpn = ctx.site.vpn
    if vpn is None:
        return
    connected = vpn.connected()
    if not connected:
        ctx.not_built("vpn:tunnel", "Tunnel VPN établi", "VPN tunnel up", "no VPN user has a `node`: no client connects", GROUP)
    for user in connected:
        _connected(ctx, vpn, user)
    proven = tuple(tunnel_check(u.name) for u in connected[:1])
    for user in (u for u in vpn.users if u not in connected):
        _tried(ctx, vpn, user, proven)


def _connected(ctx: Derivation, vpn: Vpn, user: VpnUser) -> None:
    assert user.node is not None
    tunnel = tunnel_check(user.name)
    ctx.check(
        tunnel,
        f"Le tunnel VPN de {user.name} est établi ({user.node} → {vpn.server})",
        f"{user.name}'s VPN tunnel is up ({user.node} → {vpn.server})",
        on=user.node,
        probe=PingProbe(target=str(vpn.server_address), timeout=1.0),
        criteria=VPN,
        depends=ip_checks(ctx, user.node),
        group=GROUP,
    )
    for host in _route_targets(ctx, vpn):
        assert host.fixed is not None and host.vlan is not None
        allowed = _allowed(ctx, vpn, host.fixed)
        verdict_fr, verdict_en = ("autorisé", "allowed") if allowed else ("interdit", "blocked")
        ctx.check(
            f"vpn:flow:{user.name}:{host.vlan.name}",
            f"Flux VPN {user.name} → {host.vlan.name} ({host.node.name}, icmp) {verdict_fr}",
            f"VPN flow {user.name} → {host.vlan.name} ({host.node.name}, icmp) {verdict_en}",
            on=user.node,
            probe=PingProbe(target=str(host.fixed), timeout=1.0),
            criteria=REMOTE if allowed else POLICY,
            expect=allowed,
            depends=(tunnel, *ip_checks(ctx, host.node.name)),
            group=GROUP,
        )
    _share(ctx, vpn, user, tunnel)
    _wrong_password(ctx, vpn, user, tunnel)


def _wrong_password(ctx: Derivation, vpn: Vpn, user: VpnUser, tunnel: str) -> None:
    """With login by directory, the user's certificate with a wrong password is refused (the DC says no)."""
    d = ctx.site.directory
    account = next((u for u in d.users if u.login == user.name), None) if d is not None else None
    if vpn.login != "directory" or account is None or user.node is None:
        return
    ctx.check(
        f"vpn:badpass:{user.name}",
        f"Le serveur VPN refuse {user.name} avec un mauvais mot de passe (annuaire)",
        f"The VPN server refuses {user.name} with a wrong password (directory)",
        on=user.node,
        probe=VpnConnectProbe(user=user.name, password="not-" + account.password),
        criteria=VPN,
        expect=False,
        depends=(tunnel, dc_ready(ctx)),
        group=GROUP,
    )


def _route_targets(ctx: Derivation, vpn: Vpn) -> list[HostPort]:
    """A host with a static address in each pushed VLAN (the first of the site)."""
    targets = []
    for subnet in pushed_routes(ctx.topo, vpn):
        host = next(
            (
                hp
                for hp in ctx.hosts
                if hp.vlan is not None and hp.vlan.subnet == subnet and hp.iface.address is not None and not hp.node.kind.routes
            ),
            None,
        )
        if host is not None:
            targets.append(host)
    return targets


def _allowed(ctx: Derivation, vpn: Vpn, address: IPv4Address) -> bool:
    server = ctx.site.node(vpn.server)
    fw = server.services.firewall
    if fw is None:
        return True
    zone = next((z for z, ifaces in zone_interfaces(ctx.topo, server, fw).items() if TUNNEL in ifaces), None)
    target = zone_of_address(ctx.topo, server, fw, address)
    return zone is not None and target is not None and decide(fw, Flow(zone, target, "icmp", None, address)) is Action.ACCEPT


def _share(ctx: Derivation, vpn: Vpn, user: VpnUser, tunnel: str) -> None:
    """The user opens a share they have rights on, by the file server's name, through the tunnel."""
    assert user.node is not None
    d = ctx.site.directory
    if d is None:
        return
    account = next((u for u in d.users if u.login == user.name and u.enabled), None)
    if account is None:
        return
    found = next(
        (
            (server, share)
            for server in ctx.site.nodes
            if server.kind is NodeKind.SERVER and server.services.files is not None
            for share in server.services.files.shares
            if set(share.rights) & set(account.groups)
        ),
        None,
    )
    if found is None:
        return
    server, share = found
    if not _routed(ctx, vpn, server):
        ctx.not_built(
            f"vpn:share:{user.name}",
            f"{user.name} ouvre le partage {share.name} par le VPN",
            f"{user.name} opens share {share.name} over the VPN",
            f"the VPN pushes no route to {server.name}'s VLAN",
            GROUP,
        )
        return
    fqdn = f"{server.name}.{d.domain}"
    ctx.check(
        f"vpn:share:{user.name}",
        f"{user.name} ouvre le partage {share.name} de {fqdn} par le VPN (depuis {user.node})",
        f"{user.name} opens share {share.name} on {fqdn} over the VPN (from {user.node})",
        on=user.node,
        probe=SmbProbe(server=fqdn, share=share.name, user=f"{d.netbios}\\{account.login}", password=account.password, action="list"),
        criteria=("TRI-CP5-C1", *VPN),
        depends=(tunnel, dc_ready(ctx), *ip_checks(ctx, server.name)),
        group="shares",  # a share opened as a user: what a fault of that user or that share breaks too
    )


def _routed(ctx: Derivation, vpn: Vpn, server: Node) -> bool:
    return any(hp.node.name == server.name and hp.vlan is not None and hp.vlan.subnet in pushed_routes(ctx.topo, vpn) for hp in ctx.hosts)


def _tried(ctx: Derivation, vpn: Vpn, user: VpnUser, proven: tuple[str, ...]) -> None:
    """A user with no client of their own: a real client tries their certificate from a remote node; the server
    accepts it, or refuses it when it is revoked."""
    place = place_of(ctx.site, vpn, user)
    if place is None:
        return
    refused = user.revoked
    ctx.check(
        f"vpn:{'refused' if refused else 'accepted'}:{user.name}",
        f"Le serveur VPN {'refuse le certificat révoqué' if refused else 'accepte le certificat'} de {user.name}",
        f"The VPN server {'refuses the revoked certificate' if refused else 'accepts the certificate'} of {user.name}",
        on=place,
        probe=VpnConnectProbe(user=user.name),
        criteria=VPN,
        expect=not refused,
        depends=proven if refused else ip_checks(ctx, place),
        group=GROUP,
    )
