"""Exercises and the class from the workbench: the learner's briefing, check (goals only: never a cause),
hints and hand-in on their own lab; the grade sheet and the class's table for the trainer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException

from officelab.api.auth import LabName, Trainer, Who

router = APIRouter()


@router.get("/api/labs/{lab}/exercise")
def brief(lab: LabName, account: Who, lang: str = "fr") -> dict[str, Any]:
    """The customer's request, the goals with their points, the time, the hints left (`officelab exercise brief`)."""
    from officelab.exercises import session

    return asdict(session.briefing(lab, _lang(lang)))


@router.post("/api/labs/{lab}/exercise/check")
def check(lab: LabName, account: Who, lang: str = "fr") -> list[dict[str, Any]]:
    """Each goal reached or not yet, and nothing else (`officelab exercise check`, learner mode)."""
    from officelab.exercises import session

    return [{"id": g.id, "title": g.title, "reached": g.reached} for g in session.check(lab, _lang(lang))]


@router.post("/api/labs/{lab}/exercise/hint")
def hint(lab: LabName, account: Who, lang: str = "fr") -> dict[str, Any]:
    """The next hint and what it costs (`officelab exercise hint`); 404 when every hint was shown."""
    from officelab.exercises import session

    given = session.hint(lab)
    if given is None:
        raise HTTPException(404, "no more hints" if lang == "en" else "plus d'indice")
    index, shown = given
    return {"number": index + 1, "text": shown.fr if _lang(lang) == "fr" else shown.en, "cost": shown.cost}


@router.post("/api/labs/{lab}/exercise/submit")
def submit(lab: LabName, account: Who) -> dict[str, Any]:
    """Hand the work in: the time stops (`officelab exercise submit`)."""
    from officelab.exercises import session

    record = session.submit(lab)
    return {"learner": record.learner, "started_at": record.started_at, "submitted_at": record.submitted_at}


@router.get("/api/labs/{lab}/exercise/grade")
def grade(account: Trainer, lab: LabName) -> dict[str, Any]:
    """Grade the learner now: goals, regressions, hints, time, method and criteria (`officelab exercise grade`)."""
    from officelab.exercises import session

    sheet, _ = session.grade(lab)
    return sheet.to_dict()


@router.get("/api/classes/{name}")
def class_status(name: str, account: Trainer, lang: str = "fr") -> list[dict[str, Any]]:
    """One row per learner: lab up, goals reached, last activity, commands, hints, handed in (`officelab class status`)."""
    from officelab.exercises import classroom

    return [asdict(row) for row in classroom.status(name, _lang(lang))]


def _lang(lang: str) -> str:
    if lang not in ("fr", "en"):
        raise HTTPException(400, f"lang {lang!r}: fr or en")
    return lang
