"""`officelab desk`: the service desk's tickets (`ticket_cli`) and knowledge base (`kb_cli`)."""

from __future__ import annotations

import typer
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, out
from officelab.domains.desk.console import SiteOption, context
from officelab.domains.desk.facts import categories
from officelab.domains.desk.kb_cli import kb_app
from officelab.domains.desk.ticket_cli import ticket_app

desk_app = typer.Typer(help="The service desk: tickets (ITIL priority, escalation, SLA), knowledge base.", no_args_is_help=True)
desk_app.add_typer(ticket_app, name="ticket")
desk_app.add_typer(kb_app, name="kb")


def register(app: typer.Typer) -> None:
    app.add_typer(desk_app, name="desk")


@desk_app.command("categories")
def list_categories(lab: LabOption = DEFAULT_LAB, site: SiteOption = None) -> None:
    """The desk's ticket categories."""
    ctx = context(lab, site, None)
    for name in categories(ctx.desk):
        out.print(Text(name))
