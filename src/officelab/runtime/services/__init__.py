"""Realisers: turn each node's services into files, one-shot commands and supervised daemons.

One module per service. Each exposes ``realise(plan, topo, node)``; adding a service to OfficeLab means
adding a model section and a module here, and listing it in `REALISERS`.
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import Environment, PackageLoader, StrictUndefined

from officelab.runtime.plan import FilePlan, LabPlan, dns_server_for, management_dns
from officelab.site.model import Node
from officelab.site.topology import Topology

_env = Environment(
    loader=PackageLoader("officelab.runtime", "templates"),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=StrictUndefined,
    autoescape=False,
)


def render(template: str, **context: object) -> str:
    """Render one of the configuration templates."""
    return _env.get_template(template).render(**context)


Realiser = Callable[[LabPlan, Topology, Node], None]


def _base_files(plan: LabPlan, topo: Topology, node: Node) -> None:
    """Every node's own /etc/hostname, /etc/hosts and /etc/resolv.conf."""
    domain = topo.site.site.domain
    d = topo.site.directory
    in_domain = d is not None and (node.name == d.controller or node.name in d.computers)
    # A domain member's own name is in the AD domain: `net ads join` registers that name in the DC's DNS.
    fqdn = f"{node.name}.{d.domain}" if in_domain and d else (f"{node.name}.{domain}" if not node.kind.on_internet else node.name)
    plan.files.append(FilePlan(node.name, "etc/hostname", f"{node.name}\n"))
    plan.files.append(FilePlan(node.name, "etc/hosts", f"127.0.0.1\tlocalhost\n127.0.1.1\t{fqdn} {node.name}\n"))
    servers, search = dns_server_for(topo, node) if not node.kind.bridges else (management_dns(topo, node), domain)
    lines = ([f"search {search}"] if search else []) + [f"nameserver {s}" for s in servers]
    plan.files.append(FilePlan(node.name, "etc/resolv.conf", "\n".join(lines) + "\n"))


def realise_services(plan: LabPlan, topo: Topology) -> None:
    from officelab.runtime.services import (
        automation,
        backup,
        dhcp_client,
        dnsmasq,
        firewall,
        printing,
        resolver,
        samba,
        telephony,
        video,
        web,
    )

    realisers: list[Realiser] = [
        _base_files,
        firewall.realise,
        dnsmasq.realise,
        resolver.realise,
        web.realise,
        dhcp_client.realise,
        samba.realise,
        printing.realise,
        backup.realise,
        automation.realise,
        video.realise,
        telephony.realise,
    ]
    for node in topo.site.nodes:
        for realiser in realisers:
            realiser(plan, topo, node)
