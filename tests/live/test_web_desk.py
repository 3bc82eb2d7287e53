"""The service desk view (Assistance) end to end, in a real headless Chromium against the real server: a learner
opens a ticket on their lab (the requester among the site's directory users, the API's refusal shown), takes it,
follows it up, escalates it, solves it, has it closed, writes the article and finds it in the knowledge base; a
change made through the API between the page's read and its click is refused (409), said, the ticket reloaded with
the other change kept and what the learner typed still in the form. No lab is booted: a ticket needs the lab's
site (the copy a lab keeps, up or down), not its namespaces. Screenshots go to ``build/test-artifacts/web/``."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from officelab.api import accounts
from officelab.api.app import create_app
from officelab.runtime.state import LabDir, LabRecord
from officelab.site.catalog import builtin_sites
from tests.conftest import cli
from tests.live.test_web import ARTIFACTS, shot

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from browser import CHROMIUM, FLAGS, log_in, serving

pytestmark = pytest.mark.live
playwright_api = pytest.importorskip("playwright.sync_api")

LEARNER = "lucie"
STATIC = Path(__file__).resolve().parents[2] / "src" / "officelab" / "api" / "static"
TITLE = "Le traceur de plans n'imprime plus les calques <b>A0</b>"
SAID = "j'envoie les calques & rien ne sort <script>alert(1)</script>"
DESK = "\ndesk:\n  sla: [{priority: 1, own: 1, resolve: 600}]   # a P1 not taken within a minute is late\n  calendar: {hours: []}\n"


class Desk:
    def __init__(self, url: str, browser: Any) -> None:
        self.url, self.browser = url, browser
        self.trainer = httpx.Client(base_url=url, timeout=30)
        token = self.trainer.post("/api/login", json={"name": "formateur", "password": "Former-2026!"}).json()["token"]
        self.trainer.headers["Authorization"] = f"Bearer {token}"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    folder = tmp_path_factory.mktemp("webdesk")
    store = accounts.open_accounts(f"sqlite:///{folder / 'web.sqlite'}")
    accounts.add_account(store, "formateur", "trainer", "Former-2026!")
    accounts.add_account(store, LEARNER, "learner", "Learner-2026!", lab=LEARNER)
    lab = LabDir(LEARNER)  # a lab that was brought down keeps its site's copy: what the desk reads
    lab.write(LabRecord(lab=LEARNER, site="cabinet-martin"))
    (lab.path / "site.yaml").write_text(builtin_sites()["cabinet-martin"].read_text() + DESK)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OFFICELAB_DESK_URL", f"sqlite:///{folder / 'desk.sqlite'}")  # the CLI below inherits it
        try:
            with serving(create_app(store)) as url, sync_playwright() as driver:
                browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                found = Desk(url, browser)
                try:
                    yield found
                finally:
                    found.trainer.close()
                    browser.close()
        finally:
            shutil.rmtree(lab.path)
            store.dispose()


def wait_for(page: Any, condition: str, timeout: float = 15_000) -> None:
    try:
        page.wait_for_function(condition, timeout=timeout)
    except Exception:
        shot(page, "desk-failure")
        raise


def move(page: Any, action: str, status: str) -> None:
    """Click a move's button and wait for the ticket to be reloaded in ``status``, with no error said."""
    shown = page.get_attribute("#desk-detail", "data-shown")
    page.click(f"#ticket-moves button[data-action='{action}']")
    box = "document.getElementById('desk-detail').dataset"
    wait_for(page, f"({box}.shown !== '{shown}' && {box}.status === '{status}') || document.querySelector('.message.error')")
    assert page.locator(".message.error").count() == 0, page.inner_text("#message")


def test_a_learner_works_a_ticket_from_the_page_and_a_concurrent_change_is_never_lost(desk: Desk) -> None:
    # the trainer opens a P1 ticket on the learner's lab: the learner sees it; its minute to own runs meanwhile
    other = desk.trainer.post(f"/api/labs/{LEARNER}/tickets", json={"title": "Écran noir", "requester": "sleroy", "urgency": 2,
                                                                    "impact": 1, "category": "Matériel"})  # fmt: skip
    assert other.status_code == 201 and other.json()["priority"] == 1, other.text
    page = log_in(desk.browser, desk.url, LEARNER, "Learner-2026!")
    page.click("#tabs button[data-view='desk']")
    page.wait_for_selector(f"#desk-table[data-count='1'] tr[data-ticket='{other.json()['id']}']")
    assert page.locator("#desk-table tr.late").count() == 0

    # a new ticket: the API's refusal is shown, then the site's directory user, the priority from the matrix
    page.click("#desk-new")
    page.wait_for_selector("#new-ticket")
    assert page.locator("#new-requester option[value='pdurand']").inner_text() == "pdurand — Paul Durand"
    page.click("#new-submit")
    wait_for(page, "document.querySelector('.message.error')")
    assert "needs a title" in page.inner_text("#message")
    page.fill("#new-title", TITLE)
    page.select_option("#new-requester", "pdurand")
    page.select_option("#new-category", "Impression")
    page.select_option("#new-urgency", "4")
    page.select_option("#new-impact", "3")
    assert page.inner_text("#new-priority").strip() == "→ P4 haute"  # GLPI's matrix: 4 × 3
    page.fill("#new-description", SAID)
    page.select_option("#new-nodes", ["prn-1"])
    page.click("#new-submit")
    page.wait_for_selector("#ticket-title")
    page.wait_for_selector("#desk-table[data-count='2'] tr.chosen")
    number = int(page.get_attribute("#desk-table tr.chosen", "data-ticket") or 0)
    assert page.inner_text("#ticket-title") == f"Ticket {number} — {TITLE}"  # the markup typed is text
    assert page.inner_text("#ticket-description") == SAID and page.locator("#desk-detail b:text('A0'), #desk-detail script").count() == 0
    assert page.get_attribute("#desk-detail", "data-status") == "new" and "prn-1" in page.inner_text("#desk-detail .facts")

    move(page, "take", "assigned")
    assert f"N1, {LEARNER}" in page.inner_text("#desk-detail .facts")
    page.fill("#followup-text", "lpstat -p Traceur : file en pause")
    page.fill("#followup-minutes", "7")
    move(page, "followup", "in-progress")
    assert page.locator("#ticket-thread li[data-kind='followup']").inner_text().endswith("lpstat -p Traceur : file en pause")
    assert "7 min" in page.inner_text("#ticket-thread li[data-kind='followup']") and "7 min" in page.inner_text("#desk-detail .facts")
    page.fill("#pending-reason", "Paul Durand rappelle après sa réunion")
    move(page, "pending", "pending")
    assert page.inner_text("#desk-detail .facts tr:nth-child(7)").startswith("Résolution\ten pause")  # its clock stopped
    assert page.inner_text(f"#desk-table tr[data-ticket='{number}'] td:last-child").startswith("⏸")
    move(page, "resume", "in-progress")
    assert "en pause" not in page.inner_text("#desk-detail .facts")

    # filters: the trainer's ticket is the lab's, not the learner's
    page.check("#desk-mine")
    page.wait_for_selector("#desk-table[data-count='1']")
    assert page.get_attribute("#desk-table tr.ticket", "data-ticket") == str(number)
    page.uncheck("#desk-mine")
    page.select_option("#desk-status", "new")
    page.wait_for_selector(f"#desk-table[data-count='1'] tr[data-ticket='{other.json()['id']}']")
    page.select_option("#desk-status", "open")
    page.wait_for_selector("#desk-table[data-count='2']")

    # the trainer qualifies the ticket through the API after the page read it: the learner's escalation is refused
    read = int(page.get_attribute("#desk-detail", "data-version") or 0)
    changed = desk.trainer.post(f"/api/labs/{LEARNER}/tickets/{number}/qualify", json={"impact": 5}, headers={"If-Match": str(read)})
    assert changed.status_code == 200 and changed.json()["version"] > read, changed.text
    page.fill("#escalate-reason", "le pilote du traceur est à réinstaller : droits N2")
    page.click("#ticket-moves button[data-action='escalate']")
    page.wait_for_selector(f"#message.error[data-conflict='{number}']")
    said = page.inner_text("#message")
    assert "Quelqu'un a modifié le ticket" in said and "votre modification n'a pas été appliquée" in said, said
    assert page.get_attribute("#desk-detail", "data-version") == str(changed.json()["version"]), "the ticket is reloaded"
    assert "4 × 5 →" in page.inner_text("#desk-detail .facts") and f"N1, {LEARNER}" in page.inner_text("#desk-detail .facts")
    assert page.input_value("#escalate-reason") == "le pilote du traceur est à réinstaller : droits N2", "what was typed is kept"
    assert page.input_value("#qualify-impact") == "5", "the qualification offered is the ticket's now, not the one read"
    kept = desk.trainer.get(f"/api/labs/{LEARNER}/tickets/{number}").json()
    assert (kept["impact"], kept["level"]) == (5, "N1") and "escalated" not in [e["kind"] for e in kept["history"]]
    shot(page, "15-desk-conflict")

    move(page, "escalate", "new")  # redone on the ticket as it is now: to the N2 queue
    assert "N2, —" in page.inner_text("#desk-detail .facts")
    move(page, "take", "assigned")
    attached = cli("desk", "ticket", "attach", str(number), "--journal", "--lab", LEARNER, "--as", LEARNER, check=True)
    assert "journal" in attached.stdout, attached.stdout
    page.fill("#solve-text", "Pilote du traceur réinstallé sur srv-files, les calques A0 sortent")
    page.fill("#solve-minutes", "20")
    move(page, "solve", "solved")
    assert page.inner_text("#ticket-solution").endswith("Pilote du traceur réinstallé sur srv-files, les calques A0 sortent")
    page.fill("#reopen-reason", "les calques couleur ne sortent toujours pas")
    move(page, "reopen", "in-progress")
    page.fill("#solve-text", "Pilote du traceur réinstallé sur srv-files, les calques A0 sortent")
    page.fill("#solve-minutes", "3")
    move(page, "solve", "solved")
    page.click("#ticket-thread details.evidence[data-what='journal'] summary")
    assert "Journal des commandes" in page.inner_text("#ticket-thread") and "aucune commande tapée" in page.inner_text("#ticket-thread")
    page.select_option("#close-satisfaction", "4")
    move(page, "close", "closed")
    facts = page.inner_text("#desk-detail .facts")
    assert "4/5" in facts and "30 min" in facts and "tenu" in facts, facts
    kinds = page.eval_on_selector_all("#ticket-thread li", "(items) => items.map((i) => i.dataset.kind)")
    expected = ["opened", "taken", "followup", "pending", "resumed", "qualified", "escalated", "taken", "evidence", "solved", "reopened",
                "solved", "closed"]  # fmt: skip
    assert kinds == expected, kinds
    page.fill("#article-cause", "file du traceur en pause, pilote corrompu")
    page.click("#ticket-moves button[data-action='article']")
    wait_for(page, "document.getElementById('message').textContent.includes('Article')")
    page.select_option("#desk-status", "all")
    page.wait_for_selector("#desk-table[data-count='2']")

    page.fill("#kb-query", "traceurs calque")  # other words of the same stems
    page.click("#kb-search")
    page.wait_for_selector("#kb-results .article")
    assert page.locator("#kb-results .article").count() == 1
    article = page.inner_text("#kb-results .article")
    assert TITLE in article and f"Ticket {number}" in article and "pilote corrompu" in article, article
    shot(page, "14-desk-ticket")

    # the trainer's P1 ticket, never taken, is past its one minute to own: breached in the list and on its page
    late, due = other.json()["id"], other.json()["sla"]["own"]["due"]
    page.wait_for_function(f"Date.now() / 1000 > {due} + 1", polling=500, timeout=120_000)  # the server's clock is this machine's
    page.click("#desk-refresh")
    page.wait_for_selector(f"#desk-table tr.late[data-ticket='{late}']")
    assert page.locator("#desk-table tr.late").count() == 1 and "dépassé" in page.inner_text(f"#desk-table tr[data-ticket='{late}']")
    page.click(f"#desk-table tr[data-ticket='{late}']")
    page.wait_for_selector("#desk-detail p.breached:text('SLA dépassé')")
    assert "dépassé" in page.inner_text("#desk-detail .facts tr:nth-child(6)")  # the time to own

    page.click(f"#desk-table tr[data-ticket='{number}']")
    page.click("header button.lang[data-lang='en']")
    page.wait_for_selector("#tabs button[data-view='desk']:text('Service desk')")
    page.wait_for_selector(f"#desk-table tr[data-ticket='{number}'] td.status:text('closed')")
    assert not page.errors, page.errors
    page.close()

    trainer = log_in(desk.browser, f"{desk.url}?lab={LEARNER}", "formateur", "Former-2026!")  # the trainer sees the lab's desk
    trainer.click("#tabs button[data-view='desk']")
    trainer.wait_for_selector(f"#desk-table tr[data-ticket='{late}']")
    assert trainer.locator("#desk-table tr.ticket").count() == 1, "open tickets by default: the closed one is left out"
    assert not trainer.errors, trainer.errors
    trainer.close()


def test_the_view_puts_no_markup_from_data() -> None:
    """Everything a user wrote goes on the page as text: the desk view never writes markup."""
    assert "innerHTML" not in (STATIC / "desk.js").read_text() and "innerHTML" not in (STATIC / "app.js").read_text()
    assert "desk.js" in (STATIC / "index.html").read_text()
