"""`officelab site export` (the live network as a site file) and `officelab switch run` (a command on a switch's CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, fail, ok, out
from officelab.core.errors import SiteInvalid
from officelab.domains.switchcli.admin import export_site
from officelab.domains.switchcli.facts import managed
from officelab.runtime import management
from officelab.runtime.kernel import require_root
from officelab.runtime.lab import Lab
from officelab.site.loader import load_text

site_app = typer.Typer(help="The site file of a lab.", no_args_is_help=True)
switch_app = typer.Typer(help="The command lines of the lab's switches and access points.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(site_app, name="site")
    app.add_typer(switch_app, name="switch")


def _running(lab: Lab) -> Lab:
    require_root()
    if not lab.is_up():
        fail(f"lab {lab.name} is not up: run `officelab up --lab {lab.name}`")
    return lab


@site_app.command("export")
def export(
    lab: LabOption = DEFAULT_LAB,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the site file here (default: print it).")] = None,
) -> None:
    """The live network as a site file: the switches' ports, VLANs, trunks and shutdowns as they run now."""
    target = _running(Lab(lab))
    with out.status("reading the switches' running configurations…"):
        text = export_site(target)
    try:
        load_text(text, str(output or "<export>"))
        valid = True
    except SiteInvalid as problems:
        valid = False
        invalid = problems
    if output is None:
        out.print(Text(text), end="", soft_wrap=True)
    else:
        output.write_text(text)
        ok(f"{output}: the live network of lab {lab}")
    if not valid:
        fail(f"the live network is not a valid site ({invalid}): a switch runs a VLAN or port the site cannot describe")


@switch_app.command("run")
def run(
    switch: Annotated[str, typer.Argument(help="A managed switch or access point of the lab (e.g. sw-floor).")],
    command: Annotated[list[str], typer.Argument(help="An exec command, e.g. show vlan brief.")],
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Run one exec command on a switch's command line (privileged mode), as OfficeLab's own session."""
    target = _running(Lab(lab))
    names = [n.name for n in managed(target.site())]
    if switch not in names:
        fail(f"{switch!r} is not a managed switch of lab {lab} (managed: {', '.join(names) or 'none'})", 2)
    out.print(Text(management.run(target, switch, " ".join(command))), soft_wrap=True)
