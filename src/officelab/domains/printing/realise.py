"""Printing: IPP Everywhere printers (ippeveprinter, with the DNS-SD it needs: a private dbus and avahi) and a
CUPS print server publishing one queue per printer, restricted to the users of the allowed AD groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from officelab.core.errors import LabError
from officelab.domains.printing.facts import allowed_users, printer_uri
from officelab.runtime.plan import DaemonPlan, FilePlan, HookPlan, LabPlan, PortListening, Stage
from officelab.runtime.render import templates
from officelab.site.model import Node, NodeKind
from officelab.site.topology import Topology

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab, Progress


FORMATS = "application/pdf,text/plain,image/pwg-raster,image/urf,application/octet-stream"


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    if node.services.printer is not None and node.kind is NodeKind.PRINTER:
        _printer(plan, node)
    if node.services.print is not None:
        _print_server(plan, node)


def _printer(plan: LabPlan, node: Node) -> None:
    device = node.services.printer
    assert device is not None
    node_dir = plan.node_dir(node.name)
    plan.files.append(FilePlan(node.name, "onjob.sh", render("onjob.sh.j2", node=node.name, dir=node_dir), mode=0o755))
    for sub in ("printer/spool/", "printer/out/", "run/dbus/", "run/avahi-daemon/"):
        plan.files.append(FilePlan(node.name, sub, "", mode=0o755))
    plan.daemons.append(DaemonPlan("dbus", node.name, ["dbus-daemon", "--system", "--nofork", "--nopidfile"], stage=Stage.SERVERS))
    plan.daemons.append(DaemonPlan("avahi", node.name, ["avahi-daemon", "--no-chroot", "--no-rlimits"], stage=Stage.SERVERS))
    # ippeveprinter needs DNS-SD: it starts once avahi is up (it retries: the supervisor restarts it).
    argv = [
        "ippeveprinter",
        "-p",
        "631",
        "-d",
        str(node_dir / "printer" / "spool"),
        "-k",
        "-c",
        str(node_dir / "onjob.sh"),
        "-f",
        FORMATS,
        "-l",
        device.location or node.name,
        "-m",
        device.model,
        node.name,
    ]
    plan.daemons.append(DaemonPlan("ippeveprinter", node.name, argv, stage=Stage.CLIENTS, ready=[PortListening("tcp", 631)]))


def _print_server(plan: LabPlan, node: Node) -> None:
    node_dir = plan.node_dir(node.name)
    plan.files.append(FilePlan(node.name, "cups/etc/cupsd.conf", render("cupsd.conf.j2", node=node.name, dir=node_dir)))
    plan.files.append(FilePlan(node.name, "cups/etc/cups-files.conf", render("cups-files.conf.j2", node=node.name, dir=node_dir)))
    for sub in ("cups/spool/", "cups/spool/tmp/", "cups/cache/", "cups/state/", "cups/etc/ppd/"):
        plan.files.append(FilePlan(node.name, sub, "", mode=0o1777))
    argv = ["cupsd", "-f", "-c", str(node_dir / "cups/etc/cupsd.conf"), "-s", str(node_dir / "cups/etc/cups-files.conf")]
    plan.daemons.append(DaemonPlan("cupsd", node.name, argv, stage=Stage.SERVERS, ready=[PortListening("tcp", 631)]))
    plan.hooks.append(HookPlan(Stage.CLIENTS, add_queues, "print queues published"))
    # lpadmin, lpstat, lp on the server talk to this cupsd without options.
    plan.env.setdefault(node.name, {})["CUPS_SERVER"] = str(node_dir / "cups" / "state" / "cups.sock")


def add_queues(lab: Lab, plan: LabPlan, progress: Progress) -> None:
    """Create each queue on its print server (driverless: CUPS asks the printer for its capabilities)."""
    site = plan.site
    for node in site.nodes:
        if node.services.print is None:
            continue
        for queue in node.services.print.queues:
            argv = [
                "lpadmin",
                "-p",
                queue.name,
                "-E",
                "-v",
                printer_uri(site, queue.printer),
                "-m",
                "everywhere",
                "-o",
                "printer-is-shared=true",
                "-D",
                queue.description or queue.name,
            ]
            allowed = allowed_users(site, queue.groups)
            if allowed is not None:
                argv += ["-u", "allow:" + (",".join(allowed) or "nobody")]
            _create_queue(lab, node.name, argv, queue.name)
            progress(f"queue {queue.name} on {node.name} → {queue.printer}")


def _create_queue(lab: Lab, server: str, argv: list[str], name: str) -> None:
    from officelab.core.deadline import wait_for

    last = [""]

    def created() -> bool:
        result = lab.run(server, argv, timeout=30)
        last[0] = (result.stderr or result.stdout).strip()[-300:]
        return result.returncode == 0

    # The printer may still be starting: lpadmin asks it for its attributes (IPP Everywhere).
    if not wait_for(created, 20, interval=0.5):
        raise LabError(f"print queue {name} on {server}: {last[0] or 'lpadmin failed'}")


render = templates(__name__)
