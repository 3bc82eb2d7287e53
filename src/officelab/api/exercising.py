"""Exercises and the class from the workbench: the learner's briefing, check (goals only: never a cause),
hints and hand-in on their own lab; the grade sheet and the class's table for the trainer."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel

from officelab.api.auth import LabName, Trainer, Who

router = APIRouter()


class Start(BaseModel):
    scenario: str
    seed: str | None = None


@router.get("/api/scenarios")
def scenarios(account: Who, lang: str = "fr") -> list[dict[str, Any]]:
    """The built-in scenarios: id, title, competencies, level, duration (`officelab exercise list`)."""
    from officelab.exercises.scenario import library_listing

    return [asdict(s) for s in library_listing(_lang(lang))]


@router.post("/api/labs/{lab}/exercise/start")
def start(lab: str, body: Start, account: Who, lang: str = "fr") -> dict[str, Any]:
    """Boot the learner's variant of a scenario as their lab, make its start state (`officelab exercise start`);
    the lab is named after the learner. Returns the briefing."""
    from officelab.exercises import session
    from officelab.exercises.scenario import builtin_scenarios, load_scenario
    from officelab.exercises.variables import DEFAULT_SEED

    if not account.may_see(lab):
        raise HTTPException(403, f"lab {lab} is not yours")
    if body.scenario not in builtin_scenarios():
        raise HTTPException(404, f"no built-in scenario {body.scenario!r}: see GET /api/scenarios")
    session.start(load_scenario(body.scenario), lab, body.seed or DEFAULT_SEED)
    return asdict(session.briefing(lab, _lang(lang), journaled=False))


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


@router.get("/api/classes")
def classes(account: Trainer) -> list[dict[str, Any]]:
    """The classes started (`officelab class start`): name, scenario, learners."""
    from officelab.exercises import classroom

    return [{"name": r.name, "scenario": r.scenario_id, "learners": r.learners} for r in classroom.all_classes()]


@router.get("/api/classes/{name}")
def class_status(name: str, account: Trainer, lang: str = "fr") -> list[dict[str, Any]]:
    """One row per learner: lab up, goals reached, last activity, commands, hints, handed in (`officelab class status`)."""
    from officelab.exercises import classroom

    return [asdict(row) for row in classroom.status(name, _lang(lang))]


@router.get("/api/classes/{name}/grid.csv")
def class_grid(name: str, account: Trainer) -> Response:
    """The class's grading grids as CSV, one row per learner and criterion (`officelab exercise grade export --csv`)."""
    from officelab.exercises import classroom, gradebook

    grids = gradebook.grids(classroom.load(name).learners)
    headers = {"Content-Disposition": f'attachment; filename="{name}-grilles.csv"'}
    return Response(gradebook.to_csv(grids), media_type="text/csv; charset=utf-8", headers=headers)


def _lang(lang: str) -> str:
    if lang not in ("fr", "en"):
        raise HTTPException(400, f"lang {lang!r}: fr or en")
    return lang
