"""Faults of printing: a queue paused on the print server (its state in CUPS's configuration), the printer offline (its service
stopped), the print server stopped."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.core.errors import OfficeLabError
from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped, start
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TRI-CT", "TAI-CP11", "TAI-CP6")


def _queues(site: Site) -> dict[str, tuple[str, str]]:
    """Queue name → (its print server, its printer)."""
    return {q.name: (n.name, q.printer) for n in site.nodes if n.services.print for q in n.services.print.queues}


def _printing(site: Site, queue: str) -> tuple[str, ...]:
    """The checks that print through ``queue`` and must succeed."""
    return tuple(c.id for c in t.checks(site) if c.id.startswith(f"print:{queue}:") and c.expect)


class QueuePaused(Fault):
    kind: ClassVar[str] = "print-queue-paused"
    title_fr: ClassVar[str] = "File d'impression suspendue"
    title_en: ClassVar[str] = "Print queue paused"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    queue: str = Field(description="a print queue of the site (Compta)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(queue=q) for q in _queues(site) if _printing(site, q)]

    def problems(self, site: Site) -> list[str]:
        queues = _queues(site)
        return [] if self.queue in queues else [f"no print queue {self.queue} (the site's: {', '.join(queues) or 'none'})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        return t.place_of(site, _printing(site, self.queue)[0]), f"print:{self.queue}", _queues(site)[self.queue][0]

    def truth(self, site: Site) -> GroundTruth:
        server, printer = _queues(site)[self.queue]
        return GroundTruth(
            f"la file {self.queue} de {server} est suspendue : les travaux sont acceptés mais n'arrivent pas à {printer}",
            f"queue {self.queue} on {server} is paused: jobs are accepted but never reach {printer}",
            f"{server}: queue {self.queue}",
            f"reprendre la file (cupsenable {self.queue})",
            f"resume the queue (cupsenable {self.queue})",
            _printing(site, self.queue),
        )

    def inject(self, lab: Lab) -> Undo:
        return {"state": self._set_state(lab, "Stopped")}

    def clear(self, lab: Lab, undo: Undo) -> None:
        self._set_state(lab, undo["state"])

    def _set_state(self, lab: Lab, wanted: str) -> str:
        """Set the queue's state in CUPS's own printers.conf, cupsd stopped meanwhile (it writes that file when it
        stops); returns the state it had. (cupsdisable is refused here: a queue that allows only some users refuses
        root's administration requests too.)"""
        server, _ = _queues(lab.site())[self.queue]
        daemon = f"{server}/cupsd"
        path = lab.dir.node_dir(server) / "cups" / "etc" / "printers.conf"
        lab.stop_daemon(daemon)
        try:
            text = path.read_text()
            section = re.search(rf"^<Printer {re.escape(self.queue)}>\n(?:(?!</Printer>).*\n)*", text, re.M)
            state = re.search(r"^State (\w+)$", section[0], re.M) if section else None
            if section is None or state is None:
                raise OfficeLabError(f"{server}: no queue {self.queue} in CUPS's printers.conf")
            changed = section[0].replace(state[0], f"State {wanted}", 1)
            path.write_text(text[: section.start()] + changed + text[section.end() :])
        finally:
            start(lab, daemon)
        return state[1]


class PrinterOffline(DaemonStopped):
    kind: ClassVar[str] = "printer-offline"
    title_fr: ClassVar[str] = "Imprimante hors ligne"
    title_en: ClassVar[str] = "Printer offline"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    daemon_name: ClassVar[str] = "network printer"

    @classmethod
    def target(cls, site: Site) -> str | None:
        printer = next((n.name for n in site.nodes if n.services.printer is not None), None)
        return f"{printer}/ippeveprinter" if printer else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        printer = self.daemon(site).split("/")[0]
        return t.place_of(site, f"printer:{printer}"), f"printer:{printer}", printer

    def truth(self, site: Site) -> GroundTruth:
        printer = self.daemon(site).split("/")[0]
        queues = [q for q, (_, p) in _queues(site).items() if p == printer]
        return GroundTruth(
            f"l'imprimante {printer} est hors ligne (son service IPP ne répond plus)",
            f"printer {printer} is offline (its IPP service no longer answers)",
            printer,
            f"remettre {printer} en ligne",
            f"bring {printer} back online",
            t.ids(site, f"printer:{printer}"),
            tuple(i for q in queues for i in _printing(site, q)),
        )


class PrintServerStopped(DaemonStopped):
    kind: ClassVar[str] = "print-server-stopped"
    title_fr: ClassVar[str] = "Serveur d'impression arrêté"
    title_en: ClassVar[str] = "Print server stopped"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    daemon_name: ClassVar[str] = "print server"

    @classmethod
    def target(cls, site: Site) -> str | None:
        server = next((n.name for n in site.nodes if n.services.print is not None), None)
        return f"{server}/cupsd" if server else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        server = self.daemon(site).split("/")[0]
        queue = next((q for q, (s, _) in _queues(site).items() if s == server), "")
        return (t.place_of(site, f"print:{server}"), f"print:{queue}", server) if queue else None

    def truth(self, site: Site) -> GroundTruth:
        server = self.daemon(site).split("/")[0]
        return GroundTruth(
            f"le service d'impression (CUPS) de {server} est arrêté",
            f"the print service (CUPS) on {server} is stopped",
            f"{server}/cupsd",
            f"redémarrer CUPS sur {server}",
            f"start CUPS on {server} again",
            t.ids(site, f"print:{server}"),
        )


def catalogue() -> tuple[type[Fault], ...]:
    return (QueuePaused, PrinterOffline, PrintServerStopped)
