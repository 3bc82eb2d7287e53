"""The web workbench end to end, in a real headless Chromium (Debian's, driven by Playwright) against the real
server on loopback: a trainer starts the default site, sees its topology, opens a console on pc-accueil and pings
the internet, runs the recette and sees it pass, pulls a cable from the topology and sees the recette name the
cause; a learner starts a scenario, types in a console, finds the line in the journal, checks their work, while a
trainer watches that console read-only. Screenshots of each step go to ``build/test-artifacts/web/``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from officelab.api import accounts
from officelab.api.app import create_app
from officelab.exercises import store
from officelab.exercises.classroom import ClassRecord
from officelab.runtime.lab import Lab
from tests.live.leaks import netns_inodes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from browser import CHROMIUM, FLAGS, log_in, serving

pytestmark = pytest.mark.live
playwright_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "web"
LAB = "tweb"
LEARNER = "lea"
SCENARIO = "poste-sans-reseau"
CLASS = "e2e"


class Workbench:
    def __init__(self, url: str, browser: Any) -> None:
        self.url = url
        self.browser = browser

    def log_in(self, name: str, password: str) -> Any:
        return log_in(self.browser, self.url, name, password)


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    store = accounts.open_accounts(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite'}")
    accounts.add_account(store, "formateur", "trainer", "Former-2026!")
    accounts.add_account(store, LEARNER, "learner", "Learner-2026!", lab=LEARNER)
    try:
        with serving(create_app(store)) as url, sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            try:
                yield Workbench(url, browser)
            finally:
                browser.close()
    finally:
        for name in (LAB, LEARNER):
            Lab(name).down()
        store.dispose()
    assert not netns_inodes(LAB) and not netns_inodes(LEARNER)


def beside(job: Callable[..., Any], *args: Any) -> Any:
    """Run a library call in another thread: Playwright's sync API holds this thread's asyncio loop, on which
    pyroute2 cannot run its own."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(job, *args).result()


def wait(page: Any, condition: str, timeout: float = 20_000) -> None:
    """Wait until ``condition`` holds in the page, or the page shows an error (then fail with its words)."""
    try:
        page.wait_for_function(f"({condition}) || document.querySelector('.message.error')", timeout=timeout)
    except Exception:
        shot(page, "failure")
        raise
    assert page.locator(".message.error").count() == 0, page.inner_text("#message")


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def terminal_text(page: Any, index: int = 0) -> str:
    """What the page's terminal number ``index`` shows (its whole buffer, as text)."""
    return str(
        page.evaluate(
            """(i) => { const b = state.consoles[i].term.buffer.active; const lines = [];
            for (let y = 0; y < b.length; y++) lines.push(b.getLine(y).translateToString(true)); return lines.join("\\n"); }""",
            index,
        )
    )


def wait_terminal(page: Any, text: str, index: int = 0, timeout: float = 20_000) -> None:
    page.wait_for_function(
        """([i, text]) => { const c = state.consoles[i]; if (!c) return false; const b = c.term.buffer.active;
        for (let y = 0; y < b.length; y++) if (b.getLine(y).translateToString(true).includes(text)) return true; return false; }""",
        arg=[index, text],
        timeout=timeout,
    )


def click_on_map(page: Any, script: str, arg: object) -> None:
    """Click the drawing where ``script`` (run in the page with ``arg``) says the element is: a real click on the canvas."""
    x, y = page.evaluate(script, arg)
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


NODE_AT = "(n) => { const p = state.graph.getElementById(n).renderedPosition(); return [p.x, p.y]; }"
# Where the cable between two nodes is farthest from every other cable and node on the screen: sampled along the
# cable, as a technician aims the mouse at a clear stretch of it.
CABLE_AT = """([n, m]) => {
  const e = state.graph.edges().filter((e) => [e.data("source"), e.data("target")].sort().join() === [n, m].sort().join())[0];
  const [a, b] = [e.source().renderedPosition(), e.target().renderedPosition()];
  const ends = (o) => [o.source().renderedPosition(), o.target().renderedPosition()];
  const others = state.graph.edges().filter((o) => o.id() !== e.id()).map(ends);
  const nodes = state.graph.nodes().map((v) => v.renderedPosition());
  const gap = (p, [s, t]) => {  // from a point to a segment
    const dx = t.x - s.x, dy = t.y - s.y, l = dx * dx + dy * dy || 1;
    const k = Math.max(0, Math.min(1, ((p.x - s.x) * dx + (p.y - s.y) * dy) / l));
    return Math.hypot(p.x - s.x - k * dx, p.y - s.y - k * dy);
  };
  let best = null, room = -1;
  for (let i = 2; i <= 18; i++) {
    const p = { x: a.x + (b.x - a.x) * i / 20, y: a.y + (b.y - a.y) * i / 20 };
    if (p.x < 10 || p.y < 10 || p.x > state.graph.width() - 10 || p.y > state.graph.height() - 10) continue;  // on screen
    const clear = Math.min(...others.map((o) => gap(p, o)), ...nodes.map((v) => Math.hypot(p.x - v.x, p.y - v.y) / 2));
    if (clear > room) { room = clear; best = p; }
  }
  return [best.x, best.y];
}"""


def test_a_trainer_starts_the_site_pings_from_a_console_runs_the_recette_and_pulls_a_cable(workbench: Workbench) -> None:
    page = workbench.log_in("formateur", "Former-2026!")
    shot(page, "01-trainer-logged-in")
    page.fill("#new-lab", LAB)
    page.click("#lab-up")
    wait(page, f"state.mapReady && state.map.lab === '{LAB}' && state.map.state === 'up'", timeout=180_000)
    assert page.evaluate("state.graph.nodes().length") == page.evaluate("state.map.nodes.length") > 30
    assert page.evaluate("state.graph.edges().filter((e) => e.data('trunk') === 1).length") >= 2  # the trunks drawn as such
    shot(page, "02-topology")

    click_on_map(page, NODE_AT, "pc-accueil")
    page.wait_for_selector("#details h2:text('pc-accueil')")
    assert "10.10.10." in page.inner_text("#details")  # its address, live
    shot(page, "03-node-details")
    page.click("#node-console")
    page.wait_for_selector(".term[data-node='pc-accueil']")
    wait_terminal(page, "pc-accueil")  # the prompt names the node
    page.keyboard.type("ping -c1 www.example.com")
    page.keyboard.press("Enter")
    wait_terminal(page, "1 received")
    assert "bytes from" in terminal_text(page)
    shot(page, "04-console-ping")

    page.click("#tabs button[data-view='recette']")
    page.click("#recette-run")
    wait(page, "document.getElementById('recette').dataset.done", timeout=180_000)
    assert page.get_attribute("#recette", "data-done") == "ok", page.inner_text("#recette-counts")
    assert page.locator("li.check.fail").count() == 0 and page.locator("li.check.pass").count() > 100
    shot(page, "05-recette-passed")

    page.click("#tabs button[data-view='topology']")
    page.wait_for_function("state.mapReady")
    click_on_map(page, CABLE_AT, ["sw-core", "sw-floor"])  # the trunk: a real click on its drawing
    page.wait_for_selector("#details h2:has-text('sw-floor:ge24')")
    with page.expect_download() as download:  # 5 s of the trunk's tagged frames, for Wireshark
        page.click("#link-capture")
    pcap = Path(download.value.path()).read_bytes()
    assert pcap[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4") and download.value.suggested_filename.endswith(".pcap")
    # pc-accueil's cable runs under srv-ipbx's on the drawing (the two are in line from sw-floor): a technician opens
    # it from the device's own list of cables
    click_on_map(page, NODE_AT, "pc-accueil")
    page.click("#details button.cable:has-text('pc-accueil:eth0')")
    page.wait_for_selector("#details h2:has-text('pc-accueil:eth0')")
    page.click("#link-toggle")
    wait(page, "state.map.links.some((l) => (l.a.startsWith('pc-accueil:') || l.b.startsWith('pc-accueil:')) && l.state === 'down')")
    shot(page, "06-cable-pulled")
    try:
        # the recette of the device whose cable was pulled: its checks and everything they need
        click_on_map(page, NODE_AT, "pc-accueil")
        page.wait_for_selector("#details h2:text('pc-accueil')")
        page.click("#node-recette")
        wait(page, "document.getElementById('recette').dataset.done", timeout=180_000)
        assert page.get_attribute("#recette", "data-done") == "failed"
        assert page.locator("li.check.fail").count() >= 1 and page.locator("li.check.pass").count() >= 1
        causes = page.locator(".root-cause").all_inner_texts()
        assert causes and all("pc-accueil" in c or "sw-floor:ge1" in c for c in causes), causes
        assert any("débranché" in c for c in causes), causes  # named as a technician says it
        shot(page, "07-recette-names-the-cause")
    finally:
        beside(Lab(LAB).set_link, "pc-accueil:eth0", True)
    assert not page.errors, page.errors
    page.close()
    beside(Lab(LAB).down)


def test_a_learner_starts_a_scenario_their_console_is_journaled_and_watched(workbench: Workbench) -> None:
    page = workbench.log_in(LEARNER, "Learner-2026!")
    assert page.locator("#tabs button[data-view='class']").is_hidden()  # no trainer's view
    page.click("#tabs button[data-view='exercise']")
    page.wait_for_selector("#exercise-start")
    page.select_option("#scenario-select", SCENARIO)
    shot(page, "08-learner-chooses-a-scenario")
    page.click("#exercise-start")
    page.wait_for_selector("#exercise-check", timeout=240_000)
    shot(page, "09-briefing")

    page.click("#tabs button[data-view='consoles']")
    page.wait_for_function("document.getElementById('console-node').options.length > 30")
    page.select_option("#console-node", "srv-files")
    page.click("#console-open")
    wait_terminal(page, "srv-files")
    # The trainer's class view: the learner's row, their console watched read-only, a fault injected, the grids.
    record = store.require(LEARNER)
    ClassRecord(CLASS, record.scenario, record.scenario_id, record.seed, [LEARNER]).save()
    trainer = workbench.log_in("formateur", "Former-2026!")
    trainer.click("#tabs button[data-view='class']")
    wait(trainer, f"document.querySelector(\"#class-table tr[data-learner='{LEARNER}']\")", timeout=60_000)
    trainer.wait_for_function(
        f"getJSON('/api/labs/{LEARNER}/consoles').then((open) => open.length === 1 && open[0].account === '{LEARNER}')"
    )
    trainer.click(f"#class-table tr[data-learner='{LEARNER}'] button.watch")
    trainer.wait_for_selector(".term[data-node='srv-files']")
    wait_terminal(trainer, "srv-files")  # the learner's screen so far
    line = "echo journal-mark-$((6 * 7))"
    page.keyboard.type(line)
    page.keyboard.press("Enter")
    wait_terminal(page, "journal-mark-42")
    wait_terminal(trainer, "journal-mark-42")  # the trainer sees it as it happens
    trainer.keyboard.type("echo the-trainer-typed\n")  # read-only: goes nowhere
    shot(page, "10-learner-console")
    shot(trainer, "11-trainer-watches-read-only")

    trainer.click("#tabs button[data-view='class']")
    trainer.click(f"#class-table tr[data-learner='{LEARNER}'] button.fault")
    trainer.select_option("#fault-type", "cable-pulled")
    trainer.fill("#fault-params", '{"at": "laptop-1:eth0"}')
    trainer.click("#class-detail button.primary")
    wait(trainer, "document.getElementById('message').textContent.includes('lea')")
    injected = trainer.evaluate(f"getJSON('/api/labs/{LEARNER}/faults')")
    assert [(f["type"], f["params"], f["hidden"]) for f in injected][-1:] == [("cable-pulled", {"at": "laptop-1:eth0"}, True)]
    with trainer.expect_download() as grids:
        trainer.click("#class-export")
    assert Path(grids.value.path()).read_text(encoding="utf-8").startswith("learner,criterion,competency")
    shot(trainer, "13-trainer-class-view")

    page.click("#tabs button[data-view='exercise']")
    page.wait_for_selector("#journal")
    page.wait_for_function(f"document.getElementById('journal').innerText.includes({line!r})")
    page.click("#exercise-check")
    page.wait_for_selector("#check-result:not(:empty)", timeout=60_000)
    assert "/" in page.inner_text("#check-result") and page.locator("#goals li").count() > 0
    shot(page, "12-check-my-work")
    assert "the-trainer-typed" not in terminal_text(page)
    assert not page.errors and not trainer.errors, (page.errors, trainer.errors)
    trainer.close()
    page.close()
