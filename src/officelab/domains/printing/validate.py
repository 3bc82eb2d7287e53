"""Validation of print servers: members of the domain, queues to printers of the site with a fixed address, known groups."""

from __future__ import annotations

from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    d = v.site.directory
    groups = {g.name for g in d.groups} if d else set()
    for i, node in enumerate(v.site.nodes):
        if node.services.print is None:
            continue
        base: tuple[str | int, ...] = ("nodes", i, "services")
        if d is None or node.name not in d.computers:
            v.add(
                base,
                f"{node.name} serves print queues with AD rights but is not a domain member",
                "add a `directory:` section and list this node in `directory.computers`",
            )
        for k, queue in enumerate(node.services.print.queues):
            printer = v.topo.nodes.get(queue.printer)
            if printer is None or printer.services.printer is None:
                v.add(
                    (*base, "print", "queues", k, "printer"),
                    f"{queue.printer!r} is not a printer of the site",
                    "name a node of kind printer with `services: {printer: {}}`",
                )
            elif not any(i.address or i.reserve for i in printer.interfaces):
                v.add(
                    (*base, "print", "queues", k, "printer"),
                    f"printer {queue.printer} has no fixed address",
                    "give it a static address or a DHCP `reserve`",
                )
            for m, group in enumerate(queue.groups):
                if group not in groups:
                    v.add((*base, "print", "queues", k, "groups", m), f"unknown group {group!r}", "")
