"""The desk on a live exercise: the briefing opens as a ticket; the learner takes it, attaches the recette before,
qualifies it, diagnoses and fixes on the lab, documents each step and the solution, attaches the recette after, has
it closed, writes the article; the intervention report shows the commands typed and the recette before and after;
grading reads the ticket for the service-desk criteria."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from officelab.domains.desk.tickets import get, session
from officelab.exercises import session as exercise
from officelab.exercises.scenario import load_scenario
from tests.conftest import cli

pytestmark = pytest.mark.live
LEARNER = "desk1"
SCENARIO = "file-impression-suspendue"


@pytest.fixture(scope="module")
def started() -> Iterator[int]:
    record, passing = exercise.start(load_scenario(SCENARIO, every_variant=False), LEARNER)
    try:
        assert passing == [] and record.ticket is not None
        yield record.ticket
    finally:
        exercise.stop(LEARNER)


def desk(*args: str) -> str:
    return cli("desk", "ticket", *args, "--lab", LEARNER, "--as", LEARNER, check=True, timeout=180).stdout


def test_a_learner_works_the_exercises_ticket_from_opening_to_closing(started: int) -> None:
    number = str(started)
    shown = cli("desk", "ticket", "show", number, "--lab", LEARNER, check=True).stdout
    assert "pdurand" in shown and "nouveau" in shown and "3 × 1 → priorité 2" in shown, shown
    desk("take", number)
    before = desk("attach", number, "--recette", "--diagnose-from", "amartin", "--target", "print:Compta:amartin")
    assert "print:Compta:amartin" in before and "diagnostic amartin" in before, before  # the recette before fails
    desk("qualify", number, "--impact", "3")
    desk("followup", number, "lpstat -p Compta : la file est suspendue (« disabled »)", "--minutes", "5")
    exercise.solve(LEARNER)  # the fix, typed on srv-files and journaled (the grade's goals say it worked)
    desk("solve", number, "File Compta réactivée sur srv-files (cupsenable Compta), impression vérifiée", "--minutes", "5")
    attached = desk("attach", number, "--recette", "--journal")
    assert "recette:" in attached and "failing" not in attached and "commande(s)" in attached, attached
    cli("desk", "ticket", "close", number, "--satisfaction", "5", "--lab", LEARNER, "--as", "pdurand", check=True)
    cli("desk", "kb", "from-ticket", number, "--cause", "file d'impression suspendue", "--as", LEARNER, check=True)
    report = cli("desk", "ticket", "report", number, "--lab", LEARNER, "--html", "/dev/stdout", check=True).stdout
    assert "Fiche d'intervention n° " + number in report and "cupsenable Compta" in report, "the commands typed on the lab"
    assert "print:Compta:amartin" in report and "tout passe" in report, "the recette before (failing) and after"
    with session() as db:
        t = get(db, started)
        assert (t.status, t.impact, t.priority, t.assignee) == ("closed", 3, 3, LEARNER)
    sheet, _ = exercise.grade(LEARNER)
    verdicts = {c.id: (c.verdict, c.evidence) for c in sheet.criteria}
    assert verdicts["TAI-CP9-C1"][0] == "acquis", verdicts["TAI-CP9-C1"]
    assert verdicts["TAI-CP9-C2"][0] == "acquis", verdicts["TAI-CP9-C2"]
    assert verdicts["TAI-CP10-C4"][0] == "acquis" and "article" in verdicts["TAI-CP10-C4"][1]
    assert sheet.goal_points == sum(g.points for g in sheet.goals), "the fix itself is graded by the recette"
