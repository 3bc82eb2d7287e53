"""The desk over the REST API: a learner works their lab's ticket, never another lab's; a stale ``If-Match`` and two
changes at once are 409 with a readable reason, and the change that won is kept whole."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from officelab.api.app import create_app
from officelab.runtime.state import LabDir, LabRecord
from officelab.site.catalog import builtin_sites
from tests.api.test_api import token


@pytest.fixture
def labs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFICELAB_DESK_URL", f"sqlite:///{tmp_path / 'desk.sqlite'}")
    for name in ("alice", "bob"):  # labs whose site the desk reads (as when they are up)
        folder = LabDir(name)
        folder.write(LabRecord(lab=name))
        (folder.path / "site.yaml").write_text(builtin_sites()["cabinet-martin"].read_text())


OPEN = {"title": "Imprimante bloquée", "requester": "pdurand", "urgency": 4, "impact": 3, "category": "Impression", "nodes": ["prn-1"]}


def test_a_learner_works_their_ticket_and_sees_no_other_labs(client: TestClient, labs: None) -> None:
    alice, bob = token(client, "alice", "Alice-2026!"), token(client, "bob", "Bob-2026!!")
    made = client.post("/api/labs/alice/tickets", json=OPEN, headers=alice)
    assert made.status_code == 201 and made.json()["priority"] == 4, made.text
    number = made.json()["id"]
    assert client.post(f"/api/labs/alice/tickets/{number}/take", json={}, headers=alice).json()["assignee"] == "alice"
    client.post(f"/api/labs/alice/tickets/{number}/followup", json={"text": "file suspendue", "minutes": 5}, headers=alice)
    shown = client.get(f"/api/labs/alice/tickets/{number}", headers=alice)
    assert shown.headers["ETag"] == str(shown.json()["version"]) and shown.json()["status"] == "in-progress"
    assert [e["kind"] for e in shown.json()["history"]] == ["opened", "taken", "followup"]
    assert shown.json()["sla"]["own"]["stopped"] is True
    assert client.get(f"/api/labs/alice/tickets/{number}", headers=bob).status_code == 403
    assert client.get(f"/api/labs/bob/tickets/{number}", headers=bob).status_code == 404, "a ticket belongs to its lab"
    bad = client.post(f"/api/labs/alice/tickets/{number}/solve", json={"text": " "}, headers=alice)
    assert bad.status_code == 400 and "needs its text" in bad.json()["detail"]


def test_a_stale_version_is_409_and_nothing_is_lost(client: TestClient, labs: None) -> None:
    trainer = token(client, "formateur", "Former-2026!")
    number = client.post("/api/labs/alice/tickets", json=OPEN, headers=trainer).json()["id"]
    read = client.get(f"/api/labs/alice/tickets/{number}", headers=trainer).headers["ETag"]  # two technicians read it
    first = client.post(f"/api/labs/alice/tickets/{number}/take", json={}, headers={**trainer, "If-Match": read})
    second = client.post(f"/api/labs/alice/tickets/{number}/escalate", json={"reason": "réseau"}, headers={**trainer, "If-Match": read})
    assert first.status_code == 200 and second.status_code == 409, second.text
    assert "changed since it was read" in second.json()["detail"]
    kept = client.get(f"/api/labs/alice/tickets/{number}", headers=trainer).json()
    assert (kept["assignee"], kept["level"]) == ("formateur", "N1") and [e["kind"] for e in kept["history"]] == ["opened", "taken"]
    assert client.post(f"/api/labs/alice/tickets/{number}/explode", json={}, headers=trainer).status_code == 404


def test_the_desk_names_what_a_ticket_may_name_and_never_a_password(client: TestClient, labs: None) -> None:
    alice = token(client, "alice", "Alice-2026!")
    setup = client.get("/api/labs/alice/desk", headers=alice)
    assert setup.status_code == 200, setup.text
    found = setup.json()
    assert {"login": "pdurand", "name": "Paul Durand"} in found["requesters"]
    assert all(set(u) == {"login", "name"} for u in found["requesters"]), "no password, no group, no OU"
    assert "Impression" in found["categories"] and "prn-1" in found["nodes"]
    assert found["matrix"]["4"]["3"] == 4 and found["matrix"]["1"]["1"] == 1, "GLPI's matrix, urgency then impact"
    assert client.get("/api/labs/bob/desk", headers=alice).status_code == 403
    trainer = token(client, "formateur", "Former-2026!")
    assert client.get("/api/labs/nolab/desk", headers=trainer).status_code == 409, "no site: nothing to name"


def test_the_list_filters_by_status_and_by_who_is_on_it(client: TestClient, labs: None) -> None:
    alice, trainer = token(client, "alice", "Alice-2026!"), token(client, "formateur", "Former-2026!")
    numbers = [client.post("/api/labs/alice/tickets", json={**OPEN, "title": f"n{i}"}, headers=alice).json()["id"] for i in range(3)]
    client.post(f"/api/labs/alice/tickets/{numbers[0]}/take", json={}, headers=alice)
    client.post(f"/api/labs/alice/tickets/{numbers[1]}/take", json={}, headers=trainer)
    listed = lambda query, who: [t["id"] for t in client.get(f"/api/labs/alice/tickets{query}", headers=who).json()]  # noqa: E731
    assert listed("?mine=true", alice) == [numbers[0]] and listed("?mine=true", trainer) == [numbers[1]]
    assert listed("?status=new", alice) == [numbers[2]]
    assert listed("?status=new&status=assigned", trainer) == numbers
    bad = client.get("/api/labs/alice/tickets?status=lost", headers=alice)
    assert bad.status_code == 400 and "expected one of new" in bad.json()["detail"]


def test_a_solved_ticket_becomes_an_article_found_by_the_search(client: TestClient, labs: None) -> None:
    alice = token(client, "alice", "Alice-2026!")
    number = client.post("/api/labs/alice/tickets", json=OPEN, headers=alice).json()["id"]
    early = client.post(f"/api/labs/alice/tickets/{number}/article", json={}, headers=alice)
    assert early.status_code == 400 and "only a solved ticket" in early.json()["detail"]
    client.post(f"/api/labs/alice/tickets/{number}/take", json={}, headers=alice)
    client.post(f"/api/labs/alice/tickets/{number}/solve", json={"text": "file réactivée (cupsenable)"}, headers=alice)
    made = client.post(f"/api/labs/alice/tickets/{number}/article", json={"cause": "file suspendue"}, headers=alice)
    assert made.status_code == 201 and made.json()["ticket"] == number and made.json()["cause"] == "file suspendue", made.text
    found = client.get("/api/kb?q=imprimantes bloquées", headers=alice).json()
    assert [a["id"] for a in found] == [made.json()["id"]] and found[0]["score"] > 0
    bob = token(client, "bob", "Bob-2026!!")
    assert client.post(f"/api/labs/alice/tickets/{number}/article", json={}, headers=bob).status_code == 403


def test_requests_at_once_on_the_desk_all_answer(store: Any, labs: None) -> None:
    """A classroom asks at once: the desk's schema check (Alembic, whose context is one per process) ran in every
    request's thread at the same time and failed them with a 500; it is one at a time now."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from browser import serving

    with serving(create_app(store)) as url, httpx.Client(base_url=url, timeout=30) as http:
        headers = {"Authorization": "Bearer " + http.post("/api/login", json={"name": "alice", "password": "Alice-2026!"}).json()["token"]}
        assert http.post("/api/labs/alice/tickets", json=OPEN, headers=headers).status_code == 201
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: http.get("/api/labs/alice/tickets", headers=headers).status_code, range(32)))
    assert answers == [200] * 32, answers
