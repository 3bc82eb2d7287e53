"""The intervention report (fiche d'intervention) of a ticket: the customer and the site, the technician, the times,
the request, what was found (the follow-ups), what was done (the solution and the commands typed on the lab while
the ticket was worked), the recette before and after (the recette runs attached to the ticket), the equipment
concerned and the signature fields. Standalone HTML, French; PDF by headless Chromium's print."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape

from officelab.core.errors import OfficeLabError
from officelab.domains.desk.facts import LEVELS_FR, STATUS_FR, Status, desk_of
from officelab.domains.desk.tickets import Event, Ticket, time_spent
from officelab.site.model import Site

_env = Environment(loader=PackageLoader("officelab.domains.desk", "templates"), autoescape=select_autoescape(["html", "j2"]))


def render_document(template: str, **context: object) -> str:
    """One of the desk's documents from its template (HTML, user text escaped)."""
    return _env.get_template(template).render(**context)


@dataclass(frozen=True)
class Command:
    """A command typed on a node of the lab while the ticket was worked (from the journal)."""

    at: float
    node: str
    command: str
    exit: int | None


def render_intervention(ticket: Ticket, history: list[Event], site: Site | None, commands: list[Command], company: str = "") -> str:
    zone = ZoneInfo(desk_of(site).calendar.timezone)

    def when(instant: float | None) -> str:
        return dt.datetime.fromtimestamp(instant, zone).strftime("%d/%m/%Y %H:%M") if instant else "—"

    users = {u.login: u.name for u in site.directory.users} if site is not None and site.directory is not None else {}
    recettes = [e for e in history if e.kind == "evidence" and e.payload().get("what") == "recette"]
    return render_document(
        "intervention.html.j2",
        t=ticket,
        status=STATUS_FR[Status(ticket.status)],
        level=LEVELS_FR[ticket.priority],
        requester=users.get(ticket.requester, ticket.requester),
        customer=company or (site.name if site is not None else ticket.site),
        found=[e for e in history if e.kind in ("followup", "qualified", "escalated", "pending")],
        before=recettes[0] if recettes else None,
        after=recettes[-1] if len(recettes) > 1 else None,
        commands=commands,
        minutes=time_spent(history),
        when=when,
        printed=when(dt.datetime.now(zone).timestamp()),
    )


def print_pdf(html: str, pdf: Path) -> None:
    """The HTML printed to ``pdf`` by headless Chromium (its own profile, waited for, nothing left behind)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise OfficeLabError("no chromium to print the PDF: `make setup` installs Debian's chromium (or write --html)")
    with tempfile.TemporaryDirectory(prefix="officelab-print-") as work:
        page = Path(work) / "fiche.html"
        page.write_text(html, encoding="utf-8")
        argv = [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={work}/profile",
                "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise OfficeLabError(f"chromium could not print {pdf}: {(done.stderr.strip().splitlines() or ['no output'])[-1]}")
