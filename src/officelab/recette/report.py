"""Recette reports: terminal (by competency and criterion, causes first), JSON, JUnit XML, standalone HTML.

Every report masks the site's secrets (see `officelab.recette.secrets`) unless it is asked to ``reveal`` them."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console
from rich.markup import escape

from officelab.criteria import Catalogue, Criterion, catalogue
from officelab.recette.model import Outcome, Status, SuiteResult

WORDS = {
    "fr": {
        "title": "Recette",
        "pass": "conforme",
        "fail": "non conforme",
        "blocked": "non testé",
        "checks": "vérifications",
        "n_pass": "réussies",
        "n_fail": "en échec",
        "n_blocked": "non testées",
        "causes": "Causes des échecs",
        "by": "Par compétence et critère",
        "blocked_by": "non testées, bloquées par cette cause",
        "site": "Site",
        "lab": "Lab",
        "date": "Date",
        "technician": "Technicien",
        "duration": "Durée",
        "result": "Résultat",
        "ok": "RECETTE CONFORME",
        "ko": "RECETTE NON CONFORME",
        "evidence": "Preuve",
        "sent": "Envoyé",
        "received": "Reçu",
        "none": "Aucun critère n'est couvert",
        "not_built": "Vérifications impossibles à construire sur ce site",
        "pv": "Procès-verbal de recette",
        "customer": "Client",
        "accepted": "La réception est prononcée sans réserve.",
        "reserved": "La réception est prononcée avec les réserves suivantes, à lever par le prestataire :",
        "sign_tech": "Pour le prestataire (nom, date, signature)",
        "sign_customer": "Pour le client (nom, date, signature, « lu et approuvé »)",
    },
    "en": {
        "title": "Acceptance test",
        "pass": "pass",
        "fail": "fail",
        "blocked": "blocked",
        "checks": "checks",
        "n_pass": "passed",
        "n_fail": "failed",
        "n_blocked": "not run",
        "causes": "Causes of failure",
        "by": "By competency and criterion",
        "blocked_by": "not run, blocked by this cause",
        "site": "Site",
        "lab": "Lab",
        "date": "Date",
        "technician": "Technician",
        "duration": "Duration",
        "result": "Result",
        "ok": "ACCEPTED",
        "ko": "NOT ACCEPTED",
        "evidence": "Evidence",
        "sent": "Sent",
        "received": "Received",
        "none": "No criterion is covered",
        "not_built": "Checks that cannot be built on this site",
        "pv": "Acceptance certificate",
        "customer": "Customer",
        "accepted": "The work is accepted without reservation.",
        "reserved": "The work is accepted with the following reservations, to be lifted by the contractor:",
        "sign_tech": "For the contractor (name, date, signature)",
        "sign_customer": 'For the customer (name, date, signature, "read and approved")',
    },
}
MARK = {Status.PASS: "[green]✓[/]", Status.FAIL: "[red]✗[/]", Status.BLOCKED: "[yellow]–[/]"}


@dataclass
class CriterionResult:
    criterion: Criterion
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def status(self) -> Status:
        if any(o.status is Status.FAIL for o in self.outcomes):
            return Status.FAIL
        if any(o.status is Status.BLOCKED for o in self.outcomes):
            return Status.BLOCKED
        return Status.PASS

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)


def by_criterion(result: SuiteResult, cat: Catalogue | None = None) -> list[tuple[str, list[CriterionResult]]]:
    """Competency id → its criteria that have checks, in catalogue order."""
    cat = cat or catalogue()
    grouped: list[tuple[str, list[CriterionResult]]] = []
    for competency in cat.competencies:
        rows = []
        for criterion in competency.criteria:
            outcomes = [o for o in result.outcomes if criterion.id in o.check.criteria]
            if outcomes:
                rows.append(CriterionResult(criterion, outcomes))
        if rows:
            grouped.append((competency.id, rows))
    return grouped


def shown(result: SuiteResult, reveal: bool = False) -> SuiteResult:
    """What a report shows: the result with its secrets masked, or as it is when the secrets are revealed on purpose."""
    return result if reveal else result.masked()


def print_terminal(result: SuiteResult, console: Console, lang: str = "en", verbose: bool = False, reveal: bool = False) -> None:
    result = shown(result, reveal)
    w = WORDS[lang]
    cat = catalogue()
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(result.started))
    console.print(
        f"[bold]{w['title']}[/] — {w['site']} {escape(result.site)} — {w['lab']} {escape(result.lab)} — {when}"
        + (f" — {escape(result.technician)}" if result.technician else "")
    )
    verdict = f"[bold green]{w['ok']}[/]" if result.ok else f"[bold red]{w['ko']}[/]"
    console.print(
        f"{verdict}: {result.count(Status.PASS)} {w['n_pass']}, {result.count(Status.FAIL)} {w['n_fail']}, "
        f"{result.count(Status.BLOCKED)} {w['n_blocked']} ({len(result.outcomes)} {w['checks']}, {result.duration:.1f} s)"
    )
    roots = result.roots()
    if roots:
        console.print(f"\n[bold]{w['causes']}[/]")
        for outcome in (o for o in result.outcomes if o.status is Status.FAIL):
            blocked = roots.get(outcome.check.id, [])
            console.print(
                f" {MARK[Status.FAIL]} [bold]{escape(outcome.check.id)}[/] — {escape(outcome.check.title(lang))} @ "
                f"{escape(outcome.ran_at)}\n     [red]{escape(outcome.cause)}[/]"
                f" [dim]({outcome.result.layer.value if outcome.result else '?'})[/]"
            )
            found = result.localised.get(outcome.check.id)
            if found is not None:
                console.print(f"     → [bold]{escape(found.where)}[/]: {escape(found.cause(lang))}\n       {escape(found.fix(lang))}")
            if blocked:
                names = ", ".join(o.check.id for o in blocked[:6]) + (" …" if len(blocked) > 6 else "")
                console.print(f"     [yellow]{len(blocked)} {w['checks']} {w['blocked_by']}[/]: {escape(names)}")
    if result.not_built:
        console.print(f"\n[bold]{w['not_built']}[/] ({len(result.not_built)})")
        for n in result.not_built:
            console.print(f"   [dim]-[/] {escape(n.id)} — {escape(n.title(lang))}: [dim]{escape(n.why)}[/]")
    console.print(f"\n[bold]{w['by']}[/]")
    for competency_id, rows in by_criterion(result, cat):
        console.print(f" [bold]{competency_id}[/] {escape(cat.competency(competency_id).title(lang))}")
        for row in rows:
            counts = f"{row.count(Status.PASS)}/{len(row.outcomes)}"
            console.print(f"   {MARK[row.status]} {row.criterion.id} {escape(row.criterion.title(lang))} [dim]{counts}[/]")
            if verbose:
                for o in row.outcomes:
                    console.print(f"       {MARK[o.status]} {escape(o.check.id)} — {escape(o.cause)}")


def to_json(result: SuiteResult, lang: str = "en", reveal: bool = False) -> dict[str, Any]:
    masker = None if reveal else result.masker()
    return {
        "site": result.site,
        "lab": result.lab,
        "started": result.started,
        "duration": round(result.duration, 3),
        "technician": result.technician,
        "ok": result.ok,
        "counts": {s.value: result.count(s) for s in Status},
        "criteria": [
            {
                "id": row.criterion.id,
                "competency": cid,
                "title": row.criterion.title(lang),
                "status": row.status.value,
                "checks": [o.check.id for o in row.outcomes],
            }
            for cid, rows in by_criterion(result)
            for row in rows
        ],
        "checks": [o.to_dict(lang, reveal=reveal, masker=masker) for o in result.outcomes],
        "not_built": [n.to_dict(lang) for n in result.not_built],
        "localised": {
            i: {"where": d.where, "cause": d.cause(lang), "fix": d.fix(lang), "probes": d.probes}
            for i, d in shown(result, reveal).localised.items()
        },
    }


LEARNER_FIELDS = ("id", "title", "group", "criteria", "required", "status", "duration")


def learner_view(report: dict[str, Any]) -> dict[str, Any]:
    """A JSON report (or one check of it) as a learner in an exercise may see it: each check passed or not, never
    its cause, evidence or what blocked it (those are the answers)."""
    if "checks" not in report:
        return {k: report[k] for k in LEARNER_FIELDS if k in report}
    return {**report, "checks": [learner_view(c) for c in report["checks"]], "localised": {}}


def write_json(result: SuiteResult, path: Path, lang: str = "en", reveal: bool = False) -> None:
    path.write_text(json.dumps(to_json(result, lang, reveal), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_junit(result: SuiteResult, path: Path, lang: str = "en", reveal: bool = False) -> None:
    path.write_bytes(render_junit(result, lang, reveal))


def render_junit(result: SuiteResult, lang: str = "en", reveal: bool = False) -> bytes:
    """The run as a JUnit XML document (CI tools read it): failures with their cause, blocked checks skipped."""
    result = shown(result, reveal)
    suite = ET.Element(
        "testsuite",
        name=f"recette {result.site}",
        tests=str(len(result.outcomes)),
        failures=str(result.count(Status.FAIL)),
        skipped=str(result.count(Status.BLOCKED)),
        errors="0",
        time=f"{result.duration:.3f}",
    )
    for o in result.outcomes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{result.site}.{o.check.group}",
            name=f"{o.check.id} — {o.check.title(lang)}",
            time=f"{o.duration:.3f}",
        )
        props = ET.SubElement(case, "properties")
        for criterion in o.check.criteria:
            ET.SubElement(props, "property", name="criterion", value=criterion)
        if o.status is Status.FAIL:
            failure = ET.SubElement(case, "failure", message=o.cause, type=o.result.layer.value if o.result else "error")
            if o.result:
                failure.text = f"sent: {o.result.sent}\nreceived: {o.result.received}"
        elif o.status is Status.BLOCKED:
            ET.SubElement(case, "skipped", message=o.cause)
    for n in result.not_built:
        case = ET.SubElement(suite, "testcase", classname=f"{result.site}.{n.group}", name=f"{n.id} — {n.title(lang)}", time="0")
        ET.SubElement(case, "skipped", message=f"not built: {n.why}")
    suite.set("tests", str(len(result.outcomes) + len(result.not_built)))
    suite.set("skipped", str(result.count(Status.BLOCKED) + len(result.not_built)))
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def write_html(result: SuiteResult, path: Path, lang: str = "en", reveal: bool = False, customer: str | None = None) -> None:
    path.write_text(render_html(result, lang, reveal, customer), encoding="utf-8")


def render_html(result: SuiteResult, lang: str = "en", reveal: bool = False, customer: str | None = None) -> str:
    """The printable acceptance report (one page per competency, causes under the failed checks); for a
    ``customer``, the procès-verbal: accepted without reservation, or with the failed checks as reservations, and
    the contractor's and the customer's signature blocks."""
    result = shown(result, reveal)
    env = Environment(loader=PackageLoader("officelab.recette", "templates"), autoescape=select_autoescape(["html", "j2"]))
    cat = catalogue()
    page = env.get_template("report.html.j2").render(
        r=result,
        w=WORDS[lang],
        lang=lang,
        groups=by_criterion(result, cat),
        cat=cat,
        Status=Status,
        when=time.strftime("%Y-%m-%d %H:%M", time.localtime(result.started)),
        roots=result.roots(),
        failed=[o for o in result.outcomes if o.status is Status.FAIL],
        customer=customer,
    )
    return page
