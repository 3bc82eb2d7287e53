"""An exercise's ticket without a lab: opened from the briefing in the user's words, refused when it names what the
site has not, and graded from how the learner worked it (qualification, handling, process, formalised follow-up)."""

from __future__ import annotations

from pathlib import Path

import pytest

from officelab.core.errors import OfficeLabError
from officelab.domains.desk import handling as h
from officelab.domains.desk import knowledge as kb
from officelab.domains.desk.tickets import get, session
from officelab.exercises import ticketing
from officelab.exercises.grade import compute
from officelab.exercises.model import TicketBrief
from officelab.exercises.scenario import load_scenario, variant
from officelab.exercises.store import ExerciseRecord

SCENARIO = load_scenario("file-impression-suspendue")


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'desk.sqlite'}"


def test_the_briefing_opens_as_an_unqualified_ticket(url: str) -> None:
    v = variant(SCENARIO, "alice")
    number = ticketing.open_for(v.scenario, v.start_site, "alice", url)
    with session(url) as db:
        t = get(db, number)
        assert (t.requester, t.category, t.urgency, t.impact, t.status, t.lab) == ("pdurand", "Impression", 3, 1, "new", "alice")
        assert "Compta" in t.description and h.history(db, number)[0].author == ticketing.RECEPTION


def test_a_ticket_naming_what_the_site_has_not_is_a_scenario_problem() -> None:
    site = variant(SCENARIO, "alice").start_site
    problems = ticketing.ticket_problems(site, TicketBrief(requester="inconnu", category="Plomberie"))
    assert [p.path for p in problems] == [("ticket", "requester"), ("ticket", "category")]


def work(url: str, number: int, learner: str, *, impact: int, escalate: bool, article: bool) -> None:
    ctx = h.Context(author=learner, site=variant(SCENARIO, learner).start_site, lab=learner)
    with session(url) as db:
        h.take(db, ctx, number)
        h.qualify(db, ctx, number, impact=impact)
        h.follow_up(db, ctx, number, "lpstat -p Compta : file suspendue", minutes=5)
        if escalate:
            h.escalate(db, ctx, number, "je ne sais pas relancer la file")
            h.take(db, h.Context(author="n2", site=ctx.site, lab=learner), number)
        h.solve(db, ctx, number, "File Compta réactivée (cupsenable Compta) ; impression vérifiée", minutes=5)
        h.close(db, ctx, number, satisfaction=5)
        if article:
            kb.from_ticket(db, learner, number, cause="file suspendue")


def test_a_ticket_worked_as_expected_evidences_its_criteria(url: str) -> None:
    v = variant(SCENARIO, "alice")
    number = ticketing.open_for(v.scenario, v.start_site, "alice", url)
    work(url, number, "alice", impact=3, escalate=False, article=True)
    assert v.scenario.ticket is not None
    found = ticketing.evidence(number, v.scenario.ticket, url)
    assert {c: s for c, (s, _) in found.items()} == {"TAI-CP9-C1": 1.0, "TAI-CP9-C2": 1.0, "TAI-CP9-C3": 1.0, "TAI-CP10-C4": 1.0}
    record = ExerciseRecord(lab="alice", learner="alice", scenario="x", scenario_id=v.scenario.id, seed="s", values={}, ticket=number)
    sheet = compute(record, v, {"print:Compta:amartin": "pass"}, [], desk=found)
    graded = {c.id: c for c in sheet.criteria}
    assert graded["TAI-CP9-C1"].verdict == "acquis" and "priorité 3" in graded["TAI-CP9-C1"].evidence
    assert graded["TAI-CP10-C4"].verdict == "acquis" and graded["TAI-CP9-C3"].verdict == "à confirmer", (
        "C3 is partial: the trainer confirms"
    )


def test_a_ticket_worked_badly_shows_where(url: str) -> None:
    v = variant(SCENARIO, "bob")
    number = ticketing.open_for(v.scenario, v.start_site, "bob", url)
    work(url, number, "bob", impact=1, escalate=True, article=False)
    assert v.scenario.ticket is not None
    found = ticketing.evidence(number, v.scenario.ticket, url)
    assert found["TAI-CP9-C1"][0] == pytest.approx(2 / 3) and "attendu" in found["TAI-CP9-C1"][1], "impact left at 1"
    assert found["TAI-CP9-C2"] == (0.5, "escaladé sans nécessité (le niveau 1 pouvait le traiter)")
    assert found["TAI-CP10-C4"][0] == pytest.approx(2 / 3) and "aucun article" in found["TAI-CP10-C4"][1]


def test_remote_assistance_and_the_inventory_are_graded_when_expected_or_done(url: str) -> None:
    from officelab.domains.desk.assets import AssetRow, replace_inventory

    v = variant(SCENARIO, "carol")
    number = ticketing.open_for(v.scenario, v.start_site, "carol", url)
    ctx = h.Context(author="carol", site=v.start_site, lab="carol")
    expecting = TicketBrief(requester="pdurand", category="Impression", expect={"remote": True, "assets": True})
    with session(url) as db, pytest.raises(OfficeLabError, match="take it"):
        h.remote_node(db, ctx, number, None)
    assert ticketing.evidence(number, expecting, url)["TAI-CP9-C4"] == (0.0, "aucune prise en main à distance depuis le ticket")
    assert ticketing.evidence(number, expecting, url)["TAI-CP9-C5"][0] == 0.0
    assert "TAI-CP9-C4" not in ticketing.evidence(number, TicketBrief(requester="pdurand", category="Impression"), url)
    with session(url) as db:
        h.take(db, ctx, number)
        where = h.remote_node(db, ctx, number, None)
        workstation = next(u.workstation for u in v.start_site.directory.users if u.login == "pdurand")  # type: ignore[union-attr]
        assert where == workstation
        h.remote_session(db, ctx, number, where, 95.0, 0)
        t = get(db, number)
        t.nodes = f'["{where}"]'
        replace_inventory(
            db, "carol", [AssetRow(where, "Computer", where, 10, "sw-floor:ge2", "", "", "pdurand", "", "{}")], t.opened_at + 1
        )
    found = ticketing.evidence(number, expecting, url)
    assert found["TAI-CP9-C4"] == (1.0, f"prise en main à distance de {where} (95 s, code de sortie 0)")
    assert found["TAI-CP9-C5"] == (1.0, f"éléments liés : {where}; inventaire du réseau relevé pendant l'intervention")
