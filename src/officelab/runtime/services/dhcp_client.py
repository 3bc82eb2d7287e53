"""DHCP clients: busybox udhcpc on each `dhcp: true` interface (fast, and a real DHCP exchange)."""

from __future__ import annotations

from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, Readiness
from officelab.runtime.services import render
from officelab.site.model import Node
from officelab.site.topology import Topology


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    clients = [i for i in node.interfaces if i.dhcp]
    if not clients:
        return
    node_dir = plan.node_dir(node.name)
    plan.files.append(FilePlan(node.name, "udhcpc.script", render("udhcpc.script.j2", node=node.name), mode=0o755))
    for iface in clients:
        argv = [
            "busybox",
            "udhcpc",
            "-f",
            "-R",
            "-i",
            iface.name,
            "-x",
            f"hostname:{node.name}",
            "-s",
            str(node_dir / "udhcpc.script"),
            "-O",
            "search",
            "-t",
            "10",
            "-T",
            "1",
            "-A",
            "2",
        ]
        plan.daemons.append(DaemonPlan(f"dhcp-{iface.name}", node.name, argv, stage=1, ready=[Readiness("address", ifname=iface.name)]))
