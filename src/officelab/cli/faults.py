"""The trainer's commands: the fault catalogue, faults injected into a lab, listed and cleared; and the live
changes that are not faults but that a trainer or a test needs (a port moved to another VLAN, a daemon stopped
and started)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Column, Table
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, add_row, fail, ok, out
from officelab.faults import engine
from officelab.faults.store import ActiveFault
from officelab.runtime.lab import Lab
from officelab.runtime.ports import set_port_admin, set_port_trunk, set_port_vlan

fault_app = typer.Typer(help="Faults a trainer injects, with their ground truth; listed and cleared.", no_args_is_help=True)
port_app = typer.Typer(help="Switch ports, changed live: another VLAN, another trunk list.", no_args_is_help=True)
service_app = typer.Typer(help="Daemons of a lab, stopped and started (a stopped daemon stays stopped).", no_args_is_help=True)


def _params(values: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key:
            fail(f"--param {value!r}: expected NAME=VALUE (e.g. --param at=pc-compta-1:eth0)", 2)
        params[key] = text
    return params


@fault_app.command("catalogue")
def catalogue(
    domain: Annotated[str, typer.Option(help="Only this domain's fault types.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="The catalogue as JSON.")] = False,
) -> None:
    """Every fault type: its domain, layer, difficulty, competencies and parameters."""
    infos = [engine.describe(cls, d) for d, cls in engine.catalogue().values() if domain in ("", d)]
    if as_json:
        out.print_json(json.dumps([{**info.__dict__, "layer": str(info.layer)} for info in infos]))
        return
    table = Table(Column("type", no_wrap=True, min_width=max((len(i.kind) for i in infos), default=4)), "domain", "layer", "level")
    table.add_column("parameters")
    table.add_column("title")
    for info in infos:
        add_row(table, info.kind, info.domain, str(info.layer), str(info.difficulty), ", ".join(info.parameters) or "-", info.title_en)
    out.print(table)
    out.print(Text(f"{len(infos)} fault types"))


@fault_app.command("inject")
def inject(
    kind: Annotated[str, typer.Argument(help="A fault type (see `officelab fault catalogue`).")] = "",
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE, once per parameter.")] = None,
    hidden: Annotated[bool, typer.Option("--hidden", help="Do not show it in learner mode (`fault list --learner`).")] = False,
    random_count: Annotated[int, typer.Option("--random", help="Inject this many faults drawn at random instead.")] = 0,
    domain: Annotated[str, typer.Option(help="With --random: only faults of this domain.")] = "",
    seed: Annotated[int | None, typer.Option(help="With --random: the seed (the same seed, the same faults).")] = None,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Inject a fault into a running lab, made with a real fault's mechanism; prints its id."""
    if not kind and not random_count:
        fail("give a fault type (`officelab fault catalogue`) or --random N", 2)
    params = _params(param or [])
    target = Lab(lab)
    site = target.site()
    faults = engine.draw(site, random_count, seed, domain or None) if random_count else [engine.make(site, kind, params)]
    for fault in faults:
        with out.status(f"injecting {fault.kind}…"):
            entry = engine.inject(target, fault, hidden or bool(random_count))
        ok(f"{entry.id}: {fault.kind}" + ("" if hidden or random_count else f" ({fault.label()})"))


def _row(table: Table, entry: ActiveFault, learner: bool) -> None:
    if learner and entry.hidden:
        return
    truth = engine.truth_of(entry)
    params = " ".join(f"{k}={v}" for k, v in entry.params.items())
    if learner:
        add_row(table, entry.id, entry.kind)
    else:
        add_row(table, entry.id, entry.kind, params or "-", truth.where, truth.cause_en, "yes" if entry.hidden else "")


@fault_app.command("list")
def list_faults(
    learner: Annotated[bool, typer.Option("--learner", help="As a learner sees it: no hidden fault, no answer.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="As JSON, with the ground truth (trainer only).")] = False,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """The lab's active faults, with their ground truth (for the trainer)."""
    active = engine.active(Lab(lab))
    if as_json:
        if learner:
            fail("--json shows the ground truth: it is the trainer's view, not with --learner", 2)
        out.print_json(json.dumps([entry.__dict__ for entry in active]))
        return
    table = Table("id", "type") if learner else Table("id", "type", "parameters", "where", "root cause", "hidden")
    for entry in active:
        _row(table, entry, learner)
    out.print(table)
    shown = [e for e in active if not (learner and e.hidden)]
    out.print(Text(f"{len(shown)} active fault(s) in lab {lab}"))


@fault_app.command("clear")
def clear(
    ids: Annotated[list[str] | None, typer.Argument(help="Fault ids (f1 f2…).")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Clear every active fault.")] = False,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Clear faults: what each changed is put back as it was (the last injected first)."""
    if not ids and not all_:
        fail("give fault ids (`officelab fault list`) or --all", 2)
    with out.status("clearing…"):
        cleared = engine.clear(Lab(lab), None if all_ else list(ids or []))
    for entry in cleared:
        ok(f"{entry.id}: {entry.kind} cleared")
    if not cleared:
        ok(f"no active fault in lab {lab}")


@port_app.command("set")
def port_set(
    endpoint: Annotated[str, typer.Argument(help="SWITCH:PORT")],
    vlan: Annotated[str, typer.Option(help="Make it an access port of this VLAN (id or name).")] = "",
    allowed: Annotated[str, typer.Option(help="Make it a trunk carrying these VLAN ids (10,20,30).")] = "",
    native: Annotated[int, typer.Option(help="With --allowed: the native (untagged) VLAN id; 0 for none.")] = 0,
    shutdown: Annotated[
        bool | None, typer.Option("--shutdown/--no-shutdown", help="Shut the port down, or enable it (`no shutdown`).")
    ] = None,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Change a switch port live: `port set sw-floor:ge3 --vlan 20`, a trunk's VLANs, or `--no-shutdown`. A managed
    switch is configured through its command line (its running configuration shows the change)."""
    target = Lab(lab)
    if shutdown is not None:
        if vlan or allowed:
            fail("--shutdown/--no-shutdown is given alone", 2)
        set_port_admin(target, endpoint, not shutdown)
        ok(f"{endpoint}: {'shut down' if shutdown else 'enabled (no shutdown)'}")
        return
    if bool(vlan) == bool(allowed):
        fail("give either --vlan (an access port), --allowed (a trunk) or --shutdown/--no-shutdown", 2)
    if vlan:
        set_port_vlan(target, endpoint, int(vlan) if vlan.isdigit() else vlan)
        ok(f"{endpoint}: access port of VLAN {vlan}")
        return
    try:
        vids = [int(v) for v in allowed.split(",") if v.strip()]
    except ValueError:
        fail(f"--allowed {allowed!r}: expected VLAN ids separated by commas (10,20,30)", 2)
    set_port_trunk(target, endpoint, vids, native or None)
    ok(f"{endpoint}: trunk of VLANs {','.join(map(str, vids))}" + (f", native {native}" if native else ""))


@service_app.command("stop")
def service_stop(name: Annotated[str, typer.Argument(help="NODE/DAEMON (srv-files/cupsd)")], lab: LabOption = DEFAULT_LAB) -> None:
    """Stop a daemon; it stays stopped (the supervisor restarts crashed daemons, never stopped ones)."""
    Lab(lab).stop_daemon(name)
    ok(f"{name} stopped")


@service_app.command("start")
def service_start(name: Annotated[str, typer.Argument(help="NODE/DAEMON")], lab: LabOption = DEFAULT_LAB) -> None:
    """Start a stopped daemon again and wait until it runs."""
    Lab(lab).start_daemon(name)
    ok(f"{name} running")


def register(app: typer.Typer) -> None:
    app.add_typer(fault_app, name="fault")
    app.add_typer(port_app, name="port")
    app.add_typer(service_app, name="service")
