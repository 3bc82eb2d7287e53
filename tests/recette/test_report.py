"""Reports: JSON for scripts, JUnit for CI, HTML for the customer, terminal for the technician."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from rich.console import Console

from officelab.domains.network.model import PingProbe
from officelab.probes import Layer, ProbeResult
from officelab.recette import report
from officelab.recette.model import Check, Outcome, Status, SuiteResult


@pytest.fixture()
def result() -> SuiteResult:
    def c(cid: str, criteria: tuple[str, ...], **kw: object) -> Check:
        return Check(cid, f"titre {cid}", f"title {cid}", "pc", PingProbe(target="10.0.0.1"), criteria, **kw)  # type: ignore[arg-type]

    link = c("link:pc", ("TAI-CP3-C3",))
    gw = c("gw:pc", ("TRI-CP1-C1",), depends=("link:pc",))
    deny = c("flow:guests->servers", ("TRI-CP4-C3",), expect=False)
    return SuiteResult(
        site="cabinet-martin",
        lab="t",
        started=1.8e9,
        duration=1.5,
        technician="Alice",
        outcomes=[
            Outcome(
                link, Status.FAIL, "no carrier on eth0", ProbeResult(False, Layer.PHYSICAL, "no carrier on eth0", "netlink", "DOWN"), 3
            ),
            Outcome(gw, Status.BLOCKED, "not run: blocked by link:pc", blocked_by="link:pc"),
            Outcome(deny, Status.PASS, "blocked as required", ProbeResult(False, Layer.TRANSPORT, "timeout", "SYN", ""), 1),
        ],
    )


def test_json(result: SuiteResult, tmp_path: Path) -> None:
    report.write_json(result, tmp_path / "r.json", "fr")
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["ok"] is False and data["counts"] == {"pass": 1, "fail": 1, "blocked": 1}
    assert {c["id"]: c["status"] for c in data["criteria"]} == {"TRI-CP1-C1": "blocked", "TRI-CP4-C3": "pass", "TAI-CP3-C3": "fail"}
    first = data["checks"][0]
    assert first["evidence"]["layer"] == "physical" and first["evidence"]["received"] == "DOWN" and first["title"] == "titre link:pc"


def test_junit(result: SuiteResult, tmp_path: Path) -> None:
    report.write_junit(result, tmp_path / "r.xml")
    suite = ET.parse(tmp_path / "r.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("skipped") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and failure.get("message") == "no carrier on eth0"
    assert [p.get("value") for p in suite.iter("property")] == ["TAI-CP3-C3", "TRI-CP1-C1", "TRI-CP4-C3"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", ["RECETTE NON CONFORME", "Technicien", "Alice", "non conforme"]), ("en", ["NOT ACCEPTED", "Technician", "Alice"])],
)
def test_html(result: SuiteResult, tmp_path: Path, lang: str, words: list[str]) -> None:
    report.write_html(result, tmp_path / "r.html", lang)
    page = (tmp_path / "r.html").read_text()
    assert page.startswith("<!doctype html>") and "<script" not in page, "standalone and printable"
    for word in [*words, "TAI-CP3-C3", "no carrier on eth0", "cabinet-martin"]:
        assert word in page, word


def test_terminal_names_the_cause_once(result: SuiteResult) -> None:
    buffer = StringIO()
    report.print_terminal(result, Console(file=buffer, width=200, color_system=None), "en")
    text = buffer.getvalue()
    assert "NOT ACCEPTED: 1 passed, 1 failed, 1 not run" in text
    assert text.count("no carrier on eth0") == 1 and "1 checks not run, blocked by this cause: gw:pc" in text


def test_not_built_checks_and_localised_causes_are_in_every_report(result: SuiteResult, tmp_path: Path) -> None:
    from officelab.recette.model import Localised, NotBuilt

    result.not_built = [NotBuilt("sip:busy:102", "Appel occupé", "Busy call", "no third phone can hold the extension busy", "telephony")]
    result.localised = {"link:pc": Localised("sw-floor:ge2", "câble débranché", "cable unplugged", "rebrancher", "plug it back in", 1)}
    data = report.to_json(result, "en")
    assert data["not_built"] == [
        {
            "id": "sip:busy:102",
            "title": "Busy call",
            "group": "telephony",
            "status": "not built",
            "why": "no third phone can hold the extension busy",
        }
    ]
    assert data["localised"] == {"link:pc": {"where": "sw-floor:ge2", "cause": "cable unplugged", "fix": "plug it back in", "probes": 1}}
    report.write_junit(result, tmp_path / "r.xml")
    suite = ET.parse(tmp_path / "r.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "4" and suite.get("skipped") == "2"
    skipped = [s.get("message") for s in suite.iter("skipped")]
    assert "not built: no third phone can hold the extension busy" in skipped
    buf = StringIO()
    report.print_terminal(result, Console(file=buf, width=200, color_system=None), "en")
    text = buf.getvalue()
    assert "→ sw-floor:ge2: cable unplugged" in text and "plug it back in" in text
    assert "Checks that cannot be built on this site (1)" in text and "sip:busy:102" in text
    report.write_html(result, tmp_path / "r.html", "en")
    page = (tmp_path / "r.html").read_text()
    assert "sw-floor:ge2" in page and "no third phone can hold the extension busy" in page


def test_the_customers_proces_verbal_lists_the_failures_as_reservations(result: SuiteResult) -> None:
    page = report.render_html(result, "fr", customer="Cabinet <Martin>")
    assert "Procès-verbal de recette — Cabinet &lt;Martin&gt;" in page and "avec les réserves suivantes" in page
    failed = [o.check.id for o in result.outcomes if o.status.value == "fail"]
    assert failed and all(f"<code>{i}</code>" in page for i in failed) and "lu et approuvé" in page
    passed = SuiteResult(
        site=result.site, lab=result.lab, started=result.started, outcomes=[o for o in result.outcomes if o.status.value == "pass"]
    )
    assert "sans réserve" in report.render_html(passed, "fr", customer="Cabinet Martin")
    assert "Procès-verbal" not in report.render_html(result, "fr"), "without a customer, the technician's report"
