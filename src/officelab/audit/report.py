"""The audit's reports: the terminal, JSON, and a printable HTML page (French by default), in the recette's style."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console
from rich.text import Text

from officelab.audit.model import AuditResult
from officelab.audit.rules import RULES, Severity

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Audit d'hygiène de sécurité",
        "site": "Site",
        "lab": "Lab",
        "date": "Date",
        "duration": "Durée",
        "probes": "sondes",
        "findings": "constats",
        "none": "Aucun constat sur les règles auditées.",
        "severity": "Gravité",
        "rule": "Règle",
        "target": "Cible",
        "measure": "Mesure ANSSI",
        "evidence": "Preuve",
        "fix": "Correction",
        "criteria": "Critères REAC",
        "unprobed": "Règles non sondées sur ce site",
        "rules": "Règles auditées",
        "how": "Comment c'est sondé",
        "from": "depuis",
    },
    "en": {
        "title": "Security hygiene audit",
        "site": "Site",
        "lab": "Lab",
        "date": "Date",
        "duration": "Duration",
        "probes": "probes",
        "findings": "findings",
        "none": "No finding on the audited rules.",
        "severity": "Severity",
        "rule": "Rule",
        "target": "Target",
        "measure": "ANSSI measure",
        "evidence": "Evidence",
        "fix": "Fix",
        "criteria": "REAC criteria",
        "unprobed": "Rules not probed on this site",
        "rules": "Audited rules",
        "how": "How it is probed",
        "from": "from",
    },
}

STYLE = {Severity.CRITICAL: "bold red", Severity.HIGH: "red", Severity.MEDIUM: "yellow", Severity.LOW: "cyan"}


def to_json(result: AuditResult, lang: str = "fr") -> dict[str, Any]:
    return result.to_dict(lang)


def print_terminal(result: AuditResult, console: Console, lang: str = "fr") -> None:
    w = WORDS[lang]
    for f in result.ordered():
        r = f.spec
        console.print(
            Text.assemble((f"[{r.severity.label(lang)}] ", STYLE[r.severity]), (r.title(lang), "bold"), f" — {f.target}: {f.detail}")
        )
        for e in f.evidence:
            console.print(Text(f"    {w['evidence']} ({e.probe}, {w['from']} {e.vantage}): {e.summary}", style="dim"))
        console.print(Text(f"    {r.measure.cite()} · {w['fix']}: {r.fix(lang)} · {', '.join(r.criteria)}"))
    if not result.findings:
        console.print(Text(w["none"], style="green"))
    for u in result.unprobed:
        console.print(Text(f"({w['unprobed']}: {u.rule}: {u.why})", style="dim"))
    console.print(Text(f"{len(result.findings)} {w['findings']}, {result.probes} {w['probes']}, {result.duration:.1f} s", style="dim"))


def render_html(result: AuditResult, lang: str = "fr") -> str:
    env = Environment(loader=PackageLoader("officelab.audit", "templates"), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("audit.html.j2").render(
        r=result,
        w=WORDS[lang],
        lang=lang,
        findings=result.ordered(),
        rules=RULES,
        when=time.strftime("%Y-%m-%d %H:%M", time.localtime(result.started)),
    )


def write_html(result: AuditResult, path: Path, lang: str = "fr") -> None:
    path.write_text(render_html(result, lang), encoding="utf-8")
