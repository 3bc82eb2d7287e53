"""`officelab desk`: the service desk's tickets (`ticket_cli`) and knowledge base (`kb_cli`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, SiteArgument, add_row, fail, out
from officelab.domains.desk import remote as _remote  # noqa: F401  (registers `desk ticket remote`)
from officelab.domains.desk.console import SiteOption, context, outputs, write_document
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


@desk_app.command("quote")
def quote(
    site: SiteArgument = None,
    html: Annotated[Path | None, typer.Option(help="Write the quote as HTML.")] = None,
    pdf: Annotated[Path | None, typer.Option(help="Print it to PDF (headless Chromium).")] = None,
    prices: Annotated[Path | None, typer.Option(help="The company's price list (default: the built-in one).")] = None,
    customer: Annotated[str, typer.Option(help="The customer's name (default: the site's).")] = "",
) -> None:
    """A quote (devis) for building the site: its equipment, cabling and licences, the labour, VAT."""
    from officelab.domains.desk.quote import load_prices, make_quote, money, render_quote
    from officelab.site.loader import load_site

    outputs(html, pdf, required=False)
    found = make_quote(load_site(site or "cabinet-martin"), load_prices(prices))
    table = Table("désignation", "qté", "P.U. HT", "montant HT")
    for line in [*found.equipment, *found.labour]:
        add_row(table, line.label, str(line.quantity), money(line.unit), money(line.amount))
    out.print(table)
    out.print(Text(f"Total HT {money(found.net)} — TVA {found.vat_rate} % {money(found.vat)} — Total TTC {money(found.total)}"))
    write_document(render_quote(found, customer), html, pdf, "quote")


@desk_app.command("netdoc")
def netdoc(
    site: SiteArgument = None,
    html: Annotated[Path | None, typer.Option(help="Write the network documentation as HTML.")] = None,
    pdf: Annotated[Path | None, typer.Option(help="Print it to PDF (headless Chromium).")] = None,
    customer: Annotated[str, typer.Option(help="The customer's name (default: the site's).")] = "",
    lab: Annotated[
        str | None, typer.Option("--lab", "-l", help="Also the network as found: an inventory scan of this live lab, and its differences.")
    ] = None,
) -> None:
    """The network documentation of a site, from its design (diagram, addressing plan, hosts, port maps, firewall)
    and, with --lab, from the live lab's inventory (each asset's port, VLAN and addresses, the differences)."""
    from officelab.domains.desk.netdoc import render_network
    from officelab.site.loader import load_site

    outputs(html, pdf)
    if lab is None:
        write_document(render_network(load_site(site or "cabinet-martin"), customer), html, pdf, "network documentation")
        return
    if site is not None:
        fail("--lab documents the lab's own site: give either a site or --lab", 2)
    from officelab.inventory.glpi import desk_rows
    from officelab.inventory.scan import scan_lab
    from officelab.runtime.lab import Lab

    live = Lab(lab)
    with out.status(f"inventory of lab {lab}…"):
        scan = scan_lab(live)
    page = render_network(live.site(), customer, desk_rows(scan), lab)
    write_document(page, html, pdf, "network documentation")
