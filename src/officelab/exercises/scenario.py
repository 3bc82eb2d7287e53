"""Loading a scenario: the file typed by the model, then every variant a learner could get checked against its site —
the patches fit, the start and goal sites are valid sites, the faults fit the start site, every goal names checks
the goal site's recette has, the solution runs on nodes that exist, the criteria are the catalogue's. Every problem
comes back at once, located in the scenario file (file:line, field, hint), as for a site file."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from officelab.core.errors import OfficeLabError, Problem, SiteInvalid
from officelab.criteria import catalogue
from officelab.exercises import patch
from officelab.exercises.evidence import DECIDED
from officelab.exercises.model import Scenario
from officelab.exercises.ticketing import ticket_problems
from officelab.exercises.variables import DEFAULT_SEED, Unrendered, combinations, draw, render
from officelab.faults import engine
from officelab.faults.model import Fault
from officelab.recette.derive import derive
from officelab.recette.model import Check
from officelab.recette.sitefile import load_checked_text
from officelab.site.catalog import resolve
from officelab.site.loader import MAX_PROBLEMS, load_model, place_problems
from officelab.site.model import Site
from officelab.site.yamlfile import parse_yaml, read_text_file

LAYERS = ("physical", "data link", "network", "transport", "application")


def library_dir() -> Path:
    return Path(str(resources.files("officelab.exercises") / "library"))


def builtin_scenarios() -> dict[str, Path]:
    """Built-in scenario ids → their files."""
    return {p.stem: p for p in sorted(library_dir().glob("*.yaml"))}


@dataclass(frozen=True)
class Listed:
    """A built-in scenario as the catalogue shows it (the title's variables elided: the learner's values are theirs)."""

    id: str
    title: str
    competencies: list[str]
    level: int
    duration: str


def library_listing(lang: str = "fr") -> list[Listed]:
    """The built-in scenarios: id, title in ``lang``, competencies, level, duration."""
    listed = []
    for sid, path in builtin_scenarios().items():
        s = load_scenario(path, every_variant=False).scenario
        title = re.sub(r"\{\{[^}]*\}\}", "…", s.title.in_(lang))
        listed.append(Listed(sid, title, list(s.competencies), s.level, s.duration))
    return listed


def resolve_scenario(ref: str | Path) -> Path:
    path = Path(ref)
    if path.is_file():
        return path
    known = builtin_scenarios()
    if str(ref) in known:
        return known[str(ref)]
    raise OfficeLabError(f"no scenario file {ref!s} and no built-in scenario of that name (see `officelab exercise list`)")


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario as written (variables not substituted), with its YAML tree for locating problems."""

    scenario: Scenario
    data: Any
    file: str

    @property
    def id(self) -> str:
        return self.scenario.id


@dataclass
class Variant:
    """What one learner gets: the scenario with their values substituted, the start and goal sites, the faults, and
    the ids of each goal's checks in the goal site's recette."""

    scenario: Scenario
    learner: str
    seed: str
    values: dict[str, Any]
    start_text: str
    start_site: Site
    goal_site: Site
    faults: list[Fault]
    goal_checks: dict[str, list[str]] = field(default_factory=dict)
    goal_text: str = ""

    @property
    def fault_layer(self) -> str | None:
        """The faulty layer the method is judged against: the scenario's, else the lowest of its faults'."""
        if self.scenario.method.layer:
            return self.scenario.method.layer
        layers = [str(f.layer) for f in self.faults if str(f.layer) in LAYERS]
        return min(layers, key=LAYERS.index) if layers else None


@lru_cache(maxsize=8)
def _site_data(site_ref: str) -> tuple[str, Any]:
    file = resolve(site_ref)
    return str(file), patch.plain(parse_yaml(read_text_file(file), str(file)))


@lru_cache(maxsize=32)
def _site(text: str, name: str) -> Site:
    return load_checked_text(text, name)


@lru_cache(maxsize=32)
def _checks(text: str, name: str) -> tuple[Check, ...]:
    return tuple(derive(_site(text, name)).checks)


def load_scenario(ref: str | Path, every_variant: bool = True) -> ScenarioFile:
    """Load and fully check a scenario file (or a built-in scenario by id). Raises `SiteInvalid` with every problem.
    ``every_variant=False``: the file's types only (a learner's variant is checked when it is built)."""
    path = resolve_scenario(ref)
    file = str(path)
    scenario, data = load_model(read_text_file(path, "scenario file"), file, Scenario, "scenario file (`id`, `title`, `goal`, …)")
    loaded = ScenarioFile(scenario, data, file)
    if not every_variant:
        return loaded
    found = problems(loaded)
    if found:
        placed = place_problems(found, data, file)
        raise SiteInvalid(path, placed[:MAX_PROBLEMS], more=max(0, len(placed) - MAX_PROBLEMS))
    return loaded


def problems(loaded: ScenarioFile) -> list[Problem]:
    """Every problem of the scenario: its references to the catalogue, then each variant's (all combinations of values)."""
    scenario = loaded.scenario
    known = catalogue().criteria
    competencies = {c.id for c in catalogue().competencies}
    found = [
        Problem(("competencies", i), f"no competency {c} in the catalogue", "see `officelab criteria`")
        for i, c in enumerate(scenario.competencies)
        if c not in competencies
    ]
    on_goals = {c for goal in scenario.goal.goals for c in goal.criteria}
    for i, c in enumerate(scenario.criteria):
        if c not in known:
            found.append(Problem(("criteria", i), f"no criterion {c} in the catalogue", "see `officelab criteria`"))
        elif c not in on_goals and c not in DECIDED:
            found.append(
                Problem(
                    ("criteria", i),
                    f"criterion {c} is on no goal, and grading cannot decide it from the journal or the recette",
                    f"put it on the goal that evidences it; without a goal, only {', '.join(sorted(DECIDED))}",
                )
            )
    for g, goal in enumerate(scenario.goal.goals):
        found += [
            Problem(("goal", "goals", g, "criteria", i), f"no criterion {c} in the catalogue", "see `officelab criteria`")
            for i, c in enumerate(goal.criteria)
            if c not in known
        ]
    ids = [goal.id for goal in scenario.goal.goals]
    found += [
        Problem(("goal", "goals", i, "id"), f"goal id {g} is used twice", "give each goal its own id")
        for i, g in enumerate(ids)
        if g in ids[:i]
    ]
    try:
        _site_data(scenario.site)
    except OfficeLabError as exc:
        return [*found, Problem(("site",), str(exc), "a built-in site name (`officelab sites`) or a site file")]
    seen: set[str] = set()
    for values in combinations(scenario.variables):
        for problem in _variant_problems(loaded, values):
            if problem.message not in seen:  # the same mistake in every variant is reported once
                seen.add(problem.message)
                found.append(problem)
    return found


def _variant_problems(loaded: ScenarioFile, values: dict[str, Any]) -> list[Problem]:
    try:
        build(loaded, "validation", DEFAULT_SEED, values)
    except VariantInvalid as exc:
        suffix = f" (with {', '.join(f'{k} = {v}' for k, v in values.items())})" if values else ""
        return [Problem(p.path, p.message + suffix, p.hint) for p in exc.problems]
    return []


class VariantInvalid(OfficeLabError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def variant(loaded: ScenarioFile, learner: str, seed: str = DEFAULT_SEED) -> Variant:
    """The learner's variant (values drawn from ``seed`` and the learner's name)."""
    values = draw(loaded.scenario.variables, learner, seed)
    try:
        return build(loaded, learner, seed, values)
    except VariantInvalid as exc:
        raise OfficeLabError(f"{loaded.file}: the variant of {learner} is invalid: {exc}") from None


def build(loaded: ScenarioFile, learner: str, seed: str, values: dict[str, Any]) -> Variant:
    """The variant for ``values``. Raises `VariantInvalid` with every problem it has."""
    raw = loaded.scenario.model_dump(mode="json", by_alias=True, exclude={"variables"})
    try:
        rendered = Scenario.model_validate({**render(raw, values), "variables": loaded.scenario.model_dump(mode="json")["variables"]})
    except Unrendered as exc:
        raise VariantInvalid([Problem(exc.path, f"cannot substitute the variables: {exc}", "variables are written {{ name }}")]) from None
    except ValueError as exc:
        raise VariantInvalid([Problem((), f"with the variables substituted, the scenario is invalid: {exc}")]) from None
    _, site_data = _site_data(rendered.site)
    found: list[Problem] = []
    start_site = goal_site = None
    start_text = goal_text = ""
    for part in ("start", "goal"):
        ops = rendered.start.patch if part == "start" else rendered.goal.patch
        try:
            text = patch.dump(patch.apply(site_data, ops))
        except patch.PatchError as exc:
            step = int(str(exc).split(":")[0].removeprefix("step ")) - 1
            found.append(
                Problem(
                    (part, "patch", step), f"the patch does not fit site {rendered.site}: {exc}", "paths are dotted keys with selectors"
                )
            )
            continue
        try:
            site = _site(text, f"{rendered.site} ({part} of {rendered.id})")
        except SiteInvalid as exc:
            first = exc.problems[0] if exc.problems else None
            what = f"{first.field}: {first.message}" if first else str(exc)
            found.append(Problem((part, "patch"), f"the {part} site is not a valid site: {what}", first.hint if first else ""))
            continue
        if part == "start":
            start_site, start_text = site, text
        else:
            goal_site, goal_text = site, text
    faults: list[Fault] = []
    if start_site is not None:
        for i, spec in enumerate(rendered.start.faults):
            try:
                faults.append(engine.make(start_site, spec.type, dict(spec.params)))
            except OfficeLabError as exc:
                found.append(Problem(("start", "faults", i), str(exc), "see `officelab fault catalogue`"))
        nodes = {n.name for n in start_site.nodes}
        found += [
            Problem(("solution", i, "on"), f"no node {s.on} in the start site", f"nodes: {', '.join(sorted(nodes))}")
            for i, s in enumerate(rendered.solution)
            if s.on is not None and s.on not in nodes
        ]
    if start_site is not None and rendered.ticket is not None:
        found += ticket_problems(start_site, rendered.ticket)
    goal_checks: dict[str, list[str]] = {}
    if goal_site is not None:
        ids = [c.id for c in _checks(goal_text, f"{rendered.site} (goal of {rendered.id})")]
        for g, goal in enumerate(rendered.goal.goals):
            chosen: list[str] = []
            for i, pattern in enumerate(goal.checks):
                matched = fnmatch.filter(ids, pattern)
                if not matched:
                    close = [c for c in ids if c.split(":")[0] == pattern.split(":")[0]][:5]
                    found.append(
                        Problem(
                            ("goal", "goals", g, "checks", i),
                            f"no check of the goal site matches {pattern!r}",
                            f"e.g. {', '.join(close)}" if close else "see `officelab check --list` on the goal site",
                        )
                    )
                chosen += [c for c in matched if c not in chosen]
            goal_checks[goal.id] = chosen
    if found:
        raise VariantInvalid(found)
    assert start_site is not None and goal_site is not None
    return Variant(rendered, learner, seed, values, start_text, start_site, goal_site, faults, goal_checks, goal_text)


def goal_suite(v: Variant) -> list[Check]:
    """The goal site's whole recette (what grading runs)."""
    return list(_checks(v.goal_text, f"{v.scenario.site} (goal of {v.scenario.id})"))
