"""A learner's grade sheet: points per goal (partial credit: the share of its checks that pass), regressions (checks
that passed at the start and fail now), hints, time, the method criteria from the journal, and a verdict per
official criterion the scenario trains, each with its evidence."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from officelab.criteria import catalogue
from officelab.exercises.evidence import METHOD_CRITERIA, OUTCOME_CRITERIA, POLICY_CRITERIA
from officelab.exercises.journal import Entry
from officelab.exercises.method import MethodItem, assess
from officelab.exercises.scenario import Variant
from officelab.exercises.store import ExerciseRecord

METHOD_POINTS = 10


@dataclass
class GoalGrade:
    id: str
    title: str
    points: int
    earned: float
    reached: bool
    checks: dict[str, str]  # check id → status now
    criteria: list[str]


@dataclass
class CriterionGrade:
    id: str
    title: str
    verdict: str  # acquis | en cours | non acquis | à confirmer
    score: float
    evidence: str


@dataclass
class GradeSheet:
    learner: str
    lab: str
    scenario: str
    title: str
    values: dict[str, Any]
    started_at: float
    graded_at: float
    elapsed: float
    time_limit: float | None
    goals: list[GoalGrade]
    regressions: list[str]
    regression_points: int
    regression_earned: float
    hints_used: int
    hints_cost: int
    method: list[MethodItem]
    method_points: int
    method_earned: float
    criteria: list[CriterionGrade]
    total: float
    maximum: int
    submitted: bool = False
    journal_lines: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def goal_points(self) -> float:
        return sum(g.earned for g in self.goals)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def verdict(score: float) -> str:
    return "acquis" if score >= 0.999 else "en cours" if score >= 0.5 else "non acquis"


def seconds(duration: str | None) -> float | None:
    if duration is None or duration == "infinite":
        return None
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(duration[-1], 1)
    return float(duration.rstrip("smhd")) * unit


def compute(
    record: ExerciseRecord,
    v: Variant,
    statuses: dict[str, str],
    entries: list[Entry],
    now: float | None = None,
    desk: dict[str, tuple[float, str]] | None = None,
) -> GradeSheet:
    """The grade sheet for the lab's state now (``statuses``: the goal site's recette, check id → status; ``desk``:
    what the exercise's ticket evidences, criterion → score and evidence)."""
    scenario = v.scenario
    now = now or time.time()
    goals: list[GoalGrade] = []
    in_goals: set[str] = set()
    for goal in scenario.goal.goals:
        ids = v.goal_checks[goal.id]
        in_goals.update(ids)
        checks = {c: statuses.get(c, "not run") for c in ids}
        passed = sum(1 for s in checks.values() if s == "pass")
        earned = round(goal.points * passed / len(ids), 2) if ids else 0.0
        goals.append(GoalGrade(goal.id, goal.title.fr, goal.points, earned, passed == len(ids), checks, list(goal.criteria)))
    regressions = sorted(c for c, s in record.baseline.items() if s == "pass" and c not in in_goals and statuses.get(c, "pass") != "pass")
    # Leaving the rest working, and the method, earn points in proportion to the goals reached: doing nothing earns
    # nothing, however careful.
    goal_share = sum(g.earned for g in goals) / max(1, sum(g.points for g in goals))
    reg = scenario.regressions
    regression_earned = round(max(0, reg.points - reg.per_check * len(regressions)) * goal_share, 2)
    hints_cost = sum(scenario.hints[i].cost for i in record.hints if i < len(scenario.hints))
    method = assess([e for e in entries if e.ts >= record.started_at], v.fault_layer, scenario.method.max_tests)
    method_earned = round(sum(item.score for item in method) * METHOD_POINTS / len(method) * goal_share, 2)
    by_key = {item.key: item for item in method}
    policy_share = regression_earned / reg.points if reg.points else goal_share
    criteria = _criteria(scenario.criteria, goals, by_key, goal_share, (policy_share, regressions), desk or {})
    maximum = sum(g.points for g in goals) + reg.points + METHOD_POINTS
    total = max(0.0, round(sum(g.earned for g in goals) + regression_earned + method_earned - hints_cost, 2))
    end = record.submitted_at or now
    limit = seconds(scenario.time_limit)
    notes = []
    if limit is not None and end - record.started_at > limit:
        notes.append(f"temps limite dépassé : {(end - record.started_at) / 60:.0f} min pour {limit / 60:.0f} min")
    return GradeSheet(
        learner=record.learner,
        lab=record.lab,
        scenario=scenario.id,
        title=scenario.title.fr,
        values=dict(v.values),
        started_at=record.started_at,
        graded_at=now,
        elapsed=round(end - record.started_at, 1),
        time_limit=limit,
        goals=goals,
        regressions=regressions,
        regression_points=reg.points,
        regression_earned=regression_earned,
        hints_used=len(record.hints),
        hints_cost=hints_cost,
        method=method,
        method_points=METHOD_POINTS,
        method_earned=method_earned,
        criteria=criteria,
        total=total,
        maximum=maximum,
        submitted=record.submitted_at is not None,
        journal_lines=len(entries),
        notes=notes,
    )


def _criteria(
    trained: list[str],
    goals: list[GoalGrade],
    method: dict[str, MethodItem],
    goal_share: float,
    policy: tuple[float, list[str]],
    desk: dict[str, tuple[float, str]],
) -> list[CriterionGrade]:
    known = catalogue().criteria
    ids = list(dict.fromkeys([c for g in goals for c in g.criteria] + list(trained) + list(desk)))
    grades = []
    for cid in ids:
        criterion = known[cid]
        scored = [g for g in goals if cid in g.criteria]
        if cid in desk:
            score, evidence = desk[cid]
            evidence = f"ticket : {evidence}"
        elif cid in METHOD_CRITERIA:
            items = [method[k] for k in METHOD_CRITERIA[cid]]
            score = min(i.score for i in items)
            evidence = " ; ".join(f"{i.title} : {i.explanation}" for i in items)
        elif scored:
            score = sum(g.earned for g in scored) / sum(g.points for g in scored)
            evidence = ", ".join(f"objectif {g.id} {'atteint' if g.reached else f'{g.earned:g}/{g.points}'}" for g in scored)
        elif cid in OUTCOME_CRITERIA:
            score = goal_share
            evidence = f"{goal_share:.0%} des points d'objectifs : les vérifications en échec au départ passent"
        elif cid in POLICY_CRITERIA:
            score, broken = policy
            evidence = "rien d'autre n'a été ouvert ni cassé" if not broken else f"régressions : {', '.join(broken[:5])}"
        else:
            score, evidence = 0.0, "aucune preuve automatique dans ce scénario"
        shown = verdict(score)
        if criterion.check == "partial":
            shown, evidence = "à confirmer", f"{evidence} (preuve : {verdict(score)} ; le formateur confirme)"
        elif criterion.check == "human":
            shown, evidence = "à évaluer", "le formateur évalue"
        grades.append(CriterionGrade(cid, criterion.fr, shown, round(score, 2), evidence))
    return grades
