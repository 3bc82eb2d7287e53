"""The recette on the live default site: all green, then one fault at a time — the right cause, the right
criteria, and nothing else reported as failed."""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from officelab.core.vlan import PortVlan
from officelab.diagnosis.recette import localise
from officelab.recette.model import Status, SuiteResult
from officelab.recette.run import run_on_lab
from officelab.recette.secrets import secret_values
from officelab.runtime.lab import Lab
from officelab.runtime.ports import port_behaviour
from officelab.runtime.state import home
from tests.conftest import cli
from tests.live.leaks import booted, netns_inodes

pytestmark = pytest.mark.live
LAB = "trecette"


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    yield from booted(LAB)


def failed(result: SuiteResult) -> dict[str, str]:
    return {o.check.id: o.cause for o in result.outcomes if o.status is Status.FAIL}


def blocked(result: SuiteResult) -> dict[str, str | None]:
    return {o.check.id: o.blocked_by for o in result.outcomes if o.status is Status.BLOCKED}


def failing_criteria(result: SuiteResult) -> set[str]:
    return {c for o in result.outcomes if o.status is Status.FAIL for c in o.check.criteria}


def test_whole_derived_recette_passes_with_reports(lab: Lab, tmp_path: Path) -> None:
    files = {k: tmp_path / f"recette.{k}" for k in ("json", "xml", "html")}
    result = cli(
        "check",
        "--lab",
        LAB,
        "--json",
        str(files["json"]),
        "--junit",
        str(files["xml"]),
        "--html",
        str(files["html"]),
        "--lang",
        "fr",
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "RECETTE CONFORME" in result.stdout
    data = json.loads(files["json"].read_text())
    assert data["ok"] and data["counts"]["fail"] == 0 and data["counts"]["pass"] > 100
    groups = {c["group"] for c in data["checks"]}
    assert {"hosts", "services", "firewall", "isolation", "infrastructure"} <= groups
    suite = ET.parse(files["xml"]).getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    page = files["html"].read_text()
    assert "RECETTE CONFORME" in page and "TRI-CP1-C1" in page and "cabinet-martin" in page


def test_selection_by_criterion_and_node(lab: Lab) -> None:
    listed = cli("check", "--lab", LAB, "--criterion", "TRI-CP4-C3", "--list").stdout
    assert "flow:guests->servers:tcp/80" in listed and "gw:guest-1" in listed, "selected checks come with what they need"
    assert "dnsrec:srv-app" not in listed
    result = cli("check", "--lab", LAB, "--node", "pc-paie", "--lang", "en")
    assert result.returncode == 0 and "ACCEPTED" in result.stdout
    assert cli("check", "--lab", LAB, "--criterion", "TRI-CP99-C1").returncode == 2


def test_pulled_cable(lab: Lab) -> None:
    lab.set_link("sw-floor:ge2", up=False)
    try:
        result = run_on_lab(lab)
    finally:
        lab.set_link("sw-floor:ge2", up=True)
    assert failed(result) == {"link:pc-compta-1:eth0": "no carrier on eth0: cable unplugged or switch port down"}
    assert {"ip:pc-compta-1:eth0", "gw:pc-compta-1", "dns:pc-compta-1"} <= set(blocked(result))
    assert set(blocked(result).values()) == {"link:pc-compta-1:eth0"}
    # pc-compta-1 is also the directory's first client: its checks ran from the next one, and passed (blocking
    # stays local: only what really needs pc-compta-1 is blocked).
    assert set(blocked(result)) == {"ip:pc-compta-1:eth0", "gw:pc-compta-1", "dns:pc-compta-1", "ad:testjoin:pc-compta-1"}
    moved = {o.check.id: o.ran_at for o in result.outcomes if o.check.id.startswith("ad:login:")}
    assert moved and all(place != "pc-compta-1" for place in moved.values()), moved
    assert "TAI-CP3-C3" in failing_criteria(result)


def test_dhcp_server_stopped(lab: Lab) -> None:
    lab.stop_daemon("fw/dnsmasq")
    try:
        result = run_on_lab(lab)
    finally:
        lab.start_daemon("fw/dnsmasq")
    causes = failed(result)
    assert {"dhcp:vlan10", "dhcp:vlan20", "dhcp:vlan30", "dhcp:vlan50"} <= set(causes)
    assert all(cause.startswith("no DHCP offer within") for cid, cause in causes.items() if cid.startswith("dhcp:"))
    # dnsmasq is also the site's DNS: the only other failures are DNS questions to it, nothing downstream. Asked
    # through the domain controller, which forwards the site's zone to dnsmasq, the question either times out or
    # comes back SERVFAIL, depending on whether Samba's forwarder gives up before the probe does. The remote worker
    # asks the same resolver through its VPN (pushed DNS): its own DNS check of the mail server's name fails too.
    others = {cid: cause for cid, cause in causes.items() if not cid.startswith("dhcp:")}
    unanswered = ("no answer from DNS server", "answered SERVFAIL")
    downstream = {
        cid: cause
        for cid, cause in others.items()
        if not (cid.startswith(("dns:", "mail:resolve:")) and any(word in cause for word in unanswered))
    }
    assert others and not downstream, downstream
    assert len(blocked(result)) > 50 and set(blocked(result).values()) <= set(causes)
    assert "TAI-CP5-C3" in failing_criteria(result)


def test_broken_dns_record(lab: Lab) -> None:
    hosts = lab.dir.node_dir("fw") / "hosts.site"
    original = hosts.read_text()
    hosts.write_text(re.sub(r"^10\.10\.40\.10\t", "10.10.40.99\t", original, flags=re.M))
    lab.control("signal", ["fw/dnsmasq"], signal="HUP")
    try:
        result = run_on_lab(lab)
    finally:
        hosts.write_text(original)
        lab.control("signal", ["fw/dnsmasq"], signal="HUP")
    causes = failed(result)
    assert set(causes) == {"dnsrec:srv-app", "ptr:srv-app", "dnsrec:intranet.cabinet-martin.lan"}, causes
    assert "expected 10.10.40.10" in causes["dnsrec:srv-app"]
    intranet = {
        o.check.id for o in result.outcomes if o.check.id.startswith("web:") and o.check.id.endswith(":intranet.cabinet-martin.lan")
    }
    assert intranet and blocked(result) == dict.fromkeys(intranet, "dnsrec:intranet.cabinet-martin.lan")
    assert "TAI-CP5-C5" in failing_criteria(result)


def test_firewall_rule_dropped(lab: Lab) -> None:
    listing = lab.run("fw", ["nft", "-a", "list", "chain", "inet", "officelab", "forward"]).stdout
    line = next(ln for ln in listing.splitlines() if 'comment "policy users -> wan"' in ln)
    handle = line.rsplit("# handle ", 1)[1].strip()
    assert lab.run("fw", ["nft", "delete", "rule", "inet", "officelab", "forward", "handle", handle]).returncode == 0
    try:
        result = run_on_lab(lab)
    finally:
        restore = lab.run("fw", ["nft", "-f", str(lab.dir.node_dir("fw") / "firewall.nft")])
        assert restore.returncode == 0, restore.stderr
    causes = failed(result)
    assert set(causes) == {"flow:users->wan:tcp/80", "flow:users->wan:icmp"}, causes
    assert "no answer from 203.0.113.80:80" in causes["flow:users->wan:tcp/80"]
    sent = {o.check.id for o in result.outcomes if o.check.id.startswith("mail:send:")}  # the office's mail clients
    assert sent and blocked(result) == dict.fromkeys({"web:users:www.example.com", *sent}, "flow:users->wan:tcp/80")
    assert {"TRI-CP1-C1", "TAI-CP7-C1"} <= failing_criteria(result)


def test_port_in_the_wrong_vlan(lab: Lab) -> None:
    lab.set_port_vlan("sw-floor:ge3", "voice")
    try:
        result = run_on_lab(lab)
        localise(lab, result)
    finally:
        lab.set_port_vlan("sw-floor:ge3", "users")
    # The recette's cause is walked bottom-up from where it failed: it names the port and the fix.
    found = result.localised["ip:pc-compta-2:eth0"]
    assert found.where == "sw-floor:ge3" and "switchport access vlan 10" in found.fix_en
    causes = failed(result)
    # The switch runs a configuration that is neither the design nor the saved one (it was changed through its CLI).
    assert set(causes) == {"ip:pc-compta-2:eth0", "conf:sw-floor", "saved:sw-floor"}, causes
    assert "ge3 is access 20, the design says access 10" in causes["conf:sw-floor"]
    assert "outside 10.10.10.0/24: pc-compta-2:eth0 is in the wrong VLAN" in causes["ip:pc-compta-2:eth0"]
    assert set(blocked(result)) == {"gw:pc-compta-2", "dns:pc-compta-2"}
    assert {"TAI-CP5-C2", "TRI-CP3-C4"} <= failing_criteria(result)


def test_all_green_again_after_the_faults(lab: Lab) -> None:
    result = run_on_lab(lab)
    assert failed(result) == {} and blocked(result) == {}


def test_no_secret_in_reports_logs_commands_or_readable_state(lab: Lab, tmp_path: Path) -> None:
    """The site's passwords appear in no report, no node's log, no process's command line, and the lab's state is
    readable by root only."""
    site = lab.site()
    secrets = {s for s in secret_values(site) if len(s) >= 6}
    assert len(secrets) >= 15, "the default site declares its passwords (the test would prove nothing otherwise)"
    reports = {k: tmp_path / f"r.{k}" for k in ("json", "xml", "html")}
    run = cli("check", "--lab", LAB, "--json", str(reports["json"]), "--junit", str(reports["xml"]), "--html", str(reports["html"]))
    texts = {"terminal": run.stdout + run.stderr, **{name: path.read_text() for name, path in reports.items()}}
    for log in (lab.dir.path / "nodes").glob("*/log/**/*"):
        if log.is_file():
            texts[str(log.relative_to(lab.dir.path))] = log.read_text(errors="replace")
    inodes = netns_inodes(LAB)
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        with contextlib.suppress(OSError):
            if os.stat(f"/proc/{pid}/ns/net").st_ino in inodes:
                texts[f"command line of {pid}"] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    assert sum(1 for name in texts if name.startswith("command line")) > 50, "the lab's processes were found"
    leaks = {(name, secret) for name, text in texts.items() for secret in secrets if secret in text}
    assert leaks == set()
    for directory in (home(), home() / "labs", lab.dir.path):
        assert directory.stat().st_mode & 0o077 == 0, f"{directory} is readable by others"
    shown = tmp_path / "revealed.json"
    cli("check", "--lab", LAB, "--criterion", "TRI-CP6-C2", "--json", str(shown), "--reveal-secrets")
    assert any(secret in shown.read_text() for secret in secrets), "a trainer can reveal them on purpose"


def test_the_api_runs_the_recette_and_streams_it_check_by_check(lab: Lab, tmp_path: Path) -> None:
    """The REST API on this live lab: the trainer reads its status and runs a node's recette (JSON and server-sent
    events, one per check); a learner of another lab gets 403."""
    from fastapi.testclient import TestClient

    from officelab.api import accounts
    from officelab.api.app import create_app

    store = accounts.open_accounts(f"sqlite:///{tmp_path / 'web.sqlite'}")
    accounts.add_account(store, "formateur", "trainer", "Former-2026!")
    accounts.add_account(store, "alice", "learner", "Alice-2026!", lab="alice")
    with TestClient(create_app(store)) as client:

        def bearer(name: str, password: str) -> dict[str, str]:
            return {"Authorization": "Bearer " + client.post("/api/login", json={"name": name, "password": password}).json()["token"]}

        trainer = bearer("formateur", "Former-2026!")
        status = client.get(f"/api/labs/{LAB}", headers=trainer).json()
        assert {n["name"] for n in status["nodes"]} >= {"pc-paie", "sw-floor", "fw"}
        report = client.get(f"/api/labs/{LAB}/recette", params={"node": "pc-paie", "lang": "en"}, headers=trainer).json()
        assert report["ok"] and {"ip:pc-paie:eth0", "gw:pc-paie"} <= {c["id"] for c in report["checks"]}
        with client.stream("GET", f"/api/labs/{LAB}/recette/stream", params={"node": "pc-paie"}, headers=trainer) as events:
            lines = [line for line in events.iter_lines() if line.startswith("event: ")]
        assert lines.count("event: check") == len(report["checks"]) and lines[-1] == "event: done"
        assert client.get(f"/api/labs/{LAB}/recette", headers=bearer("alice", "Alice-2026!")).status_code == 403
        assert client.get(f"/api/labs/{LAB}/recette", params={"criterion": "TRI-CP99-C9"}, headers=trainer).status_code == 400
    store.dispose()


def test_the_api_pulls_a_cable_diagnoses_it_and_manages_faults(lab: Lab, tmp_path: Path) -> None:
    """Acting through the API on this live lab: a cable pulled and plugged back, the walk from the cut host naming
    its cable, a hidden fault injected, listed with its ground truth and cleared (and an unknown one: 404)."""
    from fastapi.testclient import TestClient

    from officelab.api import accounts
    from officelab.api.app import create_app

    store = accounts.open_accounts(f"sqlite:///{tmp_path / 'web.sqlite'}")
    accounts.add_account(store, "formateur", "trainer", "Former-2026!")
    with TestClient(create_app(store)) as client:
        login = client.post("/api/login", json={"name": "formateur", "password": "Former-2026!"}).json()
        trainer = {"Authorization": "Bearer " + login["token"]}
        pulled = client.post(f"/api/labs/{LAB}/links/pc-paie:eth0", json={"up": False}, headers=trainer)
        assert pulled.status_code == 200 and pulled.json()["up"] is False, pulled.text
        try:
            walk = client.get(f"/api/labs/{LAB}/diagnose", params={"source": "pc-paie", "target": "srv-files"}, headers=trainer).json()
            assert walk["found"] and walk["steps"][-1]["layer"] == "physical" and "pc-paie" in walk["where"], walk
        finally:
            assert client.post(f"/api/labs/{LAB}/links/pc-paie:eth0", json={"up": True}, headers=trainer).status_code == 200
        moved = client.post(f"/api/labs/{LAB}/ports/sw-floor:ge3", json={"vlan": 20}, headers=trainer)
        try:
            assert moved.status_code == 200, moved.text
            behaviour = port_behaviour(lab, "sw-floor:ge3")
            assert behaviour == PortVlan.access_port(20), behaviour  # the data plane itself, not a record of it
        finally:
            assert client.post(f"/api/labs/{LAB}/ports/sw-floor:ge3", json={"vlan": 10}, headers=trainer).status_code == 200
        drawn = client.get(f"/api/labs/{LAB}/map", headers=trainer).json()
        assert {n["name"] for n in drawn["nodes"]} >= {"pc-paie", "sw-floor"} and all(link["state"] == "up" for link in drawn["links"])
        order = {"type": "cable-pulled", "params": {"at": "pc-compta-1:eth0"}, "hidden": True}
        made = client.post(f"/api/labs/{LAB}/faults", json=order, headers=trainer)
        assert made.status_code == 200, made.text
        listed = client.get(f"/api/labs/{LAB}/faults", headers=trainer).json()
        assert [f["id"] for f in listed] == [made.json()["id"]] and listed[0]["hidden"] and listed[0]["truth"]
        cleared = client.delete(f"/api/labs/{LAB}/faults/{made.json()['id']}", headers=trainer)
        assert cleared.status_code == 200 and [f["type"] for f in cleared.json()] == ["cable-pulled"]
        assert client.get(f"/api/labs/{LAB}/faults", headers=trainer).json() == []
        assert client.delete(f"/api/labs/{LAB}/faults/f99", headers=trainer).status_code == 404
        bad = client.post(f"/api/labs/{LAB}/faults", json={"type": "no-such-fault"}, headers=trainer)
        assert bad.status_code == 400 and "no-such-fault" in bad.json()["detail"]
    store.dispose()
