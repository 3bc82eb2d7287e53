"""The recette's commands: run the acceptance checks (on a lab, or here against a real network) and list the
official criteria with the checks that evidence them.

Reports and the terminal never show the site's secrets (masked as ``***``) unless ``--reveal-secrets``; the report
files are checked before anything runs."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, add_row, err, fail, ok, out, writable_file
from officelab.runtime.kernel import require_root
from officelab.runtime.lab import Lab
from officelab.site.catalog import resolve
from officelab.site.loader import load_site
from officelab.site.model import Site

app = typer.Typer()


@app.command()
def check(
    lab: LabOption = DEFAULT_LAB,
    criterion: Annotated[str | None, typer.Option("--criterion", help="Only checks evidencing this criterion (and their needs).")] = None,
    node: Annotated[str | None, typer.Option("--node", help="Only checks run on this node (and what they need).")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the results as JSON.")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML (for CI).")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the printable acceptance report (HTML).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Report language: fr or en.")] = "fr",
    customer: Annotated[
        str | None, typer.Option("--customer", help="Make the HTML report the customer's procès-verbal (reservations, signatures).")
    ] = None,
    here: Annotated[Path | None, typer.Option("--here", help="Field mode: run this plan of probes from this machine.")] = None,
    design: Annotated[
        Path | None,
        typer.Option("--site", help="Check the live lab against this site file (its design) instead of the one it was booted from."),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the checks without running them.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show every check under its criterion.")] = False,
    reveal_secrets: Annotated[
        bool,
        typer.Option(
            "--reveal-secrets",
            help="Show the site's passwords and secrets in the reports and on the terminal (masked as *** by default): "
            "a trainer's choice, on purpose.",
        ),
    ] = False,
    localise_: Annotated[
        bool, typer.Option("--localise/--no-localise", help="Walk each failed check bottom-up to say where the fault is.")
    ] = True,
) -> None:
    """The recette: prove, criterion by criterion, what works and what does not. Exit 0 only if all required checks pass."""
    from officelab.criteria import catalogue
    from officelab.recette import report
    from officelab.recette.derive import derive, unbuilt_checks
    from officelab.recette.model import NotBuilt
    from officelab.recette.run import load_plan, run_here, run_on_lab, select
    from officelab.recette.secrets import Masker, secret_values

    if customer is not None and html is None:
        fail("--customer makes the --html report the customer's procès-verbal: add --html FILE", 2)
    pv = partial(report.write_html, customer=customer)
    reports = ((json_file, "--json", report.write_json), (junit, "--junit", report.write_junit), (html, "--html", pv))
    for path, option, _ in reports:
        if path is not None:
            writable_file(path, option)
    wanted = [(path.resolve(), option) for path, option, _ in reports if path is not None]
    for i, (path, option) in enumerate(wanted):
        if any(path == other for other, _ in wanted[:i]):
            fail(f"{option} {path}: another report is written to the same file", 2)
    if lang not in ("fr", "en"):
        fail(f"unknown language {lang!r}: use --lang fr or --lang en", 2)
    if criterion is not None and criterion not in catalogue().criteria:
        fail(f"unknown criterion {criterion!r}: see `officelab criteria`", 2)
    target = Lab(lab)
    site_secrets: set[str] = set()
    unbuilt: list[NotBuilt] = []
    if design is not None and here is not None:
        fail("--site checks a lab, --here checks this machine's network: choose one", 2)
    if here is None:
        site = target.site() if design is None else _design(target, design)
        site_secrets = secret_values(site)
        derived = derive(site)
        unbuilt = unbuilt_checks(derived) if criterion is None and node is None else []
        checks = select(derived.checks, criterion, node)
        if node is not None and not any(c.place == node for c in checks):
            fail(f"no check runs on node {node!r} in lab {lab}", 2)
    else:
        checks = select(load_plan(here)[1], criterion, None)
    if list_:
        shown = (lambda text: text) if reveal_secrets else Masker(site_secrets.union(*(secret_values(c.probe) for c in checks))).text
        for c in checks:
            must = "" if c.expect else "(must NOT reach) "
            out.print(
                Text.assemble(shown(c.id), "  ", (c.place, "dim"), "  ", must, shown(c.title(lang)), "  ", (", ".join(c.criteria), "dim"))
            )
        if here is None:
            for n in unbuilt:
                out.print(Text.assemble(n.id, "  ", ("not built", "yellow"), "  ", n.title(lang), "  ", (n.why, "dim")))
        return
    if here is None:
        require_root()
    with out.status(f"recette: {len(checks)} checks…") as spinner:
        done = [0]

        def progress(_: object) -> None:
            done[0] += 1
            spinner.update(f"recette: {done[0]}/{len(checks)} checks")

        result = run_here(here, progress) if here is not None else run_on_lab(target, checks, progress)
    if here is None:
        result.not_built = unbuilt
    if here is None and localise_ and not result.ok:
        from officelab.diagnosis.recette import localise

        with out.status("localising the failures (bottom-up diagnosis)…"):
            localise(target, result)
    result.secrets |= site_secrets
    report.print_terminal(result, out, lang, verbose, reveal_secrets)
    unwritten = False
    for path, option, writer in reports:
        if path is not None:
            try:
                writer(result, path, lang, reveal_secrets)
            except OSError as exc:  # the run is not lost: the terminal report is above, and the other files are written
                err.print(Text.assemble(("error: ", "bold red"), f"{option} {path}: not written: {exc.strerror or exc}"), soft_wrap=True)
                unwritten = True
                continue
            ok(f"{path}")
    if unwritten:
        raise typer.Exit(2)
    if not result.ok:
        raise typer.Exit(1)


def _design(lab: Lab, path: Path) -> Site:
    """Another site file, to check the live lab against: its nodes must be the lab's (the checks run on them)."""
    from officelab.recette.sitefile import load_checked

    site = load_checked(path)
    booted = {n.name for n in lab.site().nodes}
    missing = [n.name for n in site.nodes if n.name not in booted]
    if missing:
        fail(f"{path}: node {missing[0]} is not in lab {lab.name} (its nodes are the booted site's): the checks could not run there", 2)
    return site


@app.command()
def criteria(
    lab: LabOption = DEFAULT_LAB,
    site: Annotated[str | None, typer.Option("--site", help="Count the checks of this site instead of the lab's.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="fr or en.")] = "fr",
) -> None:
    """The official performance criteria, and how many checks of the current site evidence each."""
    from officelab.criteria import catalogue
    from officelab.recette.derive import derive_suite

    if site is not None:
        loaded = load_site(resolve(site))
    else:
        target = Lab(lab)
        loaded = target.site() if (target.dir.path / "site.yaml").exists() else load_site(resolve(None))
    checks = derive_suite(loaded)
    table = Table("criterion", "title", "check", f"checks ({loaded.name})", title_justify="left")
    for competency in catalogue().competencies:
        for c in competency.criteria:
            n = sum(1 for k in checks if c.id in k.criteria)
            add_row(table, c.id, c.title(lang), c.check, str(n) if n else Text("0", style="dim"))
    out.print(table)
