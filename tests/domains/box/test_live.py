"""The internet box for real, on tpe delivered in its factory state: a real headless Chromium (Debian's, driven by
Playwright) opens the box's admin page through a loopback relay into pc-caisse (the lab stays sealed), logs in
with the factory password, reads the WAN status and the leases, adds the planned port forward, changes the DHCP
range and back, saves the Wi-Fi settings and changes the password; the recette then sees each change (factory
password refused, planned password accepted, the forward reaching pc-bureau's site from the internet). The
settings outlive a restart of the admin daemon, and each fault of the box fails exactly its ground truth.
Screenshots go to ``build/test-artifacts/box/``."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from officelab.core.deadline import wait_for
from officelab.domains.box.facts import SETTINGS
from officelab.faults import engine
from officelab.faults.mechanisms import restart
from officelab.recette.derive import derive_suite
from officelab.recette.model import Status, SuiteResult
from officelab.recette.run import run_on_lab
from officelab.runtime.lab import Lab
from officelab.runtime.relay import Relay
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_text
from tests.live.leaks import Snapshot, assert_nothing_left, netns_inodes

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from browser import CHROMIUM, FLAGS, LAPTOP

pytestmark = pytest.mark.live
playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parents[3] / "build" / "test-artifacts" / "box"
LAB = "tbox"
PLANNED = "Durand-Boutique-2026"
FACTORY = "K7q2-Wm4x"  # the sticker's, in tpe.yaml
BOX_CHECKS = ("box:page:box", "box:login:box", "box:factory:box", "box:wan:box", "box:dhcp:box", "forward:site-web")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    text = (
        builtin_sites()["tpe"]
        .read_text()
        .replace("        factory_password: K7q2-Wm4x\n", "        factory_password: K7q2-Wm4x\n        state: factory\n")
    )
    assert "state: factory" in text
    before = Snapshot()
    lab = Lab(LAB)
    lab.up(load_text(text, "tpe-factory.yaml"), text)
    inodes = netns_inodes(LAB)
    yield lab
    lab.down()
    assert_nothing_left(LAB, lab.dir.path, before, inodes)


def statuses(lab: Lab) -> dict[str, Status]:
    """The box's checks, in a run of the whole recette on the lab."""
    result: SuiteResult = run_on_lab(lab, derive_suite(lab.site()))
    return {o.check.id: o.status for o in result.outcomes if o.check.id in BOX_CHECKS}


def failing(lab: Lab) -> set[str]:
    return {o.check.id for o in run_on_lab(lab).outcomes if o.status is Status.FAIL}


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def submit(page: Any, button: str, expect: str) -> None:
    page.click(button)
    page.wait_for_selector("#message, #error")
    assert page.locator("#error").count() == 0, page.inner_text("#error")
    assert expect in page.inner_text("#message")


def test_a_browser_configures_the_factory_box(lab: Lab) -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = statuses(lab)
    assert before["box:page:box"] is Status.PASS and before["box:wan:box"] is Status.PASS, before
    assert before["box:factory:box"] is Status.FAIL, "the box is delivered with its factory password"
    assert before["box:login:box"] is Status.FAIL and before["forward:site-web"] is Status.FAIL, before

    with Relay(lab.context("pc-caisse"), "192.168.1.1", 80) as relay, sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(viewport=LAPTOP)
            page.goto(relay.url)
            assert page.url.endswith("/login"), "no session: the page asks to log in"
            page.fill("#password", FACTORY)
            page.click("#login")
            page.wait_for_selector("#wan")
            wan = page.inner_text("#wan")
            assert "198.51.100.10/29" in wan and "198.51.100.9" in wan and "connecté" in wan, wan
            shot(page, "1-status")

            page.goto(relay.url + "dhcp")
            leases = page.inner_text("#leases")
            assert "pc-caisse" in leases and "192.168.1.6" in leases, leases
            page.fill("#start", "192.168.1.100")
            page.fill("#end", "192.168.1.150")
            submit(page, "#save-dhcp", "redémarré")
            shot(page, "2-dhcp")
            assert "dhcp-range=set:vlan1,192.168.1.100,192.168.1.150," in (lab.dir.node_dir("box") / "dnsmasq.conf").read_text()
            page.fill("#start", "192.168.1.10")
            page.fill("#end", "192.168.1.50")
            submit(page, "#save-dhcp", "192.168.1.10 – 192.168.1.50")

            page.goto(relay.url + "nat")
            page.fill("#fwd-name", "site-web")
            page.fill("#fwd-port", "8080")
            page.fill("#fwd-to", "192.168.1.6")
            page.fill("#fwd-to-port", "80")
            submit(page, "#add-forward", "ajoutée")
            assert "site-web" in page.inner_text("#forwards")
            page.fill("#fwd-name", "autre")
            page.fill("#fwd-port", "8080")
            page.fill("#fwd-to", "192.168.1.7")
            page.click("#add-forward")
            assert "déjà redirigé" in page.inner_text("#error"), "the same public port twice is refused"
            shot(page, "3-forwards")

            page.goto(relay.url + "wifi")
            page.fill("#ssid", "Boutique-Durand")
            page.fill("#key", "durand-wifi-2026")
            submit(page, "#save-wifi", "Boutique-Durand")

            page.goto(relay.url + "firmware")
            assert "OLB4-TPE-0001" in page.inner_text("#firmware")

            page.goto(relay.url + "password")
            page.fill("#current", FACTORY)
            page.fill("#new", PLANNED)
            page.fill("#confirm", PLANNED)
            submit(page, "#change-password", "changé")
            page.click("#logout")
            page.wait_for_selector("#password")
            page.fill("#password", FACTORY)
            page.click("#login")
            assert "incorrect" in page.inner_text("#error"), "the factory password no longer opens the page"
            shot(page, "4-factory-refused")
        finally:
            browser.close()

    ruleset = lab.run("box", ["nft", "list", "chain", "inet", "officelab", "prerouting"]).stdout
    assert 'tcp dport 8080 dnat ip to 192.168.1.6:80 comment "box forward site-web"' in ruleset, ruleset
    settings = json.loads((lab.dir.node_dir("box") / SETTINGS).read_text())
    assert [f["name"] for f in settings["forwards"]] == ["site-web"] and settings["ssid"] == "Boutique-Durand"
    assert PLANNED not in json.dumps(settings), "the password is kept as a hash"
    after = statuses(lab)
    assert all(s is Status.PASS for s in after.values()) and set(after) == set(BOX_CHECKS), after


def test_the_settings_outlive_a_restart_of_the_admin_daemon(lab: Lab) -> None:
    restart(lab, "box/box-admin")
    ruleset = lab.run("box", ["nft", "list", "chain", "inet", "officelab", "prerouting"]).stdout
    assert ruleset.count('comment "box forward site-web"') == 1, ruleset
    assert all(s is Status.PASS for s in statuses(lab).values())


def test_officelab_box_page_opens_the_page_on_loopback(lab: Lab) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = [sys.executable, "-m", "officelab.cli", "box", "page", "--lab", LAB, "--port", str(port)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: _answers(port), 30), "the relay listens on loopback"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as answer:
            assert "Mot de passe administrateur" in answer.read().decode()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "127.0.0.1" in out and "relay closed" in out, (out, err)
    assert "192.168.1." not in subprocess.run(["ip", "route"], capture_output=True, text=True).stdout, "no lab route on the host"


def _answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_the_learner_devices_cannot_read_the_settings(lab: Lab) -> None:
    path = lab.dir.node_dir("box") / SETTINGS
    assert lab.run("pc-caisse", ["cat", str(path)]).returncode != 0
    assert lab.run("box", ["cat", str(path)]).returncode == 0, "control: the box reads its own settings"


@pytest.mark.parametrize("kind", ["box-forward-wrong-host", "box-remote-admin", "box-dhcp-range-moved", "box-factory-password"])
def test_each_fault_fails_exactly_its_ground_truth(lab: Lab, kind: str) -> None:
    site = lab.site()
    fault = engine.catalogue()[kind][1].candidates(site)[0]
    entry = engine.inject(lab, fault)
    truth = engine.truth_of(entry)
    try:
        during = failing(lab)
    finally:
        engine.clear(lab, [entry.id])
    assert during == set(truth.fails), (kind, during, truth.fails)
    assert failing(lab) == set(), f"{kind} cleared"
