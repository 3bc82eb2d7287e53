"""Exercises on live labs: two learners get two sealed variants of one scenario; doing nothing earns no goal points;
the reference solution earns full marks; a learner who tests top-down and breaks something else scores lower on
method and loses the regression points; nothing of the exercise is readable from a learner's node.

Every built-in scenario's reference solution is proven by `make test-scenarios` (OFFICELAB_ALL_SCENARIOS=1)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.exercises import classroom, gateway, journal, session, store
from officelab.exercises.grade import GradeSheet
from officelab.exercises.scenario import builtin_scenarios, library_dir, load_scenario, variant
from officelab.exercises.variables import DEFAULT_SEED
from officelab.runtime import nodefs
from officelab.runtime.lab import Lab
from officelab.runtime.state import home, process_alive
from tests.conftest import cli
from tests.live.leaks import Snapshot, assert_nothing_left, live_processes_mentioning, netns_inodes

pytestmark = pytest.mark.live
SCENARIO = "poste-sans-reseau"


def two_learners() -> tuple[str, str]:
    """Two learner names whose variants put the fault on different workstations."""
    loaded = load_scenario(SCENARIO, every_variant=False)
    names = ["alice", "bob", "chloe", "david", "emma", "farid"]
    first = variant(loaded, names[0]).values["pc"]
    second = next(n for n in names[1:] if variant(loaded, n).values["pc"] != first)
    return names[0], second


CLASS = "tclass"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def learners() -> Iterator[tuple[str, str]]:
    """A class of two learners, with its SSH entry point on the loopback."""
    pair = two_learners()
    before = Snapshot()
    loaded = load_scenario(SCENARIO)
    try:
        record = classroom.start(loaded, list(pair), CLASS, DEFAULT_SEED)
        record.gateway = gateway.start(CLASS, list(pair), f"127.0.0.1:{free_port()}")
        record.save()
        for name in pair:
            exercise = store.require(name)
            assert exercise.baseline and exercise.class_name == CLASS
            goal_checks = [c for ids in session.open_variant(exercise).goal_checks.values() for c in ids]
            passing = [c for c in goal_checks if exercise.baseline[c] == "pass"]
            assert passing == [], f"goal checks passing at the start: {passing}"
        yield pair
    finally:
        inodes = {name: netns_inodes(name) for name in pair}
        sshd = classroom.load(CLASS).gateway if (classroom.classes_home() / f"{CLASS}.json").is_file() else {}
        classroom.stop(CLASS)
        for name in pair:
            assert_nothing_left(name, Lab(name).dir.path, before, inodes[name])
        if sshd:
            assert not process_alive(int(str(sshd["pid"])), int(str(sshd["start"]))), "the SSH entry point is still running"
        assert live_processes_mentioning(f"--class {CLASS}") == [], "a learner's session outlived the class"


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


def test_class_status_shows_every_learner(learners: tuple[str, str]) -> None:
    result = cli("class", "status", "--name", CLASS, timeout=180)
    assert result.returncode == 0, result.stderr
    for name in learners:
        assert name in result.stdout
    assert result.stdout.count("0/2") == 2  # goals reached, before anyone worked


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


def test_learners_labs_cannot_reach_each_other(learners: tuple[str, str]) -> None:
    a, b = (Lab(n) for n in learners)
    marker = "10.10.10.250/24"  # an address only the other learner's workstation has, in the same VLAN
    assert b.run("pc-direction", ["ip", "address", "add", marker, "dev", "eth0"]).returncode == 0
    try:
        assert b.run("pc-compta-1", ["ping", "-c1", "-W2", "10.10.10.250"]).returncode == 0  # reachable in its own lab
        assert a.run("pc-compta-1", ["ping", "-c1", "-W2", "10.10.10.250"]).returncode != 0  # never from another lab
        neighbours = a.run("pc-compta-1", ["ip", "neigh", "show", "10.10.10.250"]).stdout
        assert "lladdr" not in neighbours, neighbours
    finally:
        b.run("pc-direction", ["ip", "address", "del", marker, "dev", "eth0"])


def ssh(
    learner: str, *options: str, command: str | None = None, stdin: str | None = None, tty: bool = False
) -> subprocess.CompletedProcess[str]:
    """The real OpenSSH client, with the learner's key, to the class's entry point (``command``: what the client asks
    the server to run, which the entry point parses and never runs)."""
    host, port = str(classroom.load(CLASS).gateway["address"]).rsplit(":", 1)
    client = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR"]
    argv = [
        "ssh",
        "-i",
        str(gateway.folder(CLASS) / "keys" / learner),
        "-p",
        port,
        *client,
        *(["-tt"] if tty else []),
        *options,
        f"root@{host}",
    ]
    return subprocess.run([*argv, *([command] if command else [])], input=stdin, capture_output=True, text=True, timeout=60, check=False)


def test_ssh_entry_point_reaches_the_learners_lab_only(learners: tuple[str, str]) -> None:
    a, b = (store.require(n) for n in learners)
    brief = ssh(a.lab, command="brief")
    assert brief.returncode == 0 and "Objectifs" in brief.stdout and "[alice]>" not in brief.stdout, brief.stdout + brief.stderr
    assert a.values["pc"] in brief.stdout and b.values["pc"] not in brief.stdout
    # A command is never run on the host: not by ssh's command, not at the prompt.
    attempts = ("cat /etc/shadow", "bash", "sh -c id", "brief; id", "$(id)", "link up x:eth0 --lab " + b.lab, "shell ../../" + b.lab)
    for attempt in attempts:
        refused = ssh(a.lab, command=attempt)
        assert refused.returncode != 0 and "refused" in refused.stdout, (attempt, refused.stdout, refused.stderr)
        assert "root:" not in refused.stdout and "uid=" not in refused.stdout
    # An interactive login: a shell on one of the learner's own nodes, sealed, and journaled.
    typed = "shell " + a.values["pc"] + "\nhostname\nls -A " + str(home()) + "\nexit\nnodes\nquit\n"
    session_ = ssh(a.lab, stdin=typed, tty=True)
    assert a.values["pc"] in session_.stdout, session_.stdout
    assert "exercises" not in session_.stdout and "labs" + os.sep + b.lab not in session_.stdout
    assert any(e.node == a.values["pc"] and e.command == "hostname" and e.via == "shell" for e in journal.read(a.lab))


def test_ssh_entry_point_refuses_passwords_and_forwarding(learners: tuple[str, str]) -> None:
    name = learners[0]
    # A remote forward is asked of the server at login: refused, and with ExitOnForwardFailure the client gives up.
    forward = ssh(name, "-o", "ExitOnForwardFailure=yes", "-R", f"127.0.0.1:{free_port()}:127.0.0.1:22", "-N")
    assert forward.returncode == 255 and "forwarding failed" in forward.stderr.lower(), forward.stderr
    # Without the key (a password, keyboard-interactive): no way in.
    password = ssh(name, "-o", "PubkeyAuthentication=no", "-o", "IdentitiesOnly=yes", command="brief")
    assert password.returncode == 255 and "Permission denied" in password.stderr, password.stderr


ALL = os.environ.get("OFFICELAB_ALL_SCENARIOS") == "1"
LIBRARY = sorted(s for s in builtin_scenarios() if s != SCENARIO)


@pytest.mark.skipif(not ALL, reason="every scenario: `make test-scenarios` (about 2 minutes each)")
@pytest.mark.parametrize("scenario", LIBRARY)
def test_every_reference_solution_earns_full_marks(scenario: str) -> None:
    learner = "scenario"
    loaded = load_scenario(scenario)

    def summary(sheet: GradeSheet) -> str:
        goals = [(g.id, g.earned, g.points, [c for c, s in g.checks.items() if s != "pass"]) for g in sheet.goals]
        method = [(m.key, m.score, m.explanation) for m in sheet.method]
        return f"{sheet.total}/{sheet.maximum}: goals {goals}, regressions {sheet.regressions}, method {method}"

    try:
        _, passing = session.start(loaded, learner)
        assert passing == [], f"goal checks already passing at the start: {passing}"
        nothing = graded(learner)
        assert nothing.goal_points == 0 and nothing.total == 0, summary(nothing)
        done = session.solve(learner)
        sheet = graded(learner)
        print(f"\n{scenario}: {summary(sheet)}")  # shown at once with `-s`, before the suite's end
        assert sheet.total == sheet.maximum, f"{summary(sheet)}; solution {done}"
    finally:
        session.stop(learner)


def console(client: object, token: str, lab: str, node: str, typed: str) -> tuple[str, int]:
    """A browser's console session over the API's websocket: what the terminal printed, and the close code."""
    from starlette.websockets import WebSocketDisconnect

    printed = b""
    with client.websocket_connect(f"/api/labs/{lab}/nodes/{node}/console") as ws:  # type: ignore[attr-defined]
        ws.send_text(f'{{"token": "{token}", "cols": 100, "rows": 30}}')
        ws.send_bytes(typed.encode())
        try:
            while True:
                printed += ws.receive_bytes()
        except WebSocketDisconnect as closed:
            return printed.decode(errors="replace"), closed.code


def test_a_browser_console_is_the_learners_sealed_shell_and_is_journaled(learners: tuple[str, str], tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from officelab.api import accounts
    from officelab.api.app import create_app

    a, b = (store.require(n) for n in learners)
    accounts_store = accounts.open_accounts(f"sqlite:///{tmp_path / 'web.sqlite'}")
    accounts.add_account(accounts_store, a.lab, "learner", "Learner-2026!", lab=a.lab)
    with TestClient(create_app(accounts_store)) as client:
        token = client.post("/api/login", json={"name": a.lab, "password": "Learner-2026!"}).json()["token"]
        line = f"stty size; hostname; echo procs=$(ps -e --no-headers | wc -l); echo seen: $(ls -A {home()} {home()}/labs)"
        printed, code = console(client, token, a.lab, a.values["pc"], line + "\nexit\n")
        assert code == 1000, printed
        assert "30 100" in printed and a.values["pc"] in printed, printed  # the browser's size, the node's name
        seen = re.findall(r"^seen: (.*)$", printed, flags=re.M)[-1].split()
        assert "exercises" not in seen and b.lab not in seen, seen  # OfficeLab's state unseen: no answers, no other lab
        processes = re.search(r"procs=(\d+)", printed)
        assert processes and int(processes.group(1)) < 10, printed  # its own PID namespace, not the host's hundreds
        entries = [e for e in journal.read(a.lab) if e.via == "shell" and e.node == a.values["pc"]]
        assert any(e.command == line for e in entries), [e.command for e in entries]
        _, refused = console(client, token, b.lab, b.values["pc"], "hostname\n")
        assert refused == 4403
        # The exercise's own routes, in learner mode: the briefing, and each goal reached or not, never why.
        learner = {"Authorization": f"Bearer {token}"}
        brief = client.get(f"/api/labs/{a.lab}/exercise", headers=learner).json()
        assert brief["title"] and a.values["pc"] in brief["text"] and brief["goals"], brief
        goals = client.post(f"/api/labs/{a.lab}/exercise/check", headers=learner).json()
        assert goals and all(set(g) == {"id", "title", "reached"} for g in goals), goals
        assert client.get(f"/api/labs/{a.lab}/exercise/grade", headers=learner).status_code == 403
        assert [e.command for e in journal.read(a.lab)][-2:] == ["exercise brief", "exercise check"]
    accounts_store.dispose()
