"""The internet box's admin daemon (``officelab.devices.box.server``) on the box's LAN address, port 80, after
dnsmasq and the firewall (it changes both). Its configuration file says where it listens and which files it
changes; its settings file (kept in the box node's directory) is created from the site on first start."""

from __future__ import annotations

import json
import sys

from officelab.domains.box.facts import ADMIN_PORT, CONFIG, daemon_config, sides
from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, PortListening, Stage
from officelab.site.model import Node
from officelab.site.topology import Topology


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    box, s = node.services.box, sides(topo, node)
    if box is None or s is None:
        return
    node_dir = plan.node_dir(node.name)
    config = json.dumps(daemon_config(node, box, s, node_dir), indent=2) + "\n"
    plan.files.append(FilePlan(node.name, CONFIG, config, mode=0o600))  # it holds the planned password
    argv = [sys.executable, "-m", "officelab.devices.box.server", str(node_dir / CONFIG)]
    plan.daemons.append(DaemonPlan("box-admin", node.name, argv, stage=Stage.CLIENTS, ready=[PortListening("tcp", ADMIN_PORT)]))
