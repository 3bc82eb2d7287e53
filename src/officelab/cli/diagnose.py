"""`officelab diagnose FROM TARGET`: the bottom-up method, step by step, with its evidence and its conclusion."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, fail, out
from officelab.diagnosis.walk import diagnose
from officelab.runtime.lab import Lab

LABELS = {
    "fr": {
        "cause": "Cause",
        "where": "Où",
        "fix": "À faire",
        "none": "aucune couche en panne depuis ce poste",
        "took": "{n} sondes, {s:.1f} s",
    },
    "en": {"cause": "Cause", "where": "Where", "fix": "Fix", "none": "no broken layer from this node", "took": "{n} probes, {s:.1f} s"},
}

TARGETS = "A host, FQDN, address, URL, print:Q, share:S, call:N, camera:C, mqtt:D, backup:J or a check id."


def register(app: typer.Typer) -> None:
    @app.command("diagnose")
    def diagnose_command(
        source: Annotated[str, typer.Argument(help="A host of the site (pc-compta-1), or an AD user (their workstation).")],
        target: Annotated[str | None, typer.Argument(help=TARGETS)] = None,
        here: Annotated[
            bool, typer.Option("--here", help="Field mode: from this machine, towards one TARGET (a host, HOST:PORT or a URL).")
        ] = False,
        lab: LabOption = DEFAULT_LAB,
        lang: Annotated[str, typer.Option(help="fr or en.")] = "fr",
        as_json: Annotated[bool, typer.Option("--json", help="The diagnosis as JSON.")] = False,
    ) -> None:
        """Walk bottom-up from a host to a target, as a technician does: stop at the first broken layer, say why."""
        if lang not in LABELS:
            fail(f"--lang {lang!r}: fr or en", 2)
        if here:
            if target is not None:
                fail("with --here, give only the TARGET: the walk starts from this machine", 2)
            from officelab.diagnosis.field import diagnose_here

            with out.status(f"here → {source}…"):
                result = diagnose_here(source)
        else:
            if target is None:
                fail("give FROM and TARGET (or --here TARGET)", 2)
            with out.status(f"{source} → {target}…"):
                result = diagnose(Lab(lab), source, target)
        if as_json:
            out.print_json(json.dumps(result.to_dict()))
            raise typer.Exit(1 if result.found else 0)
        words = LABELS[lang]
        for step in result.steps:
            mark = ("✓ ", "green") if step.ok else ("✗ ", "bold red")
            out.print(Text.assemble(mark, (f"[{step.layer.value}] ", "dim"), step.title(lang), ": ", step.evidence))
        out.print()
        if result.found:
            out.print(Text.assemble((f"{words['cause']}: ", "bold"), result.cause(lang)))
            out.print(Text.assemble((f"{words['where']}: ", "bold"), result.where))
            out.print(Text.assemble((f"{words['fix']}: ", "bold"), result.fix(lang)))
            out.print(Text(", ".join(result.criteria)))
        else:
            out.print(Text(words["none"]))
        out.print(Text(words["took"].format(n=result.probes, s=result.seconds), style="dim"))
        raise typer.Exit(1 if result.found else 0)
