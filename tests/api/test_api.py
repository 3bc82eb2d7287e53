"""The REST API without a lab: accounts, sessions, roles on every route, validation as the CLI does it."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from officelab.api import accounts
from officelab.core.errors import OfficeLabError
from officelab.runtime.state import LabDir, LabRecord
from officelab.site.catalog import builtin_sites


def token(client: TestClient, name: str, password: str) -> dict[str, str]:
    answer = client.post("/api/login", json={"name": name, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def test_passwords_are_stored_hashed_and_checked(store) -> None:  # type: ignore[no-untyped-def]
    with accounts.session(store) as db:
        row = db.get(accounts.AccountRow, "alice")
        assert row is not None and "Alice-2026!" not in row.password_hash and row.password_hash.startswith("scrypt$")
    assert accounts.log_in(store, "alice", "Alice-2026!") is not None
    assert accounts.log_in(store, "alice", "wrong-password") is None
    assert accounts.log_in(store, "nobody", "Alice-2026!") is None


@pytest.mark.parametrize(
    ("name", "role", "password", "lab", "says"),
    [
        ("Alice", "learner", "long-enough", "a", "lower-case"),
        ("carol", "admin", "long-enough", None, "expected one of trainer, learner"),
        ("carol", "trainer", "short", None, "too short"),
        ("carol", "learner", "long-enough", None, "needs the lab"),
        ("alice", "learner", "long-enough", "x", "exists already"),
    ],
)
def test_a_bad_account_is_refused_with_one_line(store, name: str, role: str, password: str, lab: str | None, says: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OfficeLabError, match=says):
        accounts.add_account(store, name, role, password, lab)


def test_a_session_expires_and_logout_ends_it(store, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    opened = accounts.log_in(store, "alice", "Alice-2026!", now=time.time() - accounts.SESSION_SECONDS - 1)
    assert opened is not None
    assert client.get("/api/me", headers={"Authorization": f"Bearer {opened[0]}"}).status_code == 401
    headers = token(client, "alice", "Alice-2026!")
    assert client.get("/api/me", headers=headers).json() == {"name": "alice", "role": "learner", "lab": "alice"}
    assert client.post("/api/logout", headers=headers).json() == {"ok": True}
    assert client.get("/api/me", headers=headers).status_code == 401


def test_login_refuses_a_wrong_password_without_saying_which(client: TestClient) -> None:
    wrong = client.post("/api/login", json={"name": "alice", "password": "nope"})
    unknown = client.post("/api/login", json={"name": "zoe", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401 and wrong.json() == unknown.json()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/me", None),
        ("get", "/api/sites", None),
        ("post", "/api/sites/validate", {"text": "x"}),
        ("get", "/api/labs", None),
        ("get", "/api/labs/alice", None),
        ("post", "/api/labs/alice/up", {"site": "cabinet-martin"}),
        ("post", "/api/labs/alice/down", None),
        ("get", "/api/labs/alice/recette", None),
        ("get", "/api/faults/catalogue", None),
        ("post", "/api/logout", None),
        ("post", "/api/labs/alice/links/pc-paie:eth0", {"up": False}),
        ("get", "/api/labs/alice/faults", None),
        ("post", "/api/labs/alice/faults", {"type": "cable-pulled"}),
        ("delete", "/api/labs/alice/faults/all", None),
        ("get", "/api/labs/alice/diagnose?source=pc-paie&target=srv-files", None),
        ("get", "/api/labs/alice/exercise", None),
        ("post", "/api/labs/alice/exercise/check", None),
        ("post", "/api/labs/alice/exercise/hint", None),
        ("post", "/api/labs/alice/exercise/submit", None),
        ("get", "/api/labs/alice/exercise/grade", None),
        ("get", "/api/classes/c1", None),
        ("get", "/api/labs/alice/map", None),
        ("post", "/api/labs/alice/ports/sw-floor:ge3", {"vlan": 20}),
        ("get", "/api/labs/alice/ports/sw-floor:ge3/capture", None),
        ("get", "/api/labs/alice/journal", None),
        ("get", "/api/labs/alice/consoles", None),
        ("get", "/api/labs/alice/recette?format=html", None),
        ("get", "/api/criteria", None),
        ("get", "/api/scenarios", None),
        ("post", "/api/labs/alice/exercise/start", {"scenario": "poste-sans-reseau"}),
        ("get", "/api/classes", None),
        ("get", "/api/classes/c1/grid.csv", None),
    ],
)
def test_every_route_but_login_needs_a_session(client: TestClient, method: str, path: str, body: dict[str, str] | None) -> None:
    answer = client.request(method, path, json=body)
    assert answer.status_code == 401 and "log in first" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/labs/bob", None),
        ("get", "/api/labs/bob/recette", None),
        ("post", "/api/labs/bob/down", None),
        ("post", "/api/labs/alice/up", {"site": "cabinet-martin"}),
        ("post", "/api/labs/alice/down", None),
        ("get", "/api/faults/catalogue", None),
        ("post", "/api/labs/bob/links/pc-paie:eth0", {"up": False}),
        ("get", "/api/labs/bob/diagnose?source=pc-paie&target=srv-files", None),
        ("get", "/api/labs/bob/exercise", None),
        ("post", "/api/labs/bob/exercise/check", None),
        ("post", "/api/labs/bob/exercise/hint", None),
        ("post", "/api/labs/bob/exercise/submit", None),
        ("get", "/api/labs/alice/faults", None),
        ("post", "/api/labs/alice/faults", {"type": "cable-pulled"}),
        ("delete", "/api/labs/alice/faults/all", None),
        ("get", "/api/labs/alice/exercise/grade", None),
        ("get", "/api/classes/c1", None),
        ("get", "/api/labs/bob/map", None),
        ("post", "/api/labs/alice/ports/sw-floor:ge3", {"vlan": 20}),
        ("get", "/api/labs/bob/ports/sw-floor:ge3/capture", None),
        ("get", "/api/labs/bob/journal", None),
        ("get", "/api/labs/alice/consoles", None),
        ("get", "/api/labs/bob/recette?format=junit", None),
        ("post", "/api/labs/bob/exercise/start", {"scenario": "poste-sans-reseau"}),
        ("get", "/api/classes", None),
        ("get", "/api/classes/c1/grid.csv", None),
    ],
)
def test_a_learner_gets_403_on_another_lab_and_on_trainer_routes(
    client: TestClient, method: str, path: str, body: dict[str, str] | None
) -> None:
    answer = client.request(method, path, json=body, headers=token(client, "alice", "Alice-2026!"))
    assert answer.status_code == 403, answer.text


def test_a_learner_sees_only_their_lab_and_a_trainer_every_lab(client: TestClient) -> None:
    for name in ("alice", "bob"):  # two labs the home knows (down), as after a class was stopped
        LabDir(name).write(LabRecord(lab=name))
    learner = client.get("/api/labs", headers=token(client, "alice", "Alice-2026!")).json()
    trainer = client.get("/api/labs", headers=token(client, "formateur", "Former-2026!")).json()
    assert [lab["name"] for lab in learner] == ["alice"]
    assert {"alice", "bob"} <= {lab["name"] for lab in trainer}
    assert client.get("/api/labs/nosuchlab", headers=token(client, "formateur", "Former-2026!")).status_code == 404


def test_sites_and_validation_answer_as_the_cli(client: TestClient) -> None:
    headers = token(client, "alice", "Alice-2026!")
    assert {s["name"] for s in client.get("/api/sites", headers=headers).json()} == set(builtin_sites())
    good = client.post("/api/sites/validate", json={"text": builtin_sites()["tpe"].read_text()}, headers=headers).json()
    assert good["valid"] and good["site"] == "tpe"
    text = builtin_sites()["cabinet-martin"].read_text().replace("address: 10.10.99.10/24", "address: 10.10.99.300/24", 1)
    bad = client.post("/api/sites/validate", json={"text": text, "file": "martin.yaml"}, headers=headers).json()
    assert not bad["valid"] and bad["problems"]
    problem = bad["problems"][0]
    assert problem["file"] == "martin.yaml" and problem["line"] and "address" in problem["field"]


def test_the_trainer_reads_the_fault_catalogue(client: TestClient) -> None:
    kinds = {f["kind"] for f in client.get("/api/faults/catalogue", headers=token(client, "formateur", "Former-2026!")).json()}
    assert {"cable-pulled", "port-wrong-vlan", "dc-stopped"} <= kinds


def test_a_bad_lab_name_is_a_400_with_the_library_s_line(client: TestClient) -> None:
    answer = client.post("/api/labs/Bad Name!/up", json={"site": "cabinet-martin"}, headers=token(client, "formateur", "Former-2026!"))
    assert answer.status_code == 400 and answer.json()["detail"]


def test_the_openapi_document_lists_every_route(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {"/api/login", "/api/labs/{lab}", "/api/labs/{lab}/recette", "/api/sites/validate", "/api/faults/catalogue"} <= paths
    assert {"/api/labs/{lab}/links/{endpoint}", "/api/labs/{lab}/faults/{fault}", "/api/labs/{lab}/diagnose"} <= paths
    assert {"/api/labs/{lab}/exercise", "/api/labs/{lab}/exercise/check", "/api/labs/{lab}/exercise/grade", "/api/classes/{name}"} <= paths


def test_the_page_and_its_libraries_are_served_from_this_machine(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/static/vendor/xterm.js" in page.text and "https://" not in page.text
    for path in ("/static/app.js", "/static/topology.js", "/static/i18n.js", "/static/vendor/xterm.js", "/static/vendor/cytoscape.min.js"):
        assert client.get(path).status_code == 200, path


def test_the_catalogues_the_page_needs(client: TestClient) -> None:
    alice = token(client, "alice", "Alice-2026!")
    scenarios = client.get("/api/scenarios", headers=alice).json()
    assert "poste-sans-reseau" in {s["id"] for s in scenarios} and all("{{" not in s["title"] for s in scenarios)
    criteria = client.get("/api/criteria?lang=en", headers=alice).json()
    assert {"TRI-CP1", "TAI-CP4"} <= {c["id"] for c in criteria} and all(c["criteria"] for c in criteria)
    assert client.post("/api/labs/alice/exercise/start", json={"scenario": "nope"}, headers=alice).status_code == 404


def test_a_port_change_names_one_thing_to_change(client: TestClient) -> None:
    LabDir("alice").write(LabRecord(lab="alice"))
    trainer = token(client, "formateur", "Former-2026!")
    for body in ({}, {"vlan": 20, "shutdown": True}):
        answer = client.post("/api/labs/alice/ports/sw-floor:ge3", json=body, headers=trainer)
        assert answer.status_code == 400 and "exactly one" in answer.json()["detail"], answer.text
    bad = client.get("/api/labs/alice/ports/sw-floor:ge3/capture?count=0", headers=trainer)
    assert bad.status_code == 400 and "count" in bad.json()["detail"]


def test_a_lab_without_an_exercise_says_so_and_a_bad_language_is_a_400(client: TestClient) -> None:
    LabDir("alice").write(LabRecord(lab="alice"))
    alice = token(client, "alice", "Alice-2026!")
    answer = client.get("/api/labs/alice/exercise", headers=alice)
    assert answer.status_code == 400 and "alice" in answer.json()["detail"], answer.text
    assert client.post("/api/labs/alice/exercise/check?lang=de", headers=alice).status_code == 400


def test_a_learner_in_an_exercise_sees_each_check_s_status_never_its_cause() -> None:
    from officelab.recette.report import learner_view

    check = {"id": "link:pc-1:eth0", "title": "t", "group": "hosts", "criteria": ["TRI-CP1-C1"], "required": True, "status": "fail"}
    answers = {"cause": "no carrier on eth0", "evidence": {"sent": "x"}, "blocked_by": None, "probe": {"kind": "link"}}
    report = {"ok": False, "checks": [{**check, **answers}], "localised": {"link:pc-1:eth0": {"where": "sw-1:ge1", "cause": "pulled"}}}
    shown = learner_view(report)
    assert shown["checks"] == [check]
    assert shown["localised"] == {} and shown["ok"] is False
