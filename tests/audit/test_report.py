"""The audit's reports: French by default, English on demand, every finding with its rule, evidence and fix."""

from __future__ import annotations

import io
import json

from rich.console import Console

from officelab.audit.model import AuditResult, Evidence, Finding, Unprobed
from officelab.audit.report import print_terminal, render_html, to_json

RESULT = AuditResult(
    site="cabinet-martin",
    lab="default",
    started=0.0,
    findings=[
        Finding("unused-port-enabled", "sw-floor", "ge8, ge9", (Evidence("switch-show", "pc-admin", "sw-floor: ge8, ge9 notconnect"),)),
        Finding(
            "switch-default-credentials",
            "sw-core",
            "admin/admin",
            (Evidence("ssh-cli", "pc-admin", "sw-core command line: prompt sw-core#", "SSH to 10.10.99.2 as admin"),),
        ),
    ],
    unprobed=[Unprobed("camera-default-credentials", "no camera on this site")],
    probes=42,
    duration=3.5,
)


def test_the_html_report_is_french_by_default_and_orders_findings_by_severity() -> None:
    page = render_html(RESULT)
    assert '<html lang="fr">' in page and "Audit d&#39;hygiène de sécurité" in page
    assert page.index("switch-default-credentials") < page.index('data-rule="unused-port-enabled"')  # critique first
    assert "Changer les éléments d&#39;authentification par défaut" in page
    assert "SSH to 10.10.99.2 as admin" in page and "TAI-CP4-C1" in page and "no camera on this site" in page


def test_the_html_report_in_english() -> None:
    page = render_html(RESULT, "en")
    assert "Security hygiene audit" in page and ">critical<" in page and "Fix" in page


def test_json_has_each_finding_with_its_rule_measure_fix_criteria_and_evidence() -> None:
    data = json.loads(json.dumps(to_json(RESULT, "en")))
    first = data["findings"][0]
    assert first["rule"] == "switch-default-credentials" and first["severity"] == "critique"
    assert first["measure"].startswith("ANSSI") and first["fix"] and first["criteria"] == ["TRI-CP1-C4", "TRI-CP4-C3", "TAI-CP4-C1"]
    assert first["evidence"][0] == {
        "probe": "ssh-cli",
        "vantage": "pc-admin",
        "summary": "sw-core command line: prompt sw-core#",
        "sent": "SSH to 10.10.99.2 as admin",
        "received": "",
    }
    assert data["unprobed"] == [{"rule": "camera-default-credentials", "why": "no camera on this site"}]


def test_the_terminal_names_each_finding_and_the_count() -> None:
    buffer = io.StringIO()
    print_terminal(RESULT, Console(file=buffer, width=200), "en")
    text = buffer.getvalue()
    assert "[critical] Default or weak account" in text and "2 findings, 42 probes" in text
