"""Printing's part of the recette: the print server answers IPP; each printer answers from the management
network; on each queue an allowed user's page really arrives at the printer, and an outsider's is refused."""

from __future__ import annotations

from officelab.domains.directory.checks import for_domain_servers
from officelab.domains.network.checks import host_vantages, ip_checks
from officelab.domains.network.model import TcpProbe
from officelab.domains.printing.facts import allowed_users, printer_uri
from officelab.domains.printing.model import IppProbe, PrintProbe
from officelab.recette.context import Derivation, On
from officelab.site.model import Node


def derive(ctx: Derivation) -> None:
    for_domain_servers(ctx, lambda node: node.services.print is not None, _queues)


def _queues(ctx: Derivation, server: Node, where: On, base: tuple[str, ...]) -> None:
    d = ctx.site.directory
    assert d is not None and server.services.print is not None
    fqdn = f"{server.name}.{d.domain}"
    service = f"print:{server.name}"
    ctx.check(
        service,
        f"Le serveur d'impression {server.name} répond (IPP)",
        f"Print server {server.name} answers (IPP)",
        on=where,
        probe=TcpProbe(host=fqdn, port=631),
        criteria=("TRI-CP6-C4",),
        depends=base,
        group="printing",
    )
    admins = [
        hp
        for hp in ctx.hosts
        if hp.vlan is not None
        and hp.node.management is None
        and hp.gateway is not None
        and any(n.management is not None and ctx.topo.vlan_id(n.management.vlan) == hp.vlan.id for n in ctx.site.nodes)
    ]
    admin = host_vantages(ctx, admins)
    for queue in server.services.print.queues:
        uri = printer_uri(ctx.site, queue.printer)
        if admin:
            ctx.check(
                f"printer:{queue.printer}",
                f"L'imprimante {queue.printer} répond depuis l'administration (IPP)",
                f"Printer {queue.printer} answers from the management network (IPP)",
                on=admin,
                probe=IppProbe(uri=uri),
                criteria=("TRI-CP1-C3",),
                depends=ip_checks(ctx, queue.printer),
                group="printing",
            )
        allowed = allowed_users(ctx.site, queue.groups)
        enabled = [u for u in d.users if u.enabled]
        member = next((u for u in enabled if allowed is None or u.login in allowed), None)
        outsider = next((u for u in enabled if allowed is not None and u.login not in allowed), None)
        for user, ok in ((member, True), (outsider, False)):
            if user is None:
                continue
            verb_fr, verb_en = ("peut", "can") if ok else ("ne peut pas", "cannot")
            ctx.check(
                f"print:{queue.name}:{user.login}",
                f"{user.login} {verb_fr} imprimer sur {queue.name}",
                f"{user.login} {verb_en} print on {queue.name}",
                on=where,
                probe=PrintProbe(server=fqdn, queue=queue.name, user=user.login, printer=uri, printer_seen_from=server.name),
                criteria=("TRI-CP6-C4", "TAI-CP6-C2") if ok else ("TRI-CP6-C3", "TAI-CP6-C2"),
                expect=ok,
                depends=(service, *ip_checks(ctx, queue.printer)),
                deadline=15.0,
                group="printing",
            )
