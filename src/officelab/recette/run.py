"""Run a recette on a lab (probes on its nodes) or here (field mode: probes from this machine)."""

from __future__ import annotations

import getpass
import os
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import Field

from officelab.core.errors import OfficeLabError, Problem, SiteInvalid
from officelab.core.model import Model
from officelab.probes.place import LocalPlace, Place
from officelab.recette.derive import check_from_spec, derive, unbuilt_checks
from officelab.recette.engine import order_problems, run_suite
from officelab.recette.model import Check, Outcome, SuiteResult
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace
from officelab.site.loader import load_model
from officelab.site.model import SiteCheck
from officelab.site.yamlfile import read_text_file


def technician() -> str:
    return os.environ.get("OFFICELAB_TECHNICIAN") or os.environ.get("SUDO_USER") or getpass.getuser()


def select(
    checks: list[Check],
    criterion: str | None = None,
    node: str | None = None,
    groups: tuple[str, ...] | None = None,
    ids: set[str] | None = None,
) -> list[Check]:
    """The checks evidencing ``criterion``, placed on ``node``, of these ``groups`` and/or among ``ids``, with everything
    they depend on."""
    if criterion is None and node is None and groups is None and ids is None:
        return checks
    by_id = {c.id: c for c in checks}
    wanted = {
        c.id
        for c in checks
        if (criterion is None or criterion in c.criteria)
        and (node is None or c.place == node)
        and (groups is None or c.group in groups)
        and (ids is None or c.id in ids)
    }
    stack = list(wanted)
    while stack:
        for dep in by_id[stack.pop()].all_depends():
            if dep not in wanted:
                wanted.add(dep)
                stack.append(dep)
    return [c for c in checks if c.id in wanted]


def run_on_lab(lab: Lab, checks: list[Check] | None = None, progress: Callable[[Outcome], None] | None = None) -> SuiteResult:
    """Run ``checks`` (default: the site's whole derived recette) on the lab's nodes."""
    site = lab.site()
    if not lab.is_up():
        raise OfficeLabError(f"lab {lab.name} is not up: run `officelab up --lab {lab.name}`")
    places: dict[str, Place] = {}

    def place_for(node: str) -> Place:
        if node not in places:
            places[node] = NodePlace(node, lab.context(node))
        return places[node]

    result = SuiteResult(site=site.name, lab=lab.name, started=time.time(), technician=technician())
    if checks is None:
        derived = derive(site)
        checks, result.not_built = derived.checks, unbuilt_checks(derived)
    start = time.monotonic()
    result.outcomes = run_suite(checks, place_for, progress=progress)
    result.duration = time.monotonic() - start
    return result


class PlanCheck(SiteCheck):
    """A check of a field plan: as in a site file, run from this machine (``from`` is not used)."""

    from_: str = Field(default="here", alias="from")


class FieldPlan(Model):
    """A plan of probes to run from the technician's machine against a real network."""

    name: str = "field"
    checks: list[PlanCheck]


def load_plan(path: Path) -> tuple[FieldPlan, list[Check]]:
    text = read_text_file(path, "plan")
    plan, _ = load_model(text, str(path), FieldPlan, "field plan (`name`, `checks`)")
    checks = [check_from_spec(c, "here", "field") for c in plan.checks]
    problems = order_problems(checks)
    if problems:
        raise SiteInvalid(path, [Problem(("checks",), p, file=str(path), hint="fix the ids in `depends`") for p in problems])
    return plan, checks


def run_here(path: Path, progress: Callable[[Outcome], None] | None = None) -> SuiteResult:
    """Field mode: run a plan's probes from this machine."""
    plan, checks = load_plan(path)
    local = LocalPlace()
    result = SuiteResult(site=plan.name, lab="here", started=time.time(), technician=technician())
    start = time.monotonic()
    result.outcomes = run_suite(checks, lambda _: local, progress=progress)
    result.duration = time.monotonic() - start
    return result
