"""The service desk from the workbench: a lab's tickets, one ticket with its thread and SLA, opening, every action,
the knowledge base. A ticket's answer carries its version (also as ``ETag``); an action sent with ``If-Match: N``
is refused with 409 if the ticket is no longer at version N, and two changes at once give one 409, never a lost
update. A learner sees their own lab's tickets only."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Header, HTTPException, Query, Response
from pydantic import BaseModel, Field

from officelab.api.auth import Who

router = APIRouter()
T = TypeVar("T")
Version = Annotated[int | None, Header(alias="If-Match", description="the version the client read")]


class NewTicket(BaseModel):
    title: str
    requester: str
    urgency: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    category: str
    kind: Literal["incident", "request"] = "incident"
    description: str = ""
    nodes: list[str] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list)
    priority: int | None = Field(default=None, ge=1, le=6)
    reason: str = ""


class Action(BaseModel):
    """What an action says: a reason (escalate, pending, reopen), a text (follow-up, solution), minutes spent, an N2
    technician, a satisfaction, a new qualification."""

    reason: str = ""
    text: str = ""
    minutes: int = Field(default=0, ge=0)
    private: bool = False
    to: str | None = None
    satisfaction: int | None = Field(default=None, ge=0, le=5)
    urgency: int | None = Field(default=None, ge=1, le=5)
    impact: int | None = Field(default=None, ge=1, le=5)
    category: str | None = None
    priority: int | None = Field(default=None, ge=1, le=6)


class FromTicket(BaseModel):
    cause: str = ""


ACTIONS = ("take", "qualify", "followup", "escalate", "pending", "resume", "solve", "reopen", "close")


def _may(account: Any, lab: str) -> None:
    if not account.may_see(lab):
        raise HTTPException(403, f"lab {lab} is not yours")


def _context(account: Any, lab: str, writing: bool) -> Any:
    from officelab.core.errors import OfficeLabError
    from officelab.domains.desk import handling as h
    from officelab.runtime.lab import Lab

    try:
        site = Lab(lab).site()
    except OfficeLabError:
        if writing:
            raise HTTPException(409, f"lab {lab} is not up: its site's directory and nodes are what a ticket names") from None
        site = None
    return h.Context(author=account.name, site=site, lab=lab)


def _in_lab(db: Any, lab: str, number: int) -> Any:
    from officelab.domains.desk.tickets import get

    t = get(db, number)
    if t.lab != lab:
        raise HTTPException(404, f"no ticket {number} on lab {lab}")
    return t


def _transaction(work: Callable[[Any], T]) -> T:
    from officelab.domains.desk.tickets import DeskConflict, session

    try:
        with session() as db:
            return work(db)
    except DeskConflict as error:
        raise HTTPException(409, str(error)) from None


def _ticket(db: Any, t: Any, ctx: Any, with_history: bool) -> dict[str, Any]:
    from officelab.domains.desk import handling as h

    history = h.history(db, t.id)
    clocks = h.sla(t, history, ctx.desk, time.time())
    found: dict[str, Any] = {
        key: getattr(t, key)
        for key in ("id", "lab", "site", "title", "kind", "category", "requester", "urgency", "impact", "priority", "status",
                    "level", "assignee", "opened_at", "owned_at", "solved_at", "closed_at", "solution", "satisfaction", "version")
    }  # fmt: skip
    found |= {"description": t.description, "nodes": t.node_list(), "checks": t.check_list(), "paused": clocks.paused}
    found["sla"] = {
        c.name: {"minutes": c.minutes, "due": c.due, "used": round(c.used), "breached": c.breached, "stopped": c.stopped}
        for c in (clocks.own, clocks.resolve)
    }
    if with_history:
        found["history"] = [
            {
                "at": e.at,
                "author": e.author,
                "kind": e.kind,
                "text": e.text,
                "minutes": e.minutes,
                "private": e.private,
                "data": e.payload(),
            }
            for e in history
        ]
    return found


@router.get("/api/labs/{lab}/desk")
def desk_setup(lab: str, account: Who) -> dict[str, Any]:
    """What a ticket of the lab may name: the desk's categories, the directory's users (the requesters: their login
    and display name, nothing else), the technicians and their level, the site's nodes, and the priority of each
    urgency × impact (the desk's matrix)."""
    from officelab.domains.desk.facts import categories, desk_of, priority

    _may(account, lab)
    site = _context(account, lab, writing=True).site
    desk = desk_of(site)
    users = None if site.directory is None else [{"login": u.login, "name": u.name} for u in site.directory.users]
    return {
        "site": site.name,
        "categories": list(categories(desk)),
        "requesters": users,
        "technicians": [{"name": t.name, "level": t.level} for t in desk.technicians],
        "nodes": [n.name for n in site.nodes],
        "matrix": {u: {i: priority(u, i, desk.matrix) for i in range(1, 6)} for u in range(1, 6)},
    }


@router.get("/api/labs/{lab}/tickets")
def tickets(
    lab: str,
    account: Who,
    all: bool = False,
    status: Annotated[list[str] | None, Query(description="only these statuses (repeatable); overrides all")] = None,
    mine: Annotated[bool, Query(description="only the tickets the account is on")] = False,
) -> list[dict[str, Any]]:
    """The lab's tickets (open ones unless ``all``, or those of ``status``), with their SLA; ``mine``: only those
    the account is on (`officelab desk ticket list [--all] [--mine]`)."""
    from officelab.domains.desk.facts import OPEN, Status
    from officelab.domains.desk.tickets import search

    _may(account, lab)
    known = [s.value for s in Status]
    unknown = [s for s in status or () if s not in known]
    if unknown:
        raise HTTPException(400, f"status {', '.join(unknown)}: expected one of {', '.join(known)}")
    ctx = _context(account, lab, writing=False)
    statuses = tuple(status) if status else () if all else tuple(s.value for s in OPEN)
    assignee = account.name if mine else None
    return _transaction(lambda db: [_ticket(db, t, ctx, False) for t in search(db, lab=lab, status=statuses, assignee=assignee)])


@router.get("/api/labs/{lab}/tickets/{number}")
def ticket(lab: str, number: int, account: Who, response: Response) -> dict[str, Any]:
    """One ticket, its thread and SLA clocks; its version as ``ETag`` (`officelab desk ticket show`)."""
    _may(account, lab)
    ctx = _context(account, lab, writing=False)
    found = _transaction(lambda db: _ticket(db, _in_lab(db, lab, number), ctx, True))
    response.headers["ETag"] = str(found["version"])
    return found


@router.post("/api/labs/{lab}/tickets", status_code=201)
def open_ticket(lab: str, body: NewTicket, account: Who) -> dict[str, Any]:
    """Open a ticket on the lab (`officelab desk ticket new`)."""
    from officelab.domains.desk import handling as h

    _may(account, lab)
    ctx = _context(account, lab, writing=True)
    fields = body.model_dump()
    opening = h.Opening(**{**fields, "nodes": tuple(body.nodes), "checks": tuple(body.checks)})
    return _transaction(lambda db: _ticket(db, h.open_ticket(db, ctx, opening), ctx, False))


@router.post("/api/labs/{lab}/tickets/{number}/article", status_code=201)
def article_from_ticket(lab: str, number: int, body: FromTicket, account: Who) -> dict[str, Any]:
    """A knowledge-base article from the solved ticket: its title, the user's words, its solution and checks
    (`officelab desk kb from-ticket`)."""
    from officelab.domains.desk import knowledge as kb

    _may(account, lab)

    def work(db: Any) -> dict[str, Any]:
        _in_lab(db, lab, number)
        return _article(kb.from_ticket(db, account.name, number, body.cause))

    return _transaction(work)


@router.post("/api/labs/{lab}/tickets/{number}/{action}")
def act(lab: str, number: int, action: str, body: Action, account: Who, version: Version = None) -> dict[str, Any]:
    """An action on the ticket: take, qualify, followup, escalate, pending, resume, solve, reopen, close."""
    from officelab.domains.desk import handling as h

    _may(account, lab)
    if action not in ACTIONS:
        raise HTTPException(404, f"no action {action!r} on a ticket: one of {', '.join(ACTIONS)}")
    ctx = _context(account, lab, writing=True)

    def work(db: Any) -> dict[str, Any]:
        _in_lab(db, lab, number)
        steps: dict[str, Callable[[], Any]] = {
            "take": lambda: h.take(db, ctx, number, version),
            "qualify": lambda: h.qualify(db, ctx, number, body.urgency, body.impact, body.category, body.priority, body.reason, version),
            "followup": lambda: h.follow_up(db, ctx, number, body.text, body.minutes, body.private),
            "escalate": lambda: h.escalate(db, ctx, number, body.reason, body.to, version),
            "pending": lambda: h.set_pending(db, ctx, number, body.reason, version),
            "resume": lambda: h.resume(db, ctx, number, body.text, version),
            "solve": lambda: h.solve(db, ctx, number, body.text, body.minutes, version),
            "reopen": lambda: h.reopen(db, ctx, number, body.reason, version),
            "close": lambda: h.close(db, ctx, number, body.satisfaction, version),
        }
        steps[action]()
        db.flush()
        return _ticket(db, _in_lab(db, lab, number), ctx, False)

    return _transaction(work)


def _article(a: Any, score: float | None = None) -> dict[str, Any]:
    return {"id": a.id, "title": a.title, "category": a.category, "symptoms": a.symptoms, "cause": a.cause,
            "solution": a.solution, "checks": a.check_list(), "ticket": a.ticket_id, "score": score}  # fmt: skip


@router.get("/api/kb")
def kb_search(q: str, account: Who) -> list[dict[str, Any]]:
    """The knowledge base's articles for these French words, best first (`officelab desk kb search`)."""
    from officelab.domains.desk import knowledge as kb

    return _transaction(lambda db: [_article(a, score) for a, score in kb.search(db, q)])
