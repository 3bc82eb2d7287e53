"""`officelab desk ticket …`: a ticket from its opening to its closing, on a lab's site (or a site file, in the field)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, add_row, fail, ok, out
from officelab.domains.desk import handling as h
from officelab.domains.desk.assets import inventory
from officelab.domains.desk.console import (
    AsOption,
    DbOption,
    Number,
    SiteOption,
    VersionOption,
    act,
    clock_text,
    context,
    outputs,
    when,
    write_document,
)
from officelab.domains.desk.facts import LEVELS_FR, OPEN, STATUS_FR, Status
from officelab.domains.desk.tickets import Ticket, get, search, session, time_spent
from officelab.recette.derive import derive_suite
from officelab.recette.model import Status as CheckStatus
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab

ticket_app = typer.Typer(help="Open, work and close tickets.", no_args_is_help=True)


@ticket_app.command("new")
def new(
    title: Annotated[str, typer.Argument(help="What the user says is wrong, in a line.")],
    requester: Annotated[str, typer.Option("--requester", "-r", help="The user who calls (a login of the site's directory).")],
    urgency: Annotated[int, typer.Option(help="1 (very low) to 5 (very high): how soon it must be fixed.")],
    impact: Annotated[int, typer.Option(help="1 (very low) to 5 (very high): how many it hinders, how much.")],
    category: Annotated[str, typer.Option(help="One of the desk's categories (`officelab desk categories`).")],
    kind: Annotated[str, typer.Option(help="incident or request.")] = "incident",
    description: Annotated[str, typer.Option(help="What the user said, in their words.")] = "",
    node: Annotated[
        list[str] | None,
        typer.Option("--node", help="A node concerned, or NODE:SERVICE (srv-files:files), or an inventory asset (repeatable)."),
    ] = None,
    check: Annotated[list[str] | None, typer.Option("--check", help="A check of the recette concerned (repeatable).")] = None,
    priority: Annotated[int | None, typer.Option(help="Set the priority by hand (6: major), with --reason.")] = None,
    reason: Annotated[str, typer.Option(help="Why the priority is set by hand.")] = "",
    lab: LabOption = DEFAULT_LAB,
    site: SiteOption = None,
    author: AsOption = None,
    db: DbOption = None,
) -> None:
    """Open a ticket: its priority comes from urgency × impact (the desk's matrix, GLPI's by default)."""
    if kind not in ("incident", "request"):
        fail(f"--kind {kind}: expected incident or request", 2)
    typed: Literal["incident", "request"] = "incident" if kind == "incident" else "request"
    ctx = context(lab, site, author, with_checks=bool(check))
    opening = h.Opening(
        title, requester, urgency, impact, category, typed, description, tuple(node or ()), tuple(check or ()), priority, reason
    )
    ticket = act(db, lambda s: h.open_ticket(s, ctx, opening))
    ok(f"ticket {ticket.id} opened: priority {ticket.priority} ({LEVELS_FR[ticket.priority]}), {ticket.category}, for {ticket.requester}")


@ticket_app.command("list")
def list_(
    lab: LabOption = DEFAULT_LAB,
    all_: Annotated[bool, typer.Option("--all", help="Solved and closed tickets too.")] = False,
    mine: Annotated[bool, typer.Option("--mine", help="Only the tickets you are on.")] = False,
    site: SiteOption = None,
    author: AsOption = None,
    db: DbOption = None,
) -> None:
    """The lab's tickets, open ones first by priority, with their SLA."""
    ctx = context(lab, site, author, reading=True)
    now = time.time()
    statuses = () if all_ else tuple(s.value for s in OPEN)

    def rows(s: Any) -> list[tuple[Ticket, h.Sla]]:
        found = search(s, lab=lab, status=statuses, assignee=ctx.author if mine else None)
        return [(t, h.sla(t, h.history(s, t.id), ctx.desk, now)) for t in found]

    found = act(db, rows)
    if not found:
        out.print(f"no {'' if all_ else 'open '}ticket on lab {lab}")
        return
    table = Table("n°", "statut", "P", "niv.", "titre", "demandeur", "technicien", "résolution")
    for t, clock in sorted(found, key=lambda r: (Status(r[0].status) not in OPEN, -r[0].priority, r[0].id)):
        due = Text(clock_text(clock.resolve, ctx, short=True), style="red" if clock.resolve.breached else "")
        add_row(table, str(t.id), STATUS_FR[Status(t.status)], str(t.priority), t.level, t.title, t.requester, t.assignee or "—", due)
    out.print(table)


@ticket_app.command("show")
def show(number: Number, lab: LabOption = DEFAULT_LAB, site: SiteOption = None, db: DbOption = None) -> None:
    """A ticket: its qualification, SLA clocks, links, thread and solution."""
    ctx = context(lab, site, None, reading=True)

    def read(s: Any) -> tuple[Ticket, list[Any], h.Sla, dict[str, Any]]:
        t = get(s, number)
        lines = h.history(s, number)
        return t, lines, h.sla(t, lines, ctx.desk, time.time()), inventory(s, t.lab)

    t, lines, clocks, assets = act(db, read)
    out.print(Text(f"Ticket {t.id} — {t.title}", style="bold"))
    facts = [
        ("statut", f"{STATUS_FR[Status(t.status)]} (version {t.version})"),
        ("type, catégorie", f"{t.kind}, {t.category}"),
        ("demandeur", t.requester),
        ("urgence × impact", f"{t.urgency} × {t.impact} → priorité {t.priority} ({LEVELS_FR[t.priority]})"),
        ("niveau, technicien", f"{t.level}, {t.assignee or '—'}"),
        ("prise en compte", clock_text(clocks.own, ctx)),
        ("résolution", clock_text(clocks.resolve, ctx) + (" — en pause" if clocks.paused else "")),
        ("éléments", ", ".join(t.node_list()) or "—"),
        ("contrôles", ", ".join(t.check_list()) or "—"),
        ("temps passé", f"{time_spent(lines)} min"),
    ]
    if t.priority_reason:
        facts.append(("priorité fixée", t.priority_reason))
    if t.satisfaction is not None:
        facts.append(("satisfaction", f"{t.satisfaction}/5"))
    for name, value in facts:
        out.print(Text.assemble((f"  {name}: ", "dim"), value))
    for node in (n for n in t.node_list() if n in assets or any(a.design == n for a in assets.values())):
        asset = assets.get(node) or next(a for a in assets.values() if a.design == node)
        out.print(Text.assemble(("  inventaire: ", "dim"), asset.line()))
    for e in lines:
        extra = f" ({e.minutes} min)" if e.minutes else ""
        out.print(Text.assemble((f"  {when(e.at, ctx)} {e.author} ", "dim"), (e.kind, "bold"), f"{extra} {e.text}".rstrip()))
    if t.solution:
        out.print(Text.assemble(("  solution: ", "dim"), t.solution))


Move = Callable[[Any, h.Context, int, str, int | None], Ticket]
"""An action that moves a ticket: (session, context, number, reason or "", version read) → the ticket."""


def _move_command(name: str, doc: str, done: Callable[[Ticket], str], move: Move, reason: str | None = None) -> None:
    """Register `desk ticket NAME`: the move, with a required ``--reason`` when ``reason`` (its help) is given."""

    def run(number: int, why: str, lab: str, site: Path | None, author: str | None, db: str | None, version: int | None) -> None:
        ctx = context(lab, site, author)
        ok(done(act(db, lambda s: move(s, ctx, number, why, version))))

    if reason is None:

        def plain(number: Number, lab: LabOption = DEFAULT_LAB, site: SiteOption = None, author: AsOption = None,
                  db: DbOption = None, version: VersionOption = None) -> None:  # fmt: skip
            run(number, "", lab, site, author, db, version)

        command: Callable[..., None] = plain
    else:

        def reasoned(
            number: Number,
            why: str,
            lab: LabOption = DEFAULT_LAB,
            site: SiteOption = None,
            author: AsOption = None,
            db: DbOption = None,
            version: VersionOption = None,
        ) -> None:
            run(number, why, lab, site, author, db, version)

        # Typer reads the annotations by name in this module: the option's help is this command's, set as an object.
        reasoned.__annotations__["why"] = Annotated[str, typer.Option("--reason", help=reason)]
        command = reasoned
    command.__doc__ = doc
    ticket_app.command(name)(command)


_move_command("take", "Own the ticket (it is yours; its time to own stops).", lambda t: f"ticket {t.id} taken by {t.assignee} ({t.level})",
              lambda s, ctx, n, _, v: h.take(s, ctx, n, v))  # fmt: skip
_move_command("pending", "Put the ticket pending: its time to resolve is paused.",
              lambda t: f"ticket {t.id} pending: its resolution clock is paused", h.set_pending,
              "What the ticket waits for (the user, a part, a supplier).")  # fmt: skip
_move_command("resume", "Work the pending ticket again (its clock runs again).", lambda t: f"ticket {t.id} in progress again",
              h.resume)  # fmt: skip
_move_command("reopen", "The user refuses the solution: the ticket is worked again.", lambda t: f"ticket {t.id} reopened",
              h.reopen, "Why the user refuses the solution.")  # fmt: skip


@ticket_app.command("qualify")
def qualify(
    number: Number,
    urgency: Annotated[int | None, typer.Option(help="1 to 5.")] = None,
    impact: Annotated[int | None, typer.Option(help="1 to 5.")] = None,
    category: Annotated[str | None, typer.Option(help="One of the desk's categories.")] = None,
    priority: Annotated[int | None, typer.Option(help="Set the priority by hand (6: major), with --reason.")] = None,
    reason: Annotated[str, typer.Option(help="Why the priority is set by hand.")] = "",
    lab: LabOption = DEFAULT_LAB,
    site: SiteOption = None,
    author: AsOption = None,
    db: DbOption = None,
    version: VersionOption = None,
) -> None:
    """Qualify the ticket again: urgency, impact, category (the priority follows the matrix)."""
    ctx = context(lab, site, author)
    t = act(db, lambda s: h.qualify(s, ctx, number, urgency, impact, category, priority, reason, version))
    ok(f"ticket {t.id}: {t.urgency} × {t.impact} → priority {t.priority} ({LEVELS_FR[t.priority]}), {t.category}")


@ticket_app.command("followup")
def followup(
    number: Number,
    text: Annotated[str, typer.Argument(help="What was asked, tested or done.")],
    minutes: Annotated[int, typer.Option(help="Time it took.")] = 0,
    private: Annotated[bool, typer.Option(help="For technicians only.")] = False,
    lab: LabOption = DEFAULT_LAB,
    site: SiteOption = None,
    author: AsOption = None,
    db: DbOption = None,
) -> None:
    """Add a follow-up to the ticket's thread."""
    ctx = context(lab, site, author)
    act(db, lambda s: h.follow_up(s, ctx, number, text, minutes, private))
    ok(f"follow-up added to ticket {number}")


@ticket_app.command("escalate")
def escalate(
    number: Number,
    reason: Annotated[str, typer.Option(help="What was tried, and why the second level.")],
    to: Annotated[str | None, typer.Option(help="An N2 technician (default: the N2 queue).")] = None,
    lab: LabOption = DEFAULT_LAB,
    site: SiteOption = None,
    author: AsOption = None,
    db: DbOption = None,
    version: VersionOption = None,
) -> None:
    """Escalate the ticket to the second level (N2)."""
    ctx = context(lab, site, author)
    t = act(db, lambda s: h.escalate(s, ctx, number, reason, to, version))
    ok(f"ticket {t.id} escalated to N2" + (f", assigned to {t.assignee}" if t.assignee else ", in the N2 queue"))


@ticket_app.command("solve")
def solve(
    number: Number,
    solution: Annotated[str, typer.Argument(help="The cause found and what was done.")],
    minutes: Annotated[int, typer.Option(help="Time the fix took.")] = 0,
    lab: LabOption = DEFAULT_LAB,
    site: SiteOption = None,
    author: AsOption = None,
    db: DbOption = None,
    version: VersionOption = None,
) -> None:
    """Document the solution: the ticket is solved, waiting for the user to accept it."""
    ctx = context(lab, site, author)
    act(db, lambda s: h.solve(s, ctx, number, solution, minutes, version))
    ok(f"ticket {number} solved")


@ticket_app.command("close")
def close(
    number: Number,
    satisfaction: Annotated[int | None, typer.Option(help="The user's satisfaction, 0 to 5.")] = None,
    lab: LabOption = DEFAULT_LAB,
    site: SiteOption = None,
    author: AsOption = None,
    db: DbOption = None,
    version: VersionOption = None,
) -> None:
    """The user accepts the solution: the ticket is closed."""
    ctx = context(lab, site, author)
    act(db, lambda s: h.close(s, ctx, number, satisfaction, version))
    ok(f"ticket {number} closed")


@ticket_app.command("attach")
def attach(
    number: Number,
    recette: Annotated[
        bool, typer.Option("--recette", help="Run the lab's recette on the ticket's checks (all if none) and attach it.")
    ] = False,
    diagnose_from: Annotated[str | None, typer.Option("--diagnose-from", help="Diagnose from this node or AD user…")] = None,
    target: Annotated[str | None, typer.Option("--target", help="…towards this target, and attach the diagnosis.")] = None,
    journal_: Annotated[bool, typer.Option("--journal", help="Attach the commands typed on the lab since the ticket was taken.")] = False,
    lab: LabOption = DEFAULT_LAB,
    author: AsOption = None,
    db: DbOption = None,
) -> None:
    """Attach evidence to the ticket from the live lab: a recette run, a diagnosis, the journal."""
    if not (recette or journal_ or diagnose_from or target):
        fail("say what to attach: --recette, --diagnose-from NODE --target TARGET, --journal", 2)
    if (diagnose_from is None) != (target is None):
        fail("a diagnosis needs both --diagnose-from and --target", 2)
    live = Lab(lab)
    ctx = context(lab, None, author)
    ticket = act(db, lambda s: get(s, number))
    evidence: list[tuple[str, str, dict[str, Any]]] = []
    if recette:
        wanted = set(ticket.check_list())
        result = run_on_lab(live, [c for c in derive_suite(live.site()) if not wanted or c.id in wanted])
        failed = sorted(o.check.id for o in result.outcomes if o.status is not CheckStatus.PASS)
        data = {"checks": len(result.outcomes), "failed": failed, "duration": round(result.duration, 2)}
        evidence.append(("recette", f"recette: {result.count(CheckStatus.PASS)}/{len(result.outcomes)} passed", data))
    if diagnose_from is not None and target is not None:
        from officelab.diagnosis.walk import diagnose

        walk = diagnose(live, diagnose_from, target)
        said = f"diagnostic {walk.source} → {walk.target} : " + (f"{walk.where} — {walk.cause_fr}" if walk.found else "rien de cassé")
        evidence.append(("diagnosis", said, {"found": walk.found, "where": walk.where, "probes": walk.probes}))
    if journal_:
        from officelab.exercises import journal

        since = ticket.owned_at or ticket.opened_at
        typed = [{"at": e.ts, "node": e.node, "command": e.command, "exit": e.exit} for e in journal.read(lab) if e.ts >= since]
        evidence.append(("journal", f"journal : {len(typed)} commande(s) depuis la prise en charge", {"commands": typed}))
    with session(db) as s:  # all of it in one transaction
        for what, summary, found in evidence:
            h.attach(s, ctx, number, what, summary, found)
    for _, summary, found in evidence:
        failed = [str(i) for i in found.get("failed") or ()]
        ok(f"ticket {number}: {summary}" + (f" (failing: {', '.join(failed)})" if failed else ""))


@ticket_app.command("report")
def report(
    number: Number,
    html: Annotated[Path | None, typer.Option(help="Write the intervention report as HTML.")] = None,
    pdf: Annotated[Path | None, typer.Option(help="Print it to PDF (headless Chromium).")] = None,
    company: Annotated[str, typer.Option(help="The customer's name (default: the site's).")] = "",
    lab: LabOption = DEFAULT_LAB,
    site: SiteOption = None,
    db: DbOption = None,
) -> None:
    """The intervention report (fiche d'intervention): request, findings, work done with the commands typed on the
    lab while the ticket was worked, the recette before and after, signatures."""
    from officelab.domains.desk.report import Command, render_intervention
    from officelab.exercises import journal

    outputs(html, pdf)
    ctx = context(lab, site, None, reading=True)

    def read(s: Any) -> tuple[Ticket, list[Any]]:
        t = _in(s, lab, number)
        return t, h.history(s, number)

    t, lines = act(db, read)
    start, end = t.owned_at or t.opened_at, t.solved_at or time.time()
    typed = [Command(e.ts, e.node, e.command, e.exit) for e in journal.read(lab) if start <= e.ts <= end and e.via != "officelab"]
    write_document(render_intervention(t, lines, ctx.site, typed, company), html, pdf, f"intervention report of ticket {number}")


def _in(s: Any, lab: str, number: int) -> Ticket:
    t = get(s, number)
    if t.lab != lab:
        fail(f"ticket {number} is lab {t.lab}'s, not {lab}'s (add --lab {t.lab})", 2)
    return t
