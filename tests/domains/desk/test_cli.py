"""`officelab desk` as a user types it: a ticket worked from opening to closing, a stale version refused, bad input
refused in one line, a solution made an article and found again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import cli


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("OFFICELAB_HOME", str(tmp_path / "home"))
    return ["--site", "cabinet-martin", "--db", f"sqlite:///{tmp_path / 'desk.sqlite'}"]


def run(*args: str) -> str:
    return cli(*args, check=True).stdout


def test_a_ticket_worked_from_opening_to_closing(desk: list[str]) -> None:
    opened = run("desk", "ticket", "new", "Imprimante bloquée", "-r", "pdurand", "--urgency", "4", "--impact", "3",
                 "--category", "Impression", "--node", "prn-1", "--as", "accueil", *desk)  # fmt: skip
    assert "ticket 1 opened: priority 4 (haute)" in opened
    run("desk", "ticket", "take", "1", "--as", "lea", *desk)
    run("desk", "ticket", "followup", "1", "File d'impression bloquée sur srv-files", "--minutes", "10", "--as", "lea", *desk)
    run("desk", "ticket", "pending", "1", "--reason", "l'utilisateur rappelle", "--as", "lea", *desk)
    assert "en pause" in run("desk", "ticket", "show", "1", *desk)
    run("desk", "ticket", "resume", "1", "--as", "lea", *desk)
    run("desk", "ticket", "escalate", "1", "--reason", "droits du spouleur", "--as", "lea", *desk)
    run("desk", "ticket", "take", "1", "--as", "marc", *desk)
    run("desk", "ticket", "solve", "1", "Spouleur relancé, droits corrigés", "--minutes", "15", "--as", "marc", *desk)
    run("desk", "ticket", "close", "1", "--satisfaction", "4", "--as", "pdurand", *desk)
    shown = run("desk", "ticket", "show", "1", *desk)
    for words in ("clos", "N2, marc", "4 × 3 → priorité 4", "temps passé: 25 min", "satisfaction: 4/5", "escalated", "solution: Spouleur"):
        assert words in shown, words
    assert "no open ticket" in run("desk", "ticket", "list", *desk)
    assert "Imprimante" in run("desk", "ticket", "list", "--all", *desk)
    run("desk", "kb", "from-ticket", "1", "--cause", "droits de la file", *desk[2:])  # the database only
    assert "Imprimante bloquée" in run("desk", "kb", "search", "imprimantes", *desk[2:])


def test_a_stale_version_and_bad_input_are_refused_in_one_line(desk: list[str]) -> None:
    run("desk", "ticket", "new", "Pas de réseau", "-r", "jpetit", "--urgency", "3", "--impact", "2", "--category", "Réseau", *desk)
    run("desk", "ticket", "take", "1", "--as", "lea", "--version", "1", *desk)
    for args, words in (
        (("ticket", "take", "1", "--as", "marc", "--version", "1"), "at version 2, not 1"),
        (
            ("ticket", "new", "x", "-r", "inconnu", "--urgency", "3", "--impact", "2", "--category", "Réseau"),
            "not a user of the site's directory",
        ),
        (("ticket", "new", "x", "-r", "jpetit", "--urgency", "3", "--impact", "2", "--category", "Plomberie"), "not one of the desk's"),
        (("ticket", "close", "1"), "cannot be closed"),
        (("ticket", "show", "7"), "no ticket 7"),
    ):
        result = cli("desk", *args, *desk)
        assert result.returncode != 0 and words in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not os.path.exists(desk[-1].removeprefix("sqlite:///") + "-journal")
