"""The lab's commands: validate and list sites, bring labs up and down, look at them, work on their nodes,
pull cables, capture frames, save and restore snapshots.

They never lose work or hide a mistake: `up` refuses a lab that is up (``--force`` reboots it), `down` of a lab
that does not exist says so, and a file to write is checked before anything runs (`writable_file`)."""

from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, SiteArgument, add_row, escape, fail, ok, out, step, writable_file
from officelab.core.errors import OfficeLabError
from officelab.exercises import journal
from officelab.exercises.console import node_shell
from officelab.faults import engine
from officelab.recette.sitefile import load_checked
from officelab.runtime import snapshot
from officelab.runtime.capture import capture as capture_frames
from officelab.runtime.kernel import require_root
from officelab.runtime.lab import Lab
from officelab.runtime.state import all_labs
from officelab.runtime.status import LabStatus
from officelab.site.catalog import builtin_sites, resolve
from officelab.site.loader import load_site

app = typer.Typer()
snapshot_app = typer.Typer(help="Freeze and restore a whole lab's state (a trainer's starting point).", no_args_is_help=True)
app.add_typer(snapshot_app, name="snapshot")


def _recorded_state(target: Lab) -> str:
    """The state the lab's record says (``down`` without a record); ``""`` when the record cannot be read here
    (then the runtime, as root, says what is wrong)."""
    try:
        return target.record.state
    except OfficeLabError:
        return ""


@app.command()
def validate(site: SiteArgument = None) -> None:
    """Check a site file: every problem at once, with file, line, field and a hint. Exit 2 if invalid."""
    path = resolve(site)
    loaded = load_checked(path)
    ok(f"{path}: site {loaded.name} is valid — {len(loaded.vlans)} VLANs, {len(loaded.nodes)} nodes, {len(loaded.links)} links")


@app.command()
def sites(show: Annotated[str | None, typer.Option(help="Print the file of this built-in site.")] = None) -> None:
    """List the built-in sites (or print one with --show)."""
    catalog = builtin_sites()
    if show:
        if show not in catalog:
            fail(f"no built-in site {show!r} (built-in: {', '.join(catalog)})")
        sys.stdout.write(catalog[show].read_text())
        return
    table = Table("site", "nodes", "VLANs", "description")
    for name, path in catalog.items():
        site = load_site(path)
        add_row(table, name, str(len(site.nodes)), str(len(site.vlans)), site.site.customer or site.site.description)
    out.print(table)


@app.command()
def up(
    site: SiteArgument = None,
    lab: LabOption = DEFAULT_LAB,
    force: Annotated[bool, typer.Option("--force", help="If the lab is already up, tear it down and boot it again.")] = False,
) -> None:
    """Boot a site as a live lab: namespaces, cables, switches, router, services, DHCP clients.

    A lab that is already up is left alone (its state would be lost): take it down first, or use --force."""
    target = Lab(lab)
    if not force and _recorded_state(target) == "up":
        running = target.record.site
        fail(
            f"lab {lab} is already up"
            + (f" (site {running})" if running else "")
            + f": run `officelab down --lab {lab}` first, or `officelab up --force --lab {lab}` to reboot it"
        )
    require_root()
    path = resolve(site)
    loaded = load_checked(path)
    if force and _recorded_state(target) == "up":
        step(f"lab {lab} is up: tearing it down to boot it again (--force)")
    with out.status(f"booting {escape(loaded.name)} as lab {escape(lab)}…") as spinner:

        def progress(message: str) -> None:
            step(message)
            spinner.update(f"booting {escape(loaded.name)}: {escape(message)}")

        try:
            target.up(loaded, path.read_text(), progress)
        except KeyboardInterrupt:
            fail(f"interrupted: lab {lab} was torn down", 130)
    _print_status(target.status())
    host = next((n.name for n in loaded.nodes if n.kind.value in ("workstation", "laptop")), loaded.nodes[0].name)
    router = next((n.name for n in loaded.nodes if n.kind.site_router), host)
    out.print(
        Text(
            f"\nExplore: officelab exec --lab {lab} {host} -- ping -c1 www.example.com, "
            f"officelab shell --lab {lab} {router}, officelab down --lab {lab}"
        )
    )


@app.command()
def down(
    lab: LabOption = DEFAULT_LAB, all_: Annotated[bool, typer.Option("--all", help="Take down every lab on this machine.")] = False
) -> None:
    """Stop a lab: every daemon, namespace and link goes; logs stay in the lab directory."""
    labs = all_labs()
    if all_:
        if not labs:
            out.print(Text("no lab on this machine: nothing to take down"))
            return
        names = labs
    else:
        target = Lab(lab)
        if not target.dir.exists() and not target.leftovers():
            fail(f"no lab {lab} on this machine (labs: {', '.join(labs) or 'none'})")
        names = [lab]
    require_root()
    for name in names:
        Lab(name).down(ok)


@app.command()
def status(lab: LabOption = DEFAULT_LAB, json_: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """What is up: nodes with their addresses and daemons, links with their state."""
    current = Lab(lab).status()
    if json_:
        sys.stdout.write(json.dumps(current.to_dict(), indent=2) + "\n")
        return
    _print_status(current)


def _print_status(status: LabStatus) -> None:
    if status.state == "down":
        out.print(Text(f"lab {status.lab} is down"))
        return
    table = Table(title=f"lab {status.lab} — site {status.site} — {status.state}", title_justify="left")
    for column in ("node", "kind", "state", "addresses", "daemons"):
        table.add_column(column)
    for node in status.nodes:
        colour = "green" if node.state == "up" else "red"
        addresses = ", ".join(f"{a['ifname']} {a['address']}" for a in node.addresses)
        daemons = ", ".join(f"{k}" + ("" if v == "running" else f" ({v})") for k, v in node.daemons.items())
        add_row(table, node.name, node.kind, Text(node.state, style=colour), addresses, daemons)
    out.print(table)
    down_links = [f"{lk.a} — {lk.b}" for lk in status.links if lk.state != "up"]
    out.print(
        f"{len(status.links)} links, {len(status.links) - len(down_links)} up" + (f"; down: {', '.join(down_links)}" if down_links else "")
    )


@app.command(name="exec", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec_(node: str, command: Annotated[list[str], typer.Argument(help="The command, after `--`.")], lab: LabOption = DEFAULT_LAB) -> None:
    """Run a command on a node; its exit code is the command's."""
    require_root()
    code = Lab(lab).context(node).attach(command)
    journal.append(lab, node, shlex.join(command), code, "exec")
    raise typer.Exit(code)


@app.command()
def shell(node: str, lab: LabOption = DEFAULT_LAB) -> None:
    """An interactive shell on a node (the prompt shows the lab and the node)."""
    require_root()
    context = Lab(lab).context(node)
    with node_shell(lab, node) as how:
        code = context.attach(how.argv, how.env, how.fds)
    raise typer.Exit(code)


@app.command()
def link(
    action: Annotated[str, typer.Argument(help="down (pull the cable) or up (plug it back)")],
    endpoint: Annotated[str, typer.Argument(help="NODE:PORT")],
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Fault injection: pull a cable out (`link down sw-floor:ge1`) or plug it back (`link up …`)."""
    if action not in ("up", "down"):
        fail(f"unknown action {action!r}: use `officelab link down NODE:PORT` or `officelab link up NODE:PORT`", 2)
    switched = Lab(lab).set_link(endpoint, action == "up")
    ok(f"cable at {endpoint} {'plugged back' if action == 'up' else 'pulled'} (port {switched} {action})")


@app.command()
def capture(
    endpoint: Annotated[str, typer.Argument(help="NODE:PORT")],
    write: Annotated[Path, typer.Option("-w", "--write", help="pcap file to write (Wireshark-readable).")],
    count: Annotated[int, typer.Option("-c", "--count", help="Stop after this many packets (0: until Ctrl-C).")] = 0,
    duration: Annotated[float, typer.Option("--duration", help="Stop after this many seconds (0: no limit).")] = 0,
    filter_: Annotated[str, typer.Option("--filter", help="A tcpdump capture filter.")] = "",
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Capture the frames on a port into a pcap file (trunks show their 802.1Q tags)."""
    if ":" not in endpoint:
        fail(f"expected NODE:PORT, got {endpoint!r}", 2)
    writable_file(write, "-w")
    require_root()
    interrupted = False
    with open(write, "wb") as fh:
        try:
            captured = capture_frames(Lab(lab), endpoint, fh, count, duration, filter_)
        except KeyboardInterrupt:
            interrupted = True
    ok(f"{write}: {'capture interrupted' if interrupted else captured}")


@snapshot_app.command("save")
def snapshot_save(name: str, lab: LabOption = DEFAULT_LAB) -> None:
    """Save the whole lab's state under NAME."""
    path = snapshot.save(Lab(lab), name, ok)
    out.print(Text(f"  {path}"))


@snapshot_app.command("restore")
def snapshot_restore(name: str, lab: LabOption = DEFAULT_LAB) -> None:
    """Bring the lab back to the state saved under NAME (the lab is rebooted from it)."""
    require_root()
    target = Lab(lab)
    with out.status(f"restoring {name}…"):
        snapshot.restore(target, name, step)
        again = engine.reapply(target)
    if again:
        step(f"{again} active fault(s) made again")
    _print_status(target.status())


@snapshot_app.command("list")
def snapshot_list(lab: LabOption = DEFAULT_LAB) -> None:
    """The saved snapshots of a lab."""
    table = Table("snapshot", "saved", "size")
    for name, mtime, size in snapshot.snapshots(Lab(lab)):
        add_row(table, name, time.strftime("%Y-%m-%d %H:%M", time.localtime(mtime)), f"{size // 1024} KiB")
    out.print(table)
