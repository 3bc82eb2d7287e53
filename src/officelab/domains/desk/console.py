"""What the desk's commands share: their options, the site and the author they act for, one transaction, and how
an instant and an SLA clock read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import typer

from officelab.cli.output import fail, ok, writable_file
from officelab.core.errors import OfficeLabError
from officelab.domains.desk import handling as h
from officelab.domains.desk.facts import Clock
from officelab.domains.desk.tickets import session
from officelab.recette.derive import derive_suite
from officelab.recette.run import technician
from officelab.runtime.lab import Lab
from officelab.site.loader import load_site
from officelab.site.model import Site

T = TypeVar("T")

DbOption = Annotated[
    str | None, typer.Option("--db", help="The desk's database URL (default: OFFICELAB_DESK_URL, else SQLite in the home).")
]
SiteOption = Annotated[Path | None, typer.Option("--site", help="A site file or built-in name, for a desk without a lab (field mode).")]
AsOption = Annotated[str | None, typer.Option("--as", help="Who acts (default: OFFICELAB_TECHNICIAN, else your login).")]
VersionOption = Annotated[int | None, typer.Option("--version", help="Refuse the change unless the ticket is still at this version.")]
Number = Annotated[int, typer.Argument(help="The ticket's number.", min=1)]


def site_of(lab: str, site: Path | None, reading: bool = False) -> Site | None:
    """The site the desk works for: ``--site``, else the lab's; a command that only reads (``reading``) does without
    (the desk's defaults: a trainer reads a class's tickets after the labs are down)."""
    if site is not None:
        return load_site(str(site))
    try:
        return Lab(lab).site()
    except OfficeLabError:
        if reading:
            return None
        fail(f"lab {lab} is not up: start it (`officelab up --lab {lab}`) or name the site with --site", 2)


def context(lab: str, site: Path | None, author: str | None, with_checks: bool = False, reading: bool = False) -> h.Context:
    found = site_of(lab, site, reading)
    known = {c.id for c in derive_suite(found)} if with_checks and found is not None else None
    return h.Context(author=author or technician(), site=found, lab=lab, known_checks=known)


def when(instant: float | None, ctx: h.Context) -> str:
    if instant is None:
        return "—"
    zone = ZoneInfo(ctx.desk.calendar.timezone)
    return dt.datetime.fromtimestamp(instant, zone).strftime("%Y-%m-%d %H:%M")


def clock_text(c: Clock, ctx: h.Context, short: bool = False) -> str:
    state = "dépassé" if c.breached else ("tenu" if c.stopped else "en cours")
    if short:
        return f"{when(c.due, ctx)[5:]} {state}"
    return f"{state}, échéance {when(c.due, ctx)} ({c.used / 60:.0f}/{c.minutes} min ouvrées)"


def act(db: str | None, action: Callable[[Any], T]) -> T:
    with session(db) as s:
        return action(s)


def outputs(html: Path | None, pdf: Path | None, required: bool = True) -> None:
    """Refuse, before anything runs, a document written nowhere (when ``required``) or to a file it cannot write."""
    if required and html is None and pdf is None:
        fail("say where to write it: --html FILE and/or --pdf FILE", 2)
    for path, option in ((html, "--html"), (pdf, "--pdf")):
        if path is not None:
            writable_file(path, option)


def write_document(text: str, html: Path | None, pdf: Path | None, what: str) -> None:
    """The document as HTML and/or printed to PDF (headless Chromium)."""
    from officelab.domains.desk.report import print_pdf

    if html is not None:
        html.write_text(text, encoding="utf-8")
        ok(f"{what}: {html}")
    if pdf is not None:
        print_pdf(text, pdf.resolve())
        ok(f"{what}: {pdf}")
