"""Scenario files: the built-in library is valid in every variant, learners get their own stable variants, and a
broken scenario is refused with every problem located (file:line, field, hint), exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from officelab.core.errors import SiteInvalid
from officelab.criteria import catalogue
from officelab.exercises import patch
from officelab.exercises.model import PatchOp
from officelab.exercises.scenario import builtin_scenarios, load_scenario, variant
from tests.conftest import cli

LIBRARY = builtin_scenarios()
PRACTISED = [
    "TRI-CP1",
    "TRI-CP3",
    "TRI-CP4",
    "TRI-CP5",
    "TRI-CP6",
    "TRI-CP7",
    "TRI-CP8",
    "TRI-CT",
    "TAI-CP3",
    "TAI-CP4",
    "TAI-CP5",
    "TAI-CP6",
    "TAI-CP7",
    "TAI-CP11",
]


@pytest.mark.parametrize("scenario", sorted(LIBRARY))
def test_every_builtin_scenario_is_valid_in_every_variant(scenario: str) -> None:
    loaded = load_scenario(scenario)
    s = loaded.scenario
    assert s.id == scenario  # the file is named after its id
    assert s.solution and s.goal.goals
    for goal in s.goal.goals:
        assert all(c in catalogue().criteria for c in goal.criteria)


def test_library_covers_the_competencies_the_lab_practises() -> None:
    trained = {c for path in LIBRARY.values() for c in load_scenario(path, every_variant=False).scenario.competencies}
    missing = [c for c in PRACTISED if c not in trained]
    assert not missing, f"no built-in scenario trains {missing}"


def test_learners_get_different_stable_variants() -> None:
    loaded = load_scenario("poste-sans-reseau")
    alice, again, others = variant(loaded, "alice"), variant(loaded, "alice"), [variant(loaded, f"l{n}") for n in range(8)]
    assert alice.values == again.values
    assert len({v.values["pc"] for v in others}) > 1
    assert variant(loaded, "alice", seed="other").values != alice.values or variant(loaded, "bob").values != alice.values
    # Substituted everywhere: the briefing, the faults, the goals' checks, the solution.
    pc = alice.values["pc"]
    assert pc in alice.scenario.briefing.fr and "{{" not in alice.scenario.briefing.fr
    assert alice.faults[0].model_dump()["at"] == f"{pc}:eth0"
    assert alice.goal_checks["lien"] == [f"link:{pc}:eth0"]
    assert all(step.on in (None, pc) for step in alice.scenario.solution)


def test_goal_patch_makes_the_goal_site() -> None:
    v = variant(load_scenario("nouvelle-collaboratrice"), "alice")
    login = v.values["person"]["login"]
    assert login in {u.login for u in v.goal_site.directory.users}  # type: ignore[union-attr]
    assert login not in {u.login for u in v.start_site.directory.users}  # type: ignore[union-attr]
    assert v.goal_checks["compte"] == [f"ad:login:{login}", f"ad:kerberos:{login}"]


BROKEN = """\
id: casse
title: {fr: Cassé, en: Broken}
briefing: {fr: "{{ pc }} ne marche pas", en: "{{ pc }} is broken"}
competencies: [TRI-CP1, TRI-CP99]
level: 1
variables:
  pc: {choose: [pc-compta-1]}
start:
  patch:
    - remove: directory.users[login=nobody]
  faults:
    - {type: cable-yanked, params: {at: "{{ pc }}:eth0"}}
goal:
  goals:
    - id: lien
      title: {fr: Lien, en: Link}
      checks: ["link:{{ pc }}:eth9"]
      criteria: [TRI-CP1-C9]
solution:
  - {on: pc-nowhere, run: "true"}
"""


def test_a_broken_scenario_reports_every_problem_located(tmp_path: Path) -> None:
    file = tmp_path / "casse.yaml"
    file.write_text(BROKEN)
    with pytest.raises(SiteInvalid) as caught:
        load_scenario(file)
    text = str(caught.value)
    assert f"{file}:4: competencies[1]: no competency TRI-CP99" in text
    assert f"{file}:18: goal.goals[0].criteria[0]: no criterion TRI-CP1-C9" in text
    assert f"{file}:10: start.patch[0]: the patch does not fit site cabinet-martin" in text and "nothing matches [login=nobody]" in text
    assert f"{file}:17: goal.goals[0].checks[0]: no check of the goal site matches 'link:pc-compta-1:eth9'" in text
    assert "hint: e.g. link:" in text


def test_a_fault_that_does_not_exist_and_a_node_that_does_not(tmp_path: Path) -> None:
    file = tmp_path / "casse.yaml"
    file.write_text(
        BROKEN.replace("    - remove: directory.users[login=nobody]\n", "    []\n").replace("  patch:\n    []\n", "  patch: []\n")
    )
    result = cli("exercise", "validate", str(file))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "start.faults[0]: no fault type 'cable-yanked'" in result.stderr
    assert "solution[0].on: no node pc-nowhere in the start site" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_keys_and_types_are_located(tmp_path: Path) -> None:
    file = tmp_path / "casse.yaml"
    file.write_text(BROKEN.replace("level: 1", "level: hard\nlevle: 2"))
    result = cli("exercise", "validate", str(file))
    assert result.returncode == 2
    assert f"{file}:5: level:" in result.stderr and f"{file}:6: levle: unknown key `levle`" in result.stderr
    assert "did you mean `level`?" in result.stderr


def test_patch_selectors_and_errors() -> None:
    data = {"nodes": [{"name": "a", "interfaces": [{"name": "eth0", "address": "10.0.0.1/24"}]}], "links": [["a:eth0", "sw:ge1"]]}
    changed = patch.apply(
        data,
        [
            PatchOp(set="nodes[name=a].interfaces[eth0].address", value="10.0.0.2/24"),
            PatchOp(remove="links[a:eth0]"),
            PatchOp(add="nodes", value={"name": "b"}),
        ],
    )
    assert changed["nodes"][0]["interfaces"][0]["address"] == "10.0.0.2/24" and changed["links"] == []
    assert data["links"] and data["nodes"][0]["interfaces"][0]["address"] == "10.0.0.1/24"  # the original is untouched
    with pytest.raises(patch.PatchError, match=r"step 1: .*no key 'vlans'"):
        patch.apply(data, [PatchOp(remove="vlans[users]")])
    with pytest.raises(patch.PatchError, match=r"step 1: .*matches 2 items"):
        patch.apply({"l": [{"name": "x"}, {"name": "x"}]}, [PatchOp(remove="l[x]")])


def test_exercise_list_shows_the_library() -> None:
    result = cli("exercise", "list")
    assert result.returncode == 0, result.stderr
    for sid in LIBRARY:
        assert sid[:12] in result.stdout
    assert "{{" not in result.stdout  # a learner's values are not in the library's table


def test_docs_list_every_builtin_scenario() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "exercises.md").read_text()
    missing = [sid for sid in LIBRARY if f"| {sid} |" not in docs]
    assert not missing, f"docs/exercises.md does not list {missing}"


def test_a_criterion_grading_cannot_decide_is_refused(tmp_path: Path) -> None:
    text = (LIBRARY["poste-sans-reseau"]).read_text().replace("criteria: [TRI-CP1-C5,", "criteria: [TAI-CP6-C3, TRI-CP1-C5,")
    file = tmp_path / "poste-sans-reseau.yaml"
    file.write_text(text)
    with pytest.raises(SiteInvalid) as caught:
        load_scenario(file)
    assert "criteria[0]: criterion TAI-CP6-C3 is on no goal, and grading cannot decide it" in str(caught.value)


@pytest.mark.parametrize("scenario", sorted(LIBRARY))
def test_every_reference_solution_has_a_full_marks_method(scenario: str) -> None:
    """The solution's steps, as the journal records them, test bottom-up before changing, reach the faulty layer,
    and test again after the last change (the live suite proves they also fix the lab)."""
    from officelab.exercises.journal import OFFICELAB, Entry
    from officelab.exercises.method import assess

    v = variant(load_scenario(LIBRARY[scenario], every_variant=False), "alice")
    entries = [
        Entry(float(n), OFFICELAB if step.officelab else str(step.on), step.officelab or str(step.run), 0, "exec")
        for n, step in enumerate(v.scenario.solution)
    ]
    scores = {item.key: (item.score, item.explanation) for item in assess(entries, v.fault_layer, v.scenario.method.max_tests)}
    assert all(score == 1.0 for score, _ in scores.values()), scores
