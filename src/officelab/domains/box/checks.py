"""The internet box's part of the recette: its admin page answers on the LAN and opens with the planned password,
the factory password is refused, the page is closed from the internet, each planned port forward reaches its LAN
host from the internet (the firewall's `forward:` check), and a real DHCP exchange leases in the planned range."""

from __future__ import annotations

from ipaddress import IPv4Network

from officelab.domains.box.facts import ADMIN_PORT, boxes
from officelab.domains.box.model import BoxLeaseProbe, BoxLoginProbe
from officelab.domains.firewall.checks import port_forward
from officelab.domains.network.checks import host_vantages, ip_checks
from officelab.domains.network.model import HttpProbe, TcpProbe
from officelab.recette.context import Derivation
from officelab.site.model import DhcpScope, NodeKind
from officelab.site.topology import HostPort

CRITERIA = ("TAI-CP7-C1", "TAI-CP7-C2")


def derive(ctx: Derivation) -> None:
    outside = next((n for n in ctx.site.nodes if n.kind is NodeKind.PUBLIC_SERVER), None)
    for node, box, s in boxes(ctx.topo):
        lan = [hp for hp in ctx.hosts if hp.vlan is not None and hp.vlan.id == s.vlan.id and not hp.node.kind.routes]
        if not lan:
            ctx.not_built(
                f"box:page:{node.name}", "Page d'administration de la box", "The box's admin page", "no host on the box's LAN", "box"
            )
            continue
        src = host_vantages(ctx, lan, lambda hp: ip_checks(ctx, hp.node.name))
        page = ctx.check(
            f"box:page:{node.name}",
            f"La page d'administration de {node.name} répond sur le LAN ({s.url})",
            f"{node.name}'s admin page answers on the LAN ({s.url})",
            on=src,
            probe=HttpProbe(url=f"{s.url}login", contains="Mot de passe administrateur"),
            criteria=CRITERIA,
            group="box",
        )
        ctx.check(
            f"box:login:{node.name}",
            f"Connexion à {node.name} avec le mot de passe prévu",
            f"Login to {node.name} with the planned password",
            on=src,
            probe=BoxLoginProbe(url=s.url, password=box.admin_password),
            criteria=CRITERIA,
            depends=(page,),
            group="box",
        )
        ctx.check(
            f"box:factory:{node.name}",
            f"Le mot de passe d'usine de {node.name} est refusé",
            f"{node.name}'s factory password is refused",
            on=src,
            probe=BoxLoginProbe(url=s.url, password=box.factory_password, refused=True),
            criteria=("TAI-CP7-C1",),
            depends=(page,),
            group="box",
        )
        if outside is not None:
            ctx.check(
                f"box:wan:{node.name}",
                f"La page d'administration de {node.name} est fermée depuis internet ({s.public}:{ADMIN_PORT})",
                f"{node.name}'s admin page is closed from the internet ({s.public}:{ADMIN_PORT})",
                on=outside.name,
                probe=TcpProbe(host=s.public, port=ADMIN_PORT),
                expect=False,
                criteria=("TAI-CP7-C1",),
                depends=(f"wan:{node.name}",),
                group="box",
            )
        fw = node.services.firewall
        for forward in box.forwards if fw is not None else []:
            assert fw is not None
            port_forward(ctx, node, fw, forward)
        clients = [hp for hp in lan if hp.iface.dhcp and hp.iface.reserve is None]
        scope = s.vlan.dhcp
        if clients and scope is not None:

            def lease(hp: HostPort, scope: DhcpScope = scope, subnet: IPv4Network = s.vlan.subnet) -> BoxLeaseProbe:
                return BoxLeaseProbe(interface=hp.iface.name, subnet=subnet, start=scope.start, end=scope.end)

            ctx.check(
                f"box:dhcp:{node.name}",
                f"{node.name} loue des adresses dans la plage prévue ({scope.start} – {scope.end})",
                f"{node.name} leases addresses in the planned range ({scope.start} – {scope.end})",
                on=ctx.vantages(clients, lambda hp: (f"link:{hp.node.name}:{hp.iface.name}",), lease),
                probe=lease(clients[0]),
                criteria=CRITERIA,
                group="box",
            )
