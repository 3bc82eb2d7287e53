"""`officelab inventory scan`: what is on the network, discovered the way a technician's tools find it, against
the site's design; exported as GLPI native inventory JSON and CSV, and kept in the desk for tickets to name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, add_row, fail, out, step, writable_file

inventory_app = typer.Typer(no_args_is_help=True, help="The inventory discovered from the network (GLPI's format).")


def register(app: typer.Typer) -> None:
    app.add_typer(inventory_app, name="inventory")


@inventory_app.command("scan")
def scan_command(
    lab: LabOption = DEFAULT_LAB,
    here: Annotated[
        str | None, typer.Option("--here", metavar="SUBNET", help="Field mode: a real SUBNET from this machine (no site file, no secrets).")
    ] = None,
    glpi: Annotated[
        Path | None, typer.Option("--glpi", metavar="DIR", help="Write one GLPI inventory JSON document per asset in DIR.")
    ] = None,
    csv_file: Annotated[Path | None, typer.Option("--csv", metavar="FILE", help="Write the assets as CSV.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The assets and differences as JSON.")] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Keep the scan as the lab's inventory in the desk (tickets can name its assets).")
    ] = False,
    db: Annotated[str | None, typer.Option("--db", help="The desk's database URL (with --save).")] = None,
) -> None:
    """Scan the network: ARP/ICMP sweep, open ports and SNMP of every LAN subnet from the router, the switches' MAC
    tables and LLDP neighbours, the DHCP leases, the directory's computers, the agent on each computer; each asset
    with its kind, switch port, VLAN, addresses and owner, and what differs from the design."""
    if csv_file is not None:
        writable_file(csv_file, "--csv")
    if glpi is not None and glpi.exists() and not glpi.is_dir():
        fail(f"--glpi {glpi}: is a file, expected a directory to write the documents in", 2)
    if save and here is not None:
        fail("--save keeps a lab's inventory: a field scan (--here) has no lab", 2)
    from officelab.inventory import glpi as formats

    if here is not None:
        from officelab.inventory.field import scan_here

        with out.status(f"inventory of {here} from here…"):
            scan = scan_here(here)
        vlans: dict[int, str] = {}
    else:
        from officelab.inventory.scan import scan_lab
        from officelab.runtime.lab import Lab

        with out.status(f"inventory of lab {lab}…") as status:
            scan = scan_lab(Lab(lab), lambda m: status.update(f"inventory of lab {lab}: {m}…"))
        vlans = {v.id: v.name for v in Lab(lab).site().vlans}
    if glpi is not None:
        written = formats.write_documents(scan, glpi, vlans)
        step(f"{len(written)} GLPI inventory documents in {glpi}")
    if csv_file is not None:
        csv_file.write_text(formats.to_csv(scan))
        step(f"CSV: {csv_file}")
    if save:
        from officelab.domains.desk.assets import replace_inventory
        from officelab.domains.desk.tickets import session

        with session(db) as s:
            kept = replace_inventory(s, lab, formats.desk_rows(scan, vlans), scan.started)
        step(f"{kept} assets kept as lab {lab}'s inventory in the desk")
    if as_json:
        out.print_json(json.dumps(formats.to_json(scan)))
    else:
        print_scan(scan)


def print_scan(scan: object) -> None:
    from officelab.inventory.model import Scan

    assert isinstance(scan, Scan)
    table = Table(title=f"Inventaire — {scan.site} ({scan.lab}), {len(scan.assets)} éléments, {scan.duration:.1f} s")
    for column in ("élément", "type", "VLAN", "prise", "adresses", "utilisateur", "vu par"):
        table.add_column(column)
    for a in scan.assets:
        add_row(
            table,
            a.label,
            a.kind.value,
            "" if a.vlan is None else str(a.vlan),
            a.location,
            " ".join(a.ips),
            a.owner,
            " ".join(sorted(a.sources)),
        )
    out.print(table)
    for d in scan.differences:
        out.print(Text.assemble(("  ≠ ", "bold yellow"), (f"{d.kind}: ", "bold"), d.detail))
    for u in scan.unscanned:
        out.print(Text.assemble(("  non scanné ", "dim"), f"{u.source}: {u.why}"))
