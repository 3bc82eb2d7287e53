"""The web's part of the recette: from a client of each zone, the public web by name through the firewall, and
each internal application of the site's domain by its name (the DNS record, then the page)."""

from __future__ import annotations

from officelab.domains.firewall.checks import allowed_flow, zone_sources
from officelab.domains.firewall.facts import zone_of
from officelab.domains.firewall.model import FirewallService
from officelab.domains.network.checks import INFRA, INTERNET, REMOTE, dns_check, host_vantages
from officelab.domains.network.model import DnsProbe, HttpProbe
from officelab.recette.context import Derivation
from officelab.site.model import Node, NodeKind
from officelab.site.topology import HOST_KINDS


def derive(ctx: Derivation) -> None:
    for router in ctx.site.nodes:
        fw = router.services.firewall
        if fw is not None:
            _by_name(ctx, router, fw)


def _by_name(ctx: Derivation, router: Node, fw: FirewallService) -> None:
    """From one client of each zone: the first public site, and each internal application of the site's domain."""
    public_sites = [s for n in ctx.site.nodes if n.kind is NodeKind.PUBLIC_SERVER and n.services.web for s in n.services.web.sites]
    internal_sites = [(n, s) for n in ctx.site.nodes if n.kind in HOST_KINDS and n.services.web for s in n.services.web.sites]
    for zone, clients in zone_sources(ctx, router, fw).items():
        resolving = [hp for hp in clients if dns_check(ctx, hp.node.name) is not None]
        if not resolving:
            continue
        src = host_vantages(ctx, resolving, lambda hp: (f"dns:{hp.node.name}",))
        for site in public_sites[1:]:
            ctx.not_built(
                f"web:{zone}:{site.server_name}",
                f"Le site {site.server_name} s'affiche depuis le VLAN {zone}",
                f"Web site {site.server_name} opens from zone {zone}",
                f"one public site per zone proves its web access: {public_sites[0].server_name} is opened instead",
                "services",
            )
        for site in public_sites[:1]:
            flow = allowed_flow(ctx, router, fw, zone, "wan", "tcp/80")
            if flow is not None:
                ctx.check(
                    f"web:{zone}:{site.server_name}",
                    f"Le site {site.server_name} s'affiche depuis le VLAN {zone}",
                    f"Web site {site.server_name} opens from zone {zone}",
                    on=src,
                    probe=HttpProbe(url=f"http://{site.server_name}/", contains=site.title),
                    criteria=(*REMOTE, *INTERNET),
                    depends=(flow,),
                    group="services",
                )
        for node, site in internal_sites:
            if not site.server_name.endswith(ctx.domain) or node.interfaces[0].address is None:
                continue
            record = f"dnsrec:{site.server_name}"
            ctx.check(
                record,
                f"{site.server_name} pointe vers {node.name}",
                f"{site.server_name} points to {node.name}",
                on=src,
                probe=DnsProbe(name=site.server_name, expect=str(node.interfaces[0].address.ip)),
                criteria=(*INFRA, "TAI-CP5-C5"),
                depends=(),
                group="services",
            )
            target_zone = zone_of(ctx.topo, router, fw, node.name, node.interfaces[0].name)
            flow = allowed_flow(ctx, router, fw, zone, target_zone, "tcp/80")
            if flow is not None:
                ctx.check(
                    f"web:{zone}:{site.server_name}",
                    f"L'application {site.server_name} s'affiche depuis le VLAN {zone}",
                    f"Application {site.server_name} opens from zone {zone}",
                    on=src,
                    probe=HttpProbe(url=f"http://{site.server_name}/", contains=site.title),
                    criteria=REMOTE,
                    depends=(record, flow),
                    group="services",
                )
