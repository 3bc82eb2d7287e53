"""The desk over the REST API: a learner works their lab's ticket, never another lab's; a stale ``If-Match`` and two
changes at once are 409 with a readable reason, and the change that won is kept whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

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
