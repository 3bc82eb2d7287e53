"""The desk without a lab: the ITIL matrix, the SLA clocks on a calendar with pauses and a breach, the desk section's
validation, a ticket's whole life in a real SQLite database, the moves refused, and two technicians changing one
ticket at once (one wins, the other gets a conflict, nothing lost)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from officelab.core.errors import OfficeLabError, SiteInvalid
from officelab.domains.desk import handling as h
from officelab.domains.desk.facts import GLPI_MATRIX, Status, add_working, priority, working_seconds
from officelab.domains.desk.model import Calendar, Desk, SlaTarget
from officelab.domains.desk.tickets import DeskConflict, get, open_desk, session
from officelab.site.loader import load_site, load_text
from officelab.site.validate import validate

SITE = load_site("cabinet-martin")
PARIS = ZoneInfo("Europe/Paris")
OFFICE = Calendar()  # GLPI's: Monday to Friday, 08:00-20:00, Paris


def at(day: int, hour: int, minute: int = 0) -> float:
    """An instant of the week of Monday 2026-11-30, Paris time (day 0: Monday)."""
    monday = dt.datetime(2026, 11, 30, tzinfo=PARIS)
    return (monday + dt.timedelta(days=day)).replace(hour=hour, minute=minute).timestamp()


def test_priority_is_glpis_matrix_and_the_rounded_mean_where_a_cell_is_missing() -> None:
    assert [priority(5, i) for i in range(1, 6)] == [2, 3, 4, 5, 5]
    assert [priority(u, 3) for u in range(1, 6)] == [2, 2, 3, 4, 4]
    assert priority(1, 1) == 1 and priority(5, 5) == 5
    sparse = {u: dict(row) for u, row in GLPI_MATRIX.items()}
    del sparse[4][2]
    assert priority(4, 2, sparse) == 3  # round((4 + 2) / 2)
    del sparse[2][3]
    assert priority(2, 3, sparse) == 3  # round(2.5) as GLPI rounds: up
    with pytest.raises(ValueError):
        priority(0, 3)


def test_working_time_counts_only_opening_hours() -> None:
    friday_7pm, monday_9am = at(4, 19), at(7, 9)
    assert working_seconds(OFFICE, friday_7pm, monday_9am) == 2 * 3600  # 19-20 Friday, 8-9 Monday
    assert add_working(OFFICE, friday_7pm, 2 * 3600) == monday_9am
    assert add_working(OFFICE, at(5, 10), 60) == at(7, 8, 1), "from a Saturday, the clock starts on Monday at 8"
    assert working_seconds(Calendar(hours=[]), at(0, 0), at(1, 0)) == 24 * 3600, "no hours: around the clock"


def test_sla_pauses_while_pending_and_shows_a_breach() -> None:
    desk = Desk(calendar=OFFICE, sla=[SlaTarget(priority=4, own=60, resolve=4 * 60)])
    opened, owned = at(0, 9), at(0, 9, 30)
    pauses = [(at(0, 10), at(0, 14))]  # four hours waiting for the user
    own, resolve = h.clocks(desk, 4, opened, owned, None, pauses, now=at(0, 13))
    assert own.stopped and own.used == 30 * 60 and not own.breached
    assert resolve.used == 3600 and not resolve.breached, "09:00-10:00 ran; the pause since 10:00 does not count"
    _, resolve = h.clocks(desk, 4, opened, owned, at(0, 16), pauses, now=at(0, 17))
    assert resolve.used == 3 * 3600 and resolve.due == at(0, 17) and not resolve.breached
    _, late = h.clocks(desk, 4, opened, owned, None, pauses, now=at(0, 19))
    assert late.used == 6 * 3600 and late.breached and late.left == -2 * 3600
    own, _ = h.clocks(desk, 4, opened, None, None, [], now=at(0, 11))
    assert own.breached and not own.stopped, "nobody took it in its hour"


BUILTIN = Path(__file__).parents[3] / "src" / "officelab" / "site" / "builtin" / "cabinet-martin.yaml"


def desk_file(section: str) -> str:
    """The default site's file with a desk section at its end."""
    return BUILTIN.read_text(encoding="utf-8") + section


@pytest.mark.parametrize(
    ("section", "field", "words"),
    [
        ("desk:\n  sla:\n    - {priority: 4, own: 600, resolve: 60}\n", "desk.sla[0].own", "before it is resolved"),
        ("desk:\n  matrix: {5: {5: 6}}\n", "desk.matrix[5][5]", "both must be 1 to 5"),
        ("desk:\n  categories: [Réseau, Réseau]\n", "desk.categories[1]", "listed twice"),
        ("desk:\n  calendar: {timezone: Mars/Olympus}\n", "desk.calendar.timezone", "unknown time zone"),
        ("desk:\n  calendar: {hours: [{day: mon, start: '18:00', end: '08:00'}]}\n", "desk.calendar.hours[0]", "close after"),
    ],
)
def test_a_bad_desk_section_is_refused_with_its_line_and_field(section: str, field: str, words: str) -> None:
    text = desk_file(section)
    with pytest.raises(SiteInvalid) as caught:
        validate(load_text(text, "site.yaml"))
    assert f"{field}:" in str(caught.value) and words in str(caught.value), str(caught.value)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'desk.sqlite'}"


def ctx(author: str, now: float) -> h.Context:
    return h.Context(author=author, site=SITE, lab="default", now=now)


PRINTER = h.Opening(
    title="L'imprimante ne sort plus rien",
    requester="pdurand",
    urgency=4,
    impact=3,
    category="Impression",
    nodes=("prn-1", "pc-compta-1"),
)


def test_a_ticket_from_opening_to_closing(url: str) -> None:
    with session(url) as db:
        ticket = h.open_ticket(db, ctx("accueil", at(0, 9)), PRINTER)
        number = ticket.id
        assert ticket.priority == 4 and ticket.status == Status.NEW.value and ticket.level == "N1"
    with session(url) as db:
        h.take(db, ctx("tech1", at(0, 9, 20)), number)
        h.follow_up(db, ctx("tech1", at(0, 9, 25)), number, "File d'impression bloquée sur srv-files", minutes=10)
        assert get(db, number).status == Status.IN_PROGRESS.value, "the assignee's first follow-up starts the work"
        h.set_pending(db, ctx("tech1", at(0, 10)), number, "attente du retour de l'utilisateur")
        h.resume(db, ctx("tech1", at(0, 11)), number)
        h.escalate(db, ctx("tech1", at(0, 11, 5)), number, "la file se bloque à nouveau : droits du spouleur", to=None)
        escalated = get(db, number)
        assert (escalated.level, escalated.status, escalated.assignee) == ("N2", "new", None)
        h.take(db, ctx("tech2", at(0, 11, 30)), number)
        h.solve(db, ctx("tech2", at(0, 12)), number, "Spouleur redémarré, droits de la file corrigés", minutes=20)
        h.close(db, ctx("pdurand", at(0, 13)), number, satisfaction=5)
    with session(url) as db:
        done = get(db, number)
        lines = h.history(db, number)
        assert done.status == "closed" and done.satisfaction == 5 and done.owned_at == at(0, 9, 20)
        assert [e.kind for e in lines] == ["opened", "taken", "followup", "pending", "resumed", "escalated", "taken", "solved", "closed"]
        sla = h.sla(done, lines, h.desk_of(SITE), now=at(1, 9))
        assert sla.own.used == 20 * 60 and sla.resolve.used == 2 * 3600, "three hours open, one of them pending"
        assert not sla.own.breached and not sla.resolve.breached and sum(e.minutes for e in lines) == 30


def test_moves_the_life_cycle_refuses(url: str) -> None:
    with session(url) as db:
        number = h.open_ticket(db, ctx("accueil", at(0, 9)), PRINTER).id
        with pytest.raises(OfficeLabError, match="a new ticket cannot be solved"):
            h.solve(db, ctx("tech1", at(0, 9)), number, "fait")
        with pytest.raises(OfficeLabError, match="cannot be put pending"):
            h.set_pending(db, ctx("tech1", at(0, 9)), number, "attente")
        with pytest.raises(OfficeLabError, match="needs its reason"):
            h.escalate(db, ctx("tech1", at(0, 9)), number, " ")
        h.take(db, ctx("tech1", at(0, 9)), number)
        with pytest.raises(OfficeLabError, match="cannot be closed"):
            h.close(db, ctx("tech1", at(0, 9)), number)
        elsewhere = h.Context(author="tech1", site=SITE, lab="bob", now=at(0, 9))
        with pytest.raises(OfficeLabError, match="is lab default's, not bob's"):
            h.follow_up(db, elsewhere, number, "je regarde")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"requester": "inconnu"}, "not a user of the site's directory"),
        ({"category": "Plomberie"}, "not one of the desk's"),
        ({"urgency": 9}, "urgency 9"),
        ({"nodes": ("pc-nulle-part",)}, "neither a node of site"),
        ({"nodes": ("srv-files:telephony",)}, r"srv-files runs no service 'telephony' \(its services: files, print"),
        ({"priority": 6}, "needs its reason"),
    ],
)
def test_an_opening_that_names_what_the_site_has_not_is_refused(url: str, change: dict[str, object], words: str) -> None:
    fields = {**PRINTER.__dict__, **change}
    with session(url) as db, pytest.raises(OfficeLabError, match=words):
        h.open_ticket(db, ctx("accueil", at(0, 9)), h.Opening(**fields))  # type: ignore[arg-type]


def test_a_ticket_names_a_node_s_service(url: str) -> None:
    with session(url) as db:
        t = h.open_ticket(db, ctx("accueil", at(0, 9)), h.Opening(**{**PRINTER.__dict__, "nodes": ("srv-files:print", "srv-ad:directory")}))
        assert t.node_list() == ["srv-files:print", "srv-ad:directory"]


def test_technicians_by_level_when_the_desk_lists_them(url: str) -> None:
    text = desk_file("desk:\n  technicians: [{name: lea, level: N1}, {name: marc, level: N2}]\n")
    site = load_text(text, "site.yaml")
    c = h.Context(author="lea", site=site, lab="default", now=at(0, 9))
    with session(url) as db:
        number = h.open_ticket(db, c, PRINTER).id
        with pytest.raises(OfficeLabError, match="not a technician of the desk"):
            h.take(db, h.Context(author="bob", site=site, lab="default", now=at(0, 9)), number)
        h.take(db, c, number)
        with pytest.raises(OfficeLabError, match="is an N1 technician"):
            h.escalate(db, c, number, "hors de mon périmètre", to="lea")
        h.escalate(db, c, number, "hors de mon périmètre", to="marc")
        assert (get(db, number).assignee, get(db, number).status) == ("marc", "assigned")


def test_two_technicians_change_one_ticket_at_once_one_wins_the_other_is_told(url: str) -> None:
    with session(url) as db:
        number = h.open_ticket(db, ctx("accueil", at(0, 9)), PRINTER).id
    engine = open_desk(url)
    try:
        with pytest.raises(DeskConflict, match="changed by someone else meanwhile"), session(engine=engine) as mine:
            seen = get(mine, number)  # tech2 reads the ticket (and keeps it on screen)…
            assert seen.version == 1
            with session(url) as theirs:  # …meanwhile tech1 escalates it, from another connection, and commits
                h.escalate(theirs, ctx("tech1", at(0, 9, 1)), number, "réseau de l'étage")
            h.take(mine, ctx("tech2", at(0, 9, 2)), number)  # tech2's change is on the version read
    finally:
        engine.dispose()
    with session(url) as db:
        kept = get(db, number)
        assert (kept.level, kept.assignee, kept.version) == ("N2", None, 2), "the change that won is there"
        assert [e.kind for e in h.history(db, number)] == ["opened", "escalated"], "the loser's change is not half-saved"


def test_an_api_client_names_the_version_it_read(url: str) -> None:
    with session(url) as db:
        number = h.open_ticket(db, ctx("accueil", at(0, 9)), PRINTER).id
        with pytest.raises(OfficeLabError, match="at version 1, not 3"):
            h.take(db, ctx("tech1", at(0, 9)), number, version=3)
        assert h.take(db, ctx("tech1", at(0, 9)), number, version=1).assignee == "tech1"


def test_a_technician_qualifies_the_ticket_again(url: str) -> None:
    with session(url) as db:
        number = h.open_ticket(db, ctx("accueil", at(0, 9)), PRINTER).id
        t = h.qualify(db, ctx("tech1", at(0, 9, 5)), number, urgency=5, impact=4, category="Réseau")
        assert (t.priority, t.category) == (5, "Réseau")
        t = h.qualify(db, ctx("tech1", at(0, 9, 6)), number, level=6, reason="tout le cabinet est arrêté")
        assert (t.priority, t.priority_reason) == (6, "tout le cabinet est arrêté")
        with pytest.raises(OfficeLabError, match="needs its reason"):
            h.qualify(db, ctx("tech1", at(0, 9, 7)), number, level=6)
        assert [e.payload()["after"] for e in h.history(db, number) if e.kind == "qualified"] == [
            [5, 4, 5, "Réseau"],
            [5, 4, 6, "Réseau"],
        ]


def test_the_migrations_make_exactly_the_models_schema(url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from officelab.domains.desk import assets, knowledge  # noqa: F401  (their tables are on the same metadata)
    from officelab.domains.desk.tickets import Base

    engine = open_desk(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []
