"""The command lines: the switch operating system on each managed switch, and tftpd-hpa on TFTP servers.

The switch operating system (`officelab.devices.switchos`) runs in the switch's node, on its bridge: its
startup configuration is the site's design (`facts.startup_text`), and what it is given as hardware (ports,
neighbours by the cabling) is ``hardware.json``. It listens for SSH on every address of its node (its
management address may change from the CLI).
"""

from __future__ import annotations

import json
import sys

from officelab.devices.switchos.files import SwitchFiles
from officelab.domains.switchcli.facts import SSH_PORT, hardware, startup_text
from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, PortListening, Stage
from officelab.site.model import Node
from officelab.site.topology import Topology


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    node_dir = plan.node_dir(node.name)
    if node.kind.bridges and node.cli is not None and node.management is not None:
        paths = SwitchFiles(node_dir)
        base = paths.base.relative_to(node_dir)
        plan.files.append(FilePlan(node.name, f"{base}/", "", mode=0o700))
        plan.files.append(FilePlan(node.name, f"{base}/startup-config", startup_text(topo.site, node), mode=0o600))
        plan.files.append(
            FilePlan(node.name, f"{base}/hardware.json", json.dumps(hardware(topo.site, node, node_dir), indent=1), mode=0o600)
        )
        plan.daemons.append(
            DaemonPlan(
                "switchos",
                node.name,
                [sys.executable, "-m", "officelab.devices.switchos", str(paths.hardware)],
                stage=Stage.SERVERS,
                ready=[PortListening("tcp", SSH_PORT)],
            )
        )
    tftp = node.services.tftp
    if tftp is not None:
        address = next(str(i.address.ip) for i in node.interfaces if i.address is not None)
        plan.files.append(FilePlan(node.name, "tftp/", "", mode=0o755))
        # --permissive: root may overwrite a backup it wrote (tftpd otherwise wants existing files world-writable).
        argv = ["/usr/sbin/in.tftpd", "--foreground", "--listen", "--address", f"{address}:69", "--user", "root"]
        argv += ["--umask", "022", "--permissive"]
        argv += [*(["--create"] if tftp.uploads else []), "--secure", str(node_dir / "tftp")]
        plan.daemons.append(DaemonPlan("tftpd", node.name, argv, stage=Stage.SERVERS, ready=[PortListening("udp", 69)]))
