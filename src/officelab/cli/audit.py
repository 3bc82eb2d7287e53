"""`officelab audit`: the security hygiene audit of a live lab (ANSSI's hygiene measures, probed for real)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from officelab.cli.output import DEFAULT_LAB, LabOption, fail, out


def register(app: typer.Typer) -> None:
    @app.command("audit")
    def audit_command(
        lab: LabOption = DEFAULT_LAB,
        html: Annotated[Path | None, typer.Option("--html", help="Write the printable report to FILE.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="The findings as JSON.")] = False,
        lang: Annotated[str, typer.Option(help="fr or en.")] = "fr",
        here: Annotated[
            str | None,
            typer.Option("--here", metavar="SUBNET", help="Field mode: audit a real SUBNET from this machine (no site file, no secrets)."),
        ] = None,
    ) -> None:
        """Audit the lab's security hygiene: default credentials, clear-text protocols, admin interfaces reachable from
        users and guests, guest isolation, unused ports, password policy, backups. Exit 1 if anything is found."""
        if lang not in ("fr", "en"):
            fail(f"--lang {lang!r}: fr or en", 2)
        from officelab.audit.report import print_terminal, to_json, write_html
        from officelab.audit.run import audit_lab
        from officelab.runtime.lab import Lab

        if here is not None:
            from officelab.audit.field import audit_here

            with out.status(f"audit of {here} from here…"):
                result = audit_here(here)
        else:
            with out.status(f"audit of {lab}…"):
                result = audit_lab(Lab(lab))
        if html is not None:
            write_html(result, html, lang)
        if as_json:
            out.print_json(json.dumps(to_json(result, lang)))
        else:
            print_terminal(result, out, lang)
        raise typer.Exit(1 if result.findings else 0)
