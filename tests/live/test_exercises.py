"""Exercises on live labs: two learners get two sealed variants of one scenario; doing nothing earns no goal points;
the reference solution earns full marks; a learner who tests top-down and breaks something else scores lower on
method and loses the regression points; nothing of the exercise is readable from a learner's node.

Every built-in scenario's reference solution is proven by `make test-scenarios` (OFFICELAB_ALL_SCENARIOS=1)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.exercises import journal, session, store
from officelab.exercises.grade import GradeSheet
from officelab.exercises.scenario import builtin_scenarios, library_dir, load_scenario, variant
from officelab.runtime import nodefs
from officelab.runtime.lab import Lab
from officelab.runtime.state import home
from tests.conftest import cli
from tests.live.leaks import Snapshot, assert_nothing_left, netns_inodes

pytestmark = pytest.mark.live
SCENARIO = "poste-sans-reseau"


def two_learners() -> tuple[str, str]:
    """Two learner names whose variants put the fault on different workstations."""
    loaded = load_scenario(SCENARIO, every_variant=False)
    names = ["alice", "bob", "chloe", "david", "emma", "farid"]
    first = variant(loaded, names[0]).values["pc"]
    second = next(n for n in names[1:] if variant(loaded, n).values["pc"] != first)
    return names[0], second


@pytest.fixture(scope="module")
def learners() -> Iterator[tuple[str, str]]:
    pair = two_learners()
    before = Snapshot()
    loaded = load_scenario(SCENARIO)
    try:
        for name in pair:
            record, reached = session.start(loaded, name)
            assert reached == [], f"goals reached at the start: {reached}"
            assert record.baseline
        yield pair
    finally:
        inodes = {name: netns_inodes(name) for name in pair}
        for name in pair:
            session.stop(name)
        for name in pair:
            assert_nothing_left(name, Lab(name).dir.path, before, inodes[name])


def graded(name: str) -> GradeSheet:
    return session.grade(name)[0]


def test_two_learners_get_two_variants(learners: tuple[str, str]) -> None:
    a, b = (store.require(n) for n in learners)
    assert a.values["pc"] != b.values["pc"]
    for record in (a, b):  # each lab has the fault on its own learner's workstation, and only there
        link = Lab(record.lab).run(record.values["pc"], ["ip", "-br", "link", "show", "eth0"]).stdout
        assert "NO-CARRIER" in link or "DOWN" in link, link
    other = Lab(a.lab).run(b.values["pc"], ["ip", "-br", "link", "show", "eth0"]).stdout
    assert " UP " in other, other


def test_learner_mode_check_says_not_yet_never_why(learners: tuple[str, str]) -> None:
    result = cli("exercise", "check", "--learner", learners[0])
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.count("pas encore") == 2
    for secret in ("link:", "NO-CARRIER", "cable", "câble", "cause"):
        assert secret not in result.stdout


def test_doing_nothing_earns_no_goal_points(learners: tuple[str, str]) -> None:
    sheet = graded(learners[0])
    assert sheet.goal_points == 0 and sheet.total == 0
    assert all(not g.reached for g in sheet.goals)


def test_nothing_of_the_exercise_is_readable_from_a_node(learners: tuple[str, str]) -> None:
    a, b = (store.require(n) for n in learners)
    lab = Lab(a.lab)
    exercises = home() / "exercises"
    probes = {
        "the exercises' directory": ["ls", str(exercises)],
        "the learner's own journal": ["cat", str(exercises / a.lab / "journal.jsonl")],
        "the exercise record (goal, seed)": ["cat", str(exercises / a.lab / "exercise.json")],
        "the other learner's lab": ["ls", str(home() / "labs" / b.lab)],
        "the scenario library": ["ls", str(library_dir())],
        "the scenario's file": ["cat", str(library_dir() / f"{SCENARIO}.yaml")],
        "a source checkout's history": ["ls", str(Path(nodefs.CODE).parent / ".git")],
        "the tests' recorded journals": ["ls", str(Path(nodefs.CODE).parent / "tests")],
    }
    for node in (a.values["pc"], "srv-ad", "fw"):
        for what, argv in probes.items():
            seen = lab.run(node, argv, timeout=60)
            leaked = seen.returncode == 0 and seen.stdout.strip() != ""
            assert not leaked, f"{node} reads {what}: {seen.stdout[:200]}"
    # The whole OfficeLab home is an empty directory from a node.
    assert lab.run(a.values["pc"], ["ls", "-A", str(home())]).stdout.strip() in ("", "labs")


def test_reference_solution_earns_full_marks(learners: tuple[str, str]) -> None:
    name = learners[1]
    session.solve(name)
    states = session.check(name)
    assert all(g.reached for g in states)
    sheet = graded(name)
    assert sheet.total == sheet.maximum, sheet.to_dict()
    assert all(item.score == 1.0 for item in sheet.method)
    assert {c.id: c.verdict for c in sheet.criteria}["TRI-CP1-C5"] == "acquis"


def test_top_down_and_collateral_damage_cost_points(learners: tuple[str, str]) -> None:
    name = learners[0]
    pc = store.require(name).values["pc"]
    top_down = [
        ["nslookup", "intranet.cabinet-martin.lan"],
        ["ping", "-c1", "-W1", "10.10.10.1"],
        ["ip", "-4", "addr", "show", "eth0"],
        ["ip", "link", "show", "eth0"],
    ]
    for argv in top_down:
        cli("exec", "--lab", name, pc, "--", *argv)
    assert cli("link", "up", f"{pc}:eth0", "--lab", name).returncode == 0
    assert cli("link", "down", "srv-app:eth0", "--lab", name).returncode == 0  # collateral damage
    commands = [e.command for e in journal.read(name)]
    assert "ip link show eth0" in commands and f"link up {pc}:eth0" in commands
    sheet = graded(name)
    solved = store.require(learners[1])
    assert sheet.goal_points == sum(g.points for g in sheet.goals)  # the goals are reached…
    assert "link:srv-app:eth0" in sheet.regressions and sheet.regression_earned < sheet.regression_points  # …not without damage
    logical = {m.key: m.score for m in sheet.method}["logical"]
    assert logical < 1.0 and solved.lab != name
    assert sheet.total < sheet.maximum
    cli("link", "up", "srv-app:eth0", "--lab", name)


ALL = os.environ.get("OFFICELAB_ALL_SCENARIOS") == "1"
LIBRARY = sorted(s for s in builtin_scenarios() if s != SCENARIO)


@pytest.mark.skipif(not ALL, reason="every scenario: `make test-scenarios` (about 2 minutes each)")
@pytest.mark.parametrize("scenario", LIBRARY)
def test_every_reference_solution_earns_full_marks(scenario: str) -> None:
    learner = "scenario"
    loaded = load_scenario(scenario)
    try:
        _, reached = session.start(loaded, learner)
        assert reached == [], f"goals already reached at the start: {reached}"
        nothing = graded(learner)
        assert nothing.goal_points == 0, nothing.to_dict()
        session.solve(learner)
        sheet = graded(learner)
        assert sheet.total == sheet.maximum, {"goals": sheet.goals, "regressions": sheet.regressions, "method": sheet.method}
    finally:
        session.stop(learner)
