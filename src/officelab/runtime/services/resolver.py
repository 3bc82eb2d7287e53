"""A public DNS resolver of the emulated internet, with unbound (what ISPs run)."""

from __future__ import annotations

from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, Readiness
from officelab.runtime.services import render
from officelab.site.model import Node
from officelab.site.topology import Topology


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    dns = node.services.dns
    if dns is None or not node.kind.on_internet:
        return
    node_dir = plan.node_dir(node.name)
    zones = []
    for zone in dns.zones:
        records = []
        for r in zone.records:
            fqdn = f"{zone.name}." if r.name == "@" else f"{r.name}.{zone.name}."
            value = r.value if r.type not in ("CNAME", "MX", "PTR") or r.value.endswith(".") else f"{r.value}."
            records.append({"fqdn": fqdn, "type": r.type, "value": f'"{value}"' if r.type == "TXT" else value})
        zones.append({"name": zone.name, "records": records})
    plan.files.append(FilePlan(node.name, "unbound.conf", render("unbound.conf.j2", node=node.name, dir=node_dir, zones=zones)))
    plan.daemons.append(
        DaemonPlan("unbound", node.name, ["unbound", "-d", "-c", str(node_dir / "unbound.conf")], stage=0, ready=[Readiness("udp", 53)])
    )
