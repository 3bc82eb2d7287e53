"""An exercise's ticket: the briefing opened in the desk at the start (in the user's words, not yet qualified), and
what the worked ticket evidences at grading — the qualification against the trainer's (TAI-CP9-C1), handled or
escalated as the scenario requires through the desk (TAI-CP9-C2), the process in order (TAI-CP9-C3), the follow-up
formalised with a knowledge-base article (TAI-CP10-C4); and, where the scenario expects them or the learner did
them, remote assistance from the ticket (TAI-CP9-C4) and the assets named from the inventory (TAI-CP9-C5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from officelab.core.errors import Problem
from officelab.domains.desk.facts import categories, desk_of
from officelab.exercises.model import Scenario, TicketBrief
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.domains.desk.tickets import Event, Ticket

RECEPTION = "accueil"
"""Who opens an exercise's ticket: the desk's reception, as the user's call came in."""

Evidence = dict[str, tuple[float, str]]
"""Criterion id → (score 0 to 1, evidence in French)."""


def ticket_problems(site: Site, brief: TicketBrief) -> list[Problem]:
    """What the scenario's ticket names that the start site has not."""
    found = []
    users = [u.login for u in site.directory.users] if site.directory is not None else []
    if brief.requester not in users:
        found.append(
            Problem(
                ("ticket", "requester"),
                f"{brief.requester!r} is not a user of the site's directory",
                f"users: {', '.join(users) or 'none'}",
            )
        )
    known = categories(desk_of(site))
    for path, value in ((("ticket", "category"), brief.category), (("ticket", "expect", "category"), brief.expect.category)):
        if value is not None and value not in known:
            found.append(Problem(path, f"category {value!r} is not one of the desk's", f"categories: {', '.join(known)}"))
    return found


def open_for(scenario: Scenario, site: Site, lab: str, url: str | None = None) -> int:
    """Open the scenario's ticket in the desk for ``lab``; its number."""
    from officelab.domains.desk import handling as h  # SQLAlchemy: imported when a ticket is opened, not to load a scenario
    from officelab.domains.desk.tickets import session

    brief = scenario.ticket
    assert brief is not None
    opening = h.Opening(scenario.title.fr, brief.requester, brief.urgency, brief.impact, brief.category, description=scenario.briefing.fr)
    with session(url) as db:
        return h.open_ticket(db, h.Context(author=RECEPTION, site=site, lab=lab), opening).id


def _kinds(history: list[Event]) -> list[str]:
    return [e.kind for e in history if e.author != RECEPTION or e.kind == "opened"]


def _qualification(t: Ticket, history: list[Event], brief: TicketBrief) -> tuple[float, str]:
    wanted = {
        k: v
        for k, v in (("urgency", brief.expect.urgency), ("impact", brief.expect.impact), ("category", brief.expect.category))
        if v is not None
    }
    got = {"urgency": t.urgency, "impact": t.impact, "category": t.category}
    said = f"qualifié {t.urgency} × {t.impact} → priorité {t.priority}, {t.category}"
    if not wanted:
        qualified = any(e.kind == "qualified" for e in history)
        return (1.0 if qualified else 0.0), f"{said} ({'requalifié' if qualified else 'jamais requalifié'} ; aucune qualification attendue)"
    right = [k for k, v in wanted.items() if got[k] == v]
    expected = ", ".join(f"{k} {v}" for k, v in wanted.items())
    return len(right) / len(wanted), f"{said} (attendu : {expected})"


def _handling(t: Ticket, kinds: list[str], brief: TicketBrief) -> tuple[float, str]:
    taken, escalated, solved = "taken" in kinds, "escalated" in kinds, t.status in ("solved", "closed")
    if not taken:
        return 0.0, "le ticket n'a pas été pris en charge dans l'outil"
    if brief.expect.escalate:
        return (
            (1.0, "escaladé au niveau 2 avec sa raison, comme il le fallait") if escalated else (0.0, "non escaladé alors qu'il le fallait")
        )
    if escalated:
        return 0.5, "escaladé sans nécessité (le niveau 1 pouvait le traiter)"
    return (1.0, "traité au niveau 1 et résolu dans l'outil") if solved else (0.5, "pris en charge mais pas résolu dans l'outil")


def _process(t: Ticket, kinds: list[str]) -> tuple[float, str]:
    items = {
        "pris en charge avant d'être résolu": "taken" in kinds and ("solved" not in kinds or kinds.index("taken") < kinds.index("solved")),
        "un suivi avant la solution": "followup" in kinds and ("solved" not in kinds or kinds.index("followup") < kinds.index("solved")),
        "solution documentée": bool(t.solution.strip()),
        "clos après résolution": t.status == "closed",
    }
    done = [k for k, ok in items.items() if ok]
    missing = [k for k, ok in items.items() if not ok]
    return len(done) / len(items), "; ".join(done) + (f" — manque : {', '.join(missing)}" if missing else "")


def _remote(history: list[Event], expected: bool) -> tuple[float, str] | None:
    sessions = [e for e in history if e.kind == "remote"]
    if sessions:
        return 1.0, "; ".join(e.text for e in sessions)
    return (0.0, "aucune prise en main à distance depuis le ticket") if expected else None


def _assets(t: Ticket, saved: list[float], expected: bool) -> tuple[float, str] | None:
    """The ticket names what it concerns, and the lab's inventory was scanned and kept while it was worked."""
    scanned = [when for when in saved if when >= t.opened_at]
    if not expected and not scanned:
        return None
    named = t.node_list()
    said = (f"éléments liés : {', '.join(named)}" if named else "aucun élément lié") + (
        "; inventaire du réseau relevé pendant l'intervention" if scanned else "; inventaire du réseau non relevé"
    )
    return (bool(named) + bool(scanned)) / 2, said


def evidence(ticket_id: int, brief: TicketBrief, url: str | None = None) -> Evidence:
    """What the worked ticket evidences, criterion by criterion."""
    from sqlalchemy import select

    from officelab.domains.desk import handling as h
    from officelab.domains.desk.assets import InventoryAsset
    from officelab.domains.desk.knowledge import Article
    from officelab.domains.desk.tickets import get, session

    with session(url) as db:
        t = get(db, ticket_id)
        history = h.history(db, ticket_id)
        articles = list(db.scalars(select(Article.id).where(Article.ticket_id == ticket_id)))
        kinds = _kinds(history)
        followups = [e for e in history if e.kind == "followup" and e.text.strip()]
        formal = [bool(followups), bool(t.solution.strip()), bool(articles)]
        said = f"{len(followups)} suivi(s), solution {'documentée' if t.solution.strip() else 'absente'}, " + (
            f"article {articles[0]} de la base de connaissances" if articles else "aucun article de la base de connaissances"
        )
        saved = list(db.scalars(select(InventoryAsset.scanned_at).where(InventoryAsset.lab == t.lab).limit(1)))
        found: Evidence = {
            "TAI-CP9-C1": _qualification(t, history, brief),
            "TAI-CP9-C2": _handling(t, kinds, brief),
            "TAI-CP9-C3": _process(t, kinds),
            "TAI-CP10-C4": (sum(formal) / len(formal), said),
        }
        for criterion, graded in (
            ("TAI-CP9-C4", _remote(history, brief.expect.remote)),
            ("TAI-CP9-C5", _assets(t, saved, brief.expect.assets)),
        ):
            if graded is not None:
                found[criterion] = graded
        return found
