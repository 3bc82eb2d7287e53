"""Working a ticket: open it (qualified by urgency × impact), take it, follow it up, escalate it to N2, put it pending
and resume it, solve it, have it closed (with the user's satisfaction) or reopened. Each action checks the status it
starts from, who does it and what it names against the site (requester among the directory's users, nodes of the
site, the desk's categories and technicians), and writes a line of the ticket's history."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from officelab.core.errors import OfficeLabError
from officelab.domains.desk.assets import inventory
from officelab.domains.desk.facts import (
    MAJOR,
    MOVES,
    OPEN,
    Clock,
    Status,
    categories,
    clocks,
    desk_of,
    move_problem,
    priority,
)
from officelab.domains.desk.model import Desk
from officelab.domains.desk.tickets import DeskConflict, Event, Ticket, events, get, pauses, record
from officelab.site.model import Site


@dataclass(frozen=True)
class Opening:
    """What a ticket is opened with."""

    title: str
    requester: str
    urgency: int
    impact: int
    category: str
    kind: Literal["incident", "request"] = "incident"
    description: str = ""
    nodes: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    priority: int | None = None  # set by hand (6: major), with a reason
    reason: str = ""


@dataclass
class Context:
    """Who acts, on which site's desk, when (``now`` for tests), and which check ids exist (None: not verified)."""

    author: str
    site: Site | None
    lab: str
    known_checks: set[str] | None = None
    now: float = field(default_factory=time.time)

    @property
    def desk(self) -> Desk:
        return desk_of(self.site)


def _requesters(site: Site | None) -> list[str] | None:
    if site is None or site.directory is None:
        return None
    return [u.login for u in site.directory.users]


def services_of(site: Site, node: str) -> list[str]:
    """The services the site gives ``node`` (its ``services:`` sections, and the directory on its controller), as a
    ticket names them: ``NODE:SERVICE``."""
    found = next((n for n in site.nodes if n.name == node), None)
    own = [name for name, section in found.services if section is not None] if found is not None else []
    return own + (["directory"] if site.directory is not None and site.directory.controller == node else [])


def _check_opening(ctx: Context, o: Opening, assets: set[str]) -> None:
    problems = []
    if not o.title.strip():
        problems.append("the ticket needs a title (what the user says is wrong, in a line)")
    users = _requesters(ctx.site)
    if users is not None and o.requester not in users:
        problems.append(f"requester {o.requester!r} is not a user of the site's directory (users: {', '.join(users)})")
    if not o.requester.strip():
        problems.append("the ticket needs a requester (the user who calls)")
    known = categories(ctx.desk)
    if o.category not in known:
        problems.append(f"category {o.category!r} is not one of the desk's: {', '.join(known)}")
    for name, value in (("urgency", o.urgency), ("impact", o.impact)):
        if not 1 <= value <= 5:
            problems.append(f"{name} {value}: expected 1 (very low) to 5 (very high)")
    if o.priority is not None and not o.reason.strip():
        problems.append("a priority set by hand needs its reason (--reason)")
    if o.priority is not None and not 1 <= o.priority <= MAJOR:
        problems.append(f"priority {o.priority}: expected 1 to 5, or 6 (major)")
    if ctx.site is not None:
        names = {n.name for n in ctx.site.nodes}
        for n in o.nodes:
            node, _, service = n.partition(":") if n not in assets else (n, "", "")
            if node not in names and n not in assets:
                site = ctx.site.name
                problems.append(
                    f"node {n!r} is neither a node of site {site} nor an asset of the lab's inventory (`officelab inventory scan --save`)"
                )
            elif service and service not in (offered := services_of(ctx.site, node)):
                problems.append(f"{n!r}: {node} runs no service {service!r} (its services: {', '.join(offered) or 'none'})")
    if ctx.known_checks is not None:
        problems += [
            f"check {c!r} is not a check of the site's recette (`officelab check --list`)" for c in o.checks if c not in ctx.known_checks
        ]
    if problems:
        raise OfficeLabError("; ".join(problems))


def open_ticket(db: Session, ctx: Context, o: Opening) -> Ticket:
    """A new ticket, its priority from the desk's matrix unless set by hand."""
    _check_opening(ctx, o, set(inventory(db, ctx.lab)))
    level = o.priority if o.priority is not None else priority(o.urgency, o.impact, ctx.desk.matrix)
    ticket = Ticket(
        lab=ctx.lab,
        site=ctx.site.name if ctx.site is not None else "",
        title=o.title.strip(),
        description=o.description,
        kind=o.kind,
        category=o.category,
        requester=o.requester,
        urgency=o.urgency,
        impact=o.impact,
        priority=level,
        priority_reason=o.reason,
        status=Status.NEW.value,
        level="N1",
        assignee=None,
        opened_at=ctx.now,
        nodes=json.dumps(list(o.nodes)),
        checks=json.dumps(list(o.checks)),
        solution="",
    )
    db.add(ticket)
    db.flush()
    record(db, ticket, ctx.author, "opened", o.description, at=ctx.now, priority=level, urgency=o.urgency, impact=o.impact)
    return ticket


def _technician_level(ctx: Context, name: str) -> str | None:
    """The level of a technician of the desk (None: the desk lists none, anyone works tickets)."""
    techs = ctx.desk.technicians
    if not techs:
        return None
    found = next((t for t in techs if t.name == name), None)
    if found is None:
        raise OfficeLabError(f"{name!r} is not a technician of the desk ({', '.join(t.name for t in techs)}): act as one with --as")
    return found.level


def _load(db: Session, ctx: Context, ticket_id: int, version: int | None = None) -> Ticket:
    """The ticket, if it is the lab's (a lab's learner works their lab's tickets) and still at ``version``."""
    ticket = get(db, ticket_id)
    if ticket.lab != ctx.lab:
        raise OfficeLabError(f"ticket {ticket_id} is lab {ticket.lab}'s, not {ctx.lab}'s (act with --lab {ticket.lab})")
    if version is not None and ticket.version != version:
        raise DeskConflict(f"ticket {ticket_id} is at version {ticket.version}, not {version}: it changed since it was read; read it again")
    return ticket


def _move(db: Session, ctx: Context, ticket_id: int, action: str, version: int | None) -> Ticket:
    ticket = _load(db, ctx, ticket_id, version)
    problem = move_problem(action, Status(ticket.status))
    if problem:
        raise OfficeLabError(f"ticket {ticket_id}: {problem}")
    target = MOVES[action][1]
    if target is not None:
        ticket.status = target.value
    return ticket


def take(db: Session, ctx: Context, ticket_id: int, version: int | None = None) -> Ticket:
    """The author owns the ticket (the time-to-own clock stops at the first owner)."""
    level = _technician_level(ctx, ctx.author)
    ticket = _move(db, ctx, ticket_id, "take", version)
    if ticket.level == "N2" and level == "N1":
        raise OfficeLabError(f"ticket {ticket_id} is escalated to N2: {ctx.author} is an N1 technician")
    ticket.assignee = ctx.author
    ticket.owned_at = ticket.owned_at or ctx.now
    record(db, ticket, ctx.author, "taken", at=ctx.now, level=ticket.level)
    return ticket


def qualify(
    db: Session,
    ctx: Context,
    ticket_id: int,
    urgency: int | None = None,
    impact: int | None = None,
    category: str | None = None,
    level: int | None = None,
    reason: str = "",
    version: int | None = None,
) -> Ticket:
    """The technician qualifies the ticket again (what the user said is not always what it is): urgency, impact,
    category; the priority follows the matrix unless set by hand with a reason."""
    ticket = _load(db, ctx, ticket_id, version)
    if Status(ticket.status) not in OPEN:
        raise OfficeLabError(f"ticket {ticket_id} is {ticket.status}: only an open ticket is qualified again")
    o = Opening(ticket.title, ticket.requester, urgency or ticket.urgency, impact or ticket.impact, category or ticket.category,
                priority=level, reason=reason)  # fmt: skip
    _check_opening(ctx, o, set())
    before = (ticket.urgency, ticket.impact, ticket.priority, ticket.category)
    ticket.urgency, ticket.impact, ticket.category = o.urgency, o.impact, o.category
    ticket.priority = level if level is not None else priority(o.urgency, o.impact, ctx.desk.matrix)
    ticket.priority_reason = reason if level is not None else ""
    after = (ticket.urgency, ticket.impact, ticket.priority, ticket.category)
    said = f"{ticket.urgency} × {ticket.impact} → priorité {ticket.priority}, {ticket.category}" + (f" ({reason})" if reason else "")
    record(db, ticket, ctx.author, "qualified", said, at=ctx.now, before=before, after=after)
    return ticket


def follow_up(db: Session, ctx: Context, ticket_id: int, text: str, minutes: int = 0, private: bool = False) -> Event:
    """A line of the thread (what was asked, tested, done), with the time it took; the assignee's first one starts
    the work."""
    if not text.strip():
        raise OfficeLabError("a follow-up needs its text")
    if minutes < 0:
        raise OfficeLabError(f"time spent {minutes}: expected minutes ≥ 0")
    ticket = _load(db, ctx, ticket_id)
    if ticket.status == Status.CLOSED.value:
        raise OfficeLabError(f"ticket {ticket_id} is closed: open a new ticket (or reopen it before it is closed)")
    if ticket.status == Status.ASSIGNED.value and ticket.assignee == ctx.author:
        ticket.status = Status.IN_PROGRESS.value
    return record(db, ticket, ctx.author, "followup", text, minutes, private, at=ctx.now)


def remote_node(db: Session, ctx: Context, ticket_id: int, node: str | None) -> str:
    """Where a remote-assistance session of the ticket goes: ``node``, else the requester's workstation (the
    directory's), else the ticket's first linked node; refused on a ticket not taken or already solved."""
    ticket = _load(db, ctx, ticket_id)
    if ticket.status not in (Status.ASSIGNED.value, Status.IN_PROGRESS.value):
        raise OfficeLabError(f"ticket {ticket_id} is {ticket.status}: take it (`desk ticket take {ticket_id}`) before assisting the user")
    users = {u.login: u for u in (ctx.site.directory.users if ctx.site and ctx.site.directory else [])}
    requester = users.get(ticket.requester)
    chosen = node or (requester.workstation if requester and requester.workstation else None) or next(iter(ticket.node_list()), None)
    if chosen is None:
        raise OfficeLabError(
            f"ticket {ticket_id}: {ticket.requester} has no workstation in the directory and no node is linked: name it with --node"
        )
    if ctx.site is not None and chosen not in {n.name for n in ctx.site.nodes}:
        raise OfficeLabError(f"node {chosen!r} is not a node of site {ctx.site.name}")
    return chosen


def remote_session(db: Session, ctx: Context, ticket_id: int, node: str, seconds: float, code: int) -> Event:
    """A remote-assistance session on ``node`` (the user's workstation), in the ticket's thread with its length."""
    ticket = _load(db, ctx, ticket_id)
    if ticket.status == Status.ASSIGNED.value and ticket.assignee == ctx.author:
        ticket.status = Status.IN_PROGRESS.value
    minutes = max(1, round(seconds / 60)) if seconds > 0 else 0
    text = f"prise en main à distance de {node} ({seconds:.0f} s, code de sortie {code})"
    return record(db, ticket, ctx.author, "remote", text, minutes, True, at=ctx.now, node=node, seconds=round(seconds, 1))


def escalate(db: Session, ctx: Context, ticket_id: int, reason: str, to: str | None = None, version: int | None = None) -> Ticket:
    """To the second level, with the reason; to a named N2 technician (assigned) or to the N2 queue (new)."""
    if not reason.strip():
        raise OfficeLabError("an escalation needs its reason (--reason): what was tried, why N2")
    ticket = _move(db, ctx, ticket_id, "escalate", version)
    if ticket.level == "N2":
        raise OfficeLabError(f"ticket {ticket_id} is already at N2")
    if to is not None and _technician_level(ctx, to) == "N1":
        raise OfficeLabError(f"{to} is an N1 technician: escalate to an N2 one, or to the N2 queue (no --to)")
    ticket.level, ticket.assignee = "N2", to
    ticket.status = (Status.ASSIGNED if to else Status.NEW).value
    record(db, ticket, ctx.author, "escalated", reason, at=ctx.now, to=to)
    return ticket


def set_pending(db: Session, ctx: Context, ticket_id: int, reason: str, version: int | None = None) -> Ticket:
    """Waiting for the user or a supplier: the time-to-resolve clock is paused."""
    if not reason.strip():
        raise OfficeLabError("pending needs its reason (--reason): what the ticket waits for")
    ticket = _move(db, ctx, ticket_id, "pending", version)
    record(db, ticket, ctx.author, "pending", reason, at=ctx.now)
    return ticket


def resume(db: Session, ctx: Context, ticket_id: int, text: str = "", version: int | None = None) -> Ticket:
    ticket = _move(db, ctx, ticket_id, "resume", version)
    record(db, ticket, ctx.author, "resumed", text, at=ctx.now)
    return ticket


def solve(db: Session, ctx: Context, ticket_id: int, solution: str, minutes: int = 0, version: int | None = None) -> Ticket:
    """The solution, documented (what was wrong, what was done); the time-to-resolve clock stops."""
    if not solution.strip():
        raise OfficeLabError("a solution needs its text: the cause found and what was done")
    ticket = _move(db, ctx, ticket_id, "solve", version)
    if ticket.assignee is None:
        raise OfficeLabError(f"ticket {ticket_id} has nobody on it: take it first")
    ticket.solution, ticket.solved_at = solution, ctx.now
    record(db, ticket, ctx.author, "solved", solution, minutes, at=ctx.now)
    return ticket


def reopen(db: Session, ctx: Context, ticket_id: int, reason: str, version: int | None = None) -> Ticket:
    """The user refuses the solution: the ticket is worked again (its resolve clock runs on)."""
    if not reason.strip():
        raise OfficeLabError("reopening needs the user's reason (--reason)")
    ticket = _move(db, ctx, ticket_id, "reopen", version)
    ticket.solved_at = None
    record(db, ticket, ctx.author, "reopened", reason, at=ctx.now)
    return ticket


def close(db: Session, ctx: Context, ticket_id: int, satisfaction: int | None = None, version: int | None = None) -> Ticket:
    """The user accepts the solution; their satisfaction 0 to 5 if given."""
    if satisfaction is not None and not 0 <= satisfaction <= 5:
        raise OfficeLabError(f"satisfaction {satisfaction}: expected 0 to 5")
    ticket = _move(db, ctx, ticket_id, "close", version)
    ticket.closed_at, ticket.satisfaction = ctx.now, satisfaction
    record(db, ticket, ctx.author, "closed", at=ctx.now, satisfaction=satisfaction)
    return ticket


def attach(db: Session, ctx: Context, ticket_id: int, what: str, summary: str, data: dict[str, Any]) -> Event:
    """Evidence on the ticket: a recette run, a diagnosis, the learner's journal (``what``), summarised."""
    ticket = _load(db, ctx, ticket_id)
    return record(db, ticket, ctx.author, "evidence", summary, at=ctx.now, what=what, evidence=data)


@dataclass(frozen=True)
class Sla:
    own: Clock
    resolve: Clock
    paused: bool


def sla(ticket: Ticket, history: list[Event], desk: Desk, now: float) -> Sla:
    """The ticket's two SLA clocks now."""
    found = pauses(history)
    own, resolve = clocks(desk, ticket.priority, ticket.opened_at, ticket.owned_at, ticket.solved_at, found, now)
    return Sla(own, resolve, ticket.status == Status.PENDING.value)


def history(db: Session, ticket_id: int) -> list[Event]:
    return events(db, ticket_id)
