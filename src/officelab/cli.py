"""The `officelab` command line. Every failure is one readable line and a non-zero exit code."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from officelab.errors import OfficeLabError, SiteInvalid
from officelab.runtime.lab import Lab, LabStatus, require_root
from officelab.runtime.state import DEFAULT_LAB, all_labs
from officelab.site.catalog import builtin_sites, resolve
from officelab.site.loader import load_site

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="OfficeLab: a whole small-business IT network, for real, on this machine.",
)
out = Console(soft_wrap=True)
err = Console(stderr=True)

LabOption = Annotated[str, typer.Option("--lab", "-l", help="Lab name (several labs can run side by side).")]
SiteArgument = Annotated[str | None, typer.Argument(help="A site file, or a built-in site name (default: cabinet-martin).")]


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def validate(site: SiteArgument = None) -> None:
    """Check a site file: every problem at once, with file, line, field and a hint. Exit 2 if invalid."""
    loaded = load_site(resolve(site))
    out.print(
        f"[green]✓[/] {resolve(site)}: site [bold]{loaded.name}[/] is valid — "
        f"{len(loaded.vlans)} VLANs, {len(loaded.nodes)} nodes, {len(loaded.links)} links"
    )


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
        table.add_row(name, str(len(site.nodes)), str(len(site.vlans)), site.site.customer or site.site.description)
    out.print(table)


@app.command()
def up(site: SiteArgument = None, lab: LabOption = DEFAULT_LAB) -> None:
    """Boot a site as a live lab: namespaces, cables, switches, router, services, DHCP clients."""
    require_root()
    path = resolve(site)
    loaded = load_site(path)
    target = Lab(lab)
    with out.status(f"booting [bold]{loaded.name}[/] as lab [bold]{lab}[/]…") as spinner:

        def progress(message: str) -> None:
            out.print(f"  [dim]·[/] {message}")
            spinner.update(f"booting [bold]{loaded.name}[/]: {message}")

        try:
            target.up(loaded, path.read_text(), progress)
        except KeyboardInterrupt:
            fail(f"interrupted: lab {lab} was torn down", 130)
    _print_status(target.status())
    host = next((n.name for n in loaded.nodes if n.kind.value in ("workstation", "laptop")), loaded.nodes[0].name)
    router = next((n.name for n in loaded.nodes if n.kind.value == "router"), host)
    out.print(
        f"\nExplore: [bold]officelab exec --lab {lab} {host} -- ping -c1 www.example.com[/], "
        f"[bold]officelab shell --lab {lab} {router}[/], [bold]officelab down --lab {lab}[/]"
    )


@app.command()
def down(
    lab: LabOption = DEFAULT_LAB, all_: Annotated[bool, typer.Option("--all", help="Take down every lab on this machine.")] = False
) -> None:
    """Stop a lab: every daemon, namespace and link goes; logs stay in the lab directory."""
    require_root()
    for name in all_labs() if all_ else [lab]:
        Lab(name).down(lambda m: out.print(f"[green]✓[/] {m}"))


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
        out.print(f"lab [bold]{status.lab}[/] is down")
        return
    table = Table(title=f"lab {status.lab} — site {status.site} — {status.state}", title_justify="left")
    for column in ("node", "kind", "state", "addresses", "daemons"):
        table.add_column(column)
    for node in status.nodes:
        colour = "green" if node.state == "up" else "red"
        addresses = ", ".join(f"{a['ifname']} {a['address']}" for a in node.addresses)
        daemons = ", ".join(f"{k}" + ("" if v == "running" else f" ({v})") for k, v in node.daemons.items())
        table.add_row(node.name, node.kind, f"[{colour}]{node.state}[/]", addresses, daemons)
    out.print(table)
    down_links = [f"{lk.a} — {lk.b}" for lk in status.links if lk.state != "up"]
    out.print(
        f"{len(status.links)} links, {len(status.links) - len(down_links)} up" + (f"; down: {', '.join(down_links)}" if down_links else "")
    )


@app.command(name="exec", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def exec_(node: str, command: Annotated[list[str], typer.Argument(help="The command, after `--`.")], lab: LabOption = DEFAULT_LAB) -> None:
    """Run a command on a node; its exit code is the command's."""
    require_root()
    ctx = Lab(lab).context(node)
    sys.stdout.flush()
    ctx.enter()
    try:
        os.execvp(command[0], command)
    except FileNotFoundError:
        fail(f"{command[0]}: command not found on {node}", 127)


@app.command()
def shell(node: str, lab: LabOption = DEFAULT_LAB) -> None:
    """An interactive shell on a node (the prompt shows the lab and the node)."""
    require_root()
    ctx = Lab(lab).context(node)
    ctx.enter()
    env = {**os.environ, "PS1": f"[{lab}] \\u@{node}:\\w\\$ ", "OFFICELAB_NODE": node, "OFFICELAB_LAB": lab}
    os.execvpe("bash", ["bash", "--norc", "-i"], env)


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
    out.print(f"[green]✓[/] cable at {endpoint} {'plugged back' if action == 'up' else 'pulled'} (port {switched} {action})")


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
    require_root()
    if ":" not in endpoint:
        fail(f"expected NODE:PORT, got {endpoint!r}", 2)
    node, port = endpoint.split(":", 1)
    target = Lab(lab)
    argv = ["tcpdump", "-i", port, "-U", "-w", "-", "--immediate-mode"] + (["-c", str(count)] if count else []) + filter_.split()
    with open(write, "wb") as fh:
        proc = target.popen(node, argv, stdout=fh, stderr=subprocess.PIPE)
        deadline = time.monotonic() + duration if duration else None
        try:
            while proc.poll() is None:
                if deadline and time.monotonic() >= deadline:
                    proc.send_signal(signal.SIGINT)
                    break
                time.sleep(0.05)
            proc.wait(timeout=5)
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=5)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, -signal.SIGINT) and "packets captured" not in stderr:
        fail(f"capture on {endpoint} failed: {stderr.strip().splitlines()[-1] if stderr.strip() else proc.returncode}")
    captured = next((line for line in stderr.splitlines() if "packets captured" in line), "")
    out.print(f"[green]✓[/] {write}: {captured or 'capture written'}")


@app.command()
def check(
    lab: LabOption = DEFAULT_LAB,
    criterion: Annotated[str | None, typer.Option("--criterion", help="Only checks evidencing this criterion (and their needs).")] = None,
    node: Annotated[str | None, typer.Option("--node", help="Only checks run on this node (and what they need).")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the results as JSON.")] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML (for CI).")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the printable acceptance report (HTML).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Report language: fr or en.")] = "fr",
    here: Annotated[Path | None, typer.Option("--here", help="Field mode: run this plan of probes from this machine.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the checks without running them.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show every check under its criterion.")] = False,
) -> None:
    """The recette: prove, criterion by criterion, what works and what does not. Exit 0 only if all required checks pass."""
    from officelab.criteria import catalogue
    from officelab.recette import report
    from officelab.recette.derive import derive_suite
    from officelab.recette.run import load_plan, run_here, run_on_lab, select

    if lang not in ("fr", "en"):
        fail(f"unknown language {lang!r}: use --lang fr or --lang en", 2)
    if criterion is not None and criterion not in catalogue().criteria:
        fail(f"unknown criterion {criterion!r}: see `officelab criteria`", 2)
    target = Lab(lab)
    if here is None:
        checks = select(derive_suite(target.site()), criterion, node)
        if node is not None and not any(c.place == node for c in checks):
            fail(f"no check runs on node {node!r} in lab {lab}", 2)
    else:
        checks = select(load_plan(here)[1], criterion, None)
    if list_:
        for c in checks:
            must = "" if c.expect else "(must NOT reach) "
            out.print(f"{c.id}  [dim]{c.place}[/]  {must}{escape(c.title(lang))}  [dim]{', '.join(c.criteria)}[/]", highlight=False)
        return
    if here is None:
        require_root()
    with out.status(f"recette: {len(checks)} checks…") as spinner:
        done = [0]

        def progress(_: object) -> None:
            done[0] += 1
            spinner.update(f"recette: {done[0]}/{len(checks)} checks")

        result = run_here(here, progress) if here is not None else run_on_lab(target, checks, progress)
    report.print_terminal(result, out, lang, verbose)
    for path, writer in ((json_file, report.write_json), (junit, report.write_junit), (html, report.write_html)):
        if path is not None:
            writer(result, path, lang)
            out.print(f"[green]✓[/] {path}")
    if not result.ok:
        raise typer.Exit(1)


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
            table.add_row(c.id, c.title(lang), c.check, str(n) if n else "[dim]0[/]")
    out.print(table)


backup_app = typer.Typer(help="Backups of the site's shares (restic over SFTP to the NAS).", no_args_is_help=True)
snapshot_app = typer.Typer(help="Freeze and restore a whole lab's state (a trainer's starting point).", no_args_is_help=True)
app.add_typer(backup_app, name="backup")
app.add_typer(snapshot_app, name="snapshot")


def _backup_job(lab: Lab, job: str | None) -> tuple[str, str]:
    from officelab.runtime.services.backup import script_path

    jobs = lab.site().backups
    if not jobs:
        fail(f"the site of lab {lab.name} declares no backup (`backups:` section)")
    chosen = jobs[0] if job is None else next((j for j in jobs if j.name == job), None)
    if chosen is None:
        fail(f"no backup job {job!r} (jobs: {', '.join(j.name for j in jobs)})", 2)
    return chosen.source, script_path(chosen.name)


def _node_command(lab: Lab, node: str, argv: list[str], what: str, timeout: float = 300) -> str:
    require_root()
    with out.status(f"{what}…"):
        result = lab.run(node, argv, timeout=timeout)
    if result.returncode != 0:
        fail(f"{what} failed: {(result.stderr or result.stdout).strip().splitlines()[-1:]}")
    return result.stdout


@backup_app.command("run")
def backup_run(
    job: Annotated[str | None, typer.Argument(help="The job (default: the first).")] = None, lab: LabOption = DEFAULT_LAB
) -> None:
    """Run a backup job now (it also runs on its schedule, from cron on the file server)."""
    target = Lab(lab)
    node, script = _backup_job(target, job)
    text = _node_command(target, node, ["sh", script, "run"], "backup")
    summary = [line for line in text.splitlines() if line.startswith(("snapshot", "Added to the repository", "processed"))]
    out.print("\n".join(summary) or text.strip().splitlines()[-1])


@backup_app.command("list")
def backup_list(
    job: Annotated[str | None, typer.Argument(help="The job (default: the first).")] = None, lab: LabOption = DEFAULT_LAB
) -> None:
    """The snapshots of a backup job."""
    target = Lab(lab)
    node, script = _backup_job(target, job)
    sys.stdout.write(_node_command(target, node, ["sh", script, "list"], "listing snapshots"))


@backup_app.command("restore")
def backup_restore(
    job: Annotated[str | None, typer.Argument(help="The job (default: the first).")] = None,
    snapshot: Annotated[str, typer.Option("--snapshot", help="A snapshot id (default: the latest).")] = "latest",
    in_place: Annotated[bool, typer.Option("--in-place", help="Put the files back where they were (overwrites).")] = False,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Restore a backup to a scratch place on the file server (default) or in place."""
    target = Lab(lab)
    node, script = _backup_job(target, job)
    where = "/" if in_place else f"/run/officelab/restore-{time.strftime('%Y%m%d-%H%M%S')}"
    _node_command(target, node, ["sh", script, "restore", where, snapshot], "restore")
    if in_place:
        out.print(f"[green]✓[/] snapshot {snapshot} restored in place on {node}")
    else:
        host = target.dir.node_dir(node) / "run" / where.removeprefix("/run/")
        out.print(f"[green]✓[/] snapshot {snapshot} restored on {node} at {where} (on this machine: {host})")


@snapshot_app.command("save")
def snapshot_save(name: str, lab: LabOption = DEFAULT_LAB) -> None:
    """Save the whole lab's state under NAME."""
    path = Lab(lab).snapshot_save(name, lambda m: out.print(f"[green]✓[/] {m}"))
    out.print(f"  {path}")


@snapshot_app.command("restore")
def snapshot_restore(name: str, lab: LabOption = DEFAULT_LAB) -> None:
    """Bring the lab back to the state saved under NAME (the lab is rebooted from it)."""
    require_root()
    target = Lab(lab)
    with out.status(f"restoring {name}…"):
        target.snapshot_restore(name, lambda m: out.print(f"  [dim]·[/] {m}"))
    _print_status(target.status())


@snapshot_app.command("list")
def snapshot_list(lab: LabOption = DEFAULT_LAB) -> None:
    """The saved snapshots of a lab."""
    table = Table("snapshot", "saved", "size")
    for name, mtime, size in Lab(lab).snapshots():
        table.add_row(name, time.strftime("%Y-%m-%d %H:%M", time.localtime(mtime)), f"{size // 1024} KiB")
    out.print(table)


camera_app = typer.Typer(help="IP cameras and the recorder.", no_args_is_help=True)
app.add_typer(camera_app, name="camera")


@camera_app.command("snapshot")
def camera_snapshot(
    camera: str,
    output: Annotated[Path, typer.Option("-o", "--output", help="PNG file to write.")] = Path("snapshot.png"),
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Grab one picture from a camera, as the recorder sees it (a viewer's snapshot)."""
    from officelab.runtime.services.video import camera_url

    target = Lab(lab)
    site = target.site()
    cameras = {c.node: c for c in (site.video.cameras if site.video else [])}
    if camera not in cameras:
        fail(f"no camera {camera!r} in lab {lab} (cameras: {', '.join(cameras) or 'none'})", 2)
    assert site.video is not None
    require_root()
    argv = [
        "ffmpeg",
        "-v",
        "error",
        "-rtsp_transport",
        "tcp",
        "-i",
        camera_url(site, cameras[camera]),
        "-frames:v",
        "1",
        "-f",
        "image2",
        "-c:v",
        "png",
        "-",
    ]
    proc = target.popen(site.video.recorder, argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    data, errors = proc.communicate(timeout=30)
    if proc.returncode != 0 or not data:
        fail(f"no picture from {camera}: {errors.decode(errors='replace').strip().splitlines()[-1:]}")
    output.write_bytes(data)
    out.print(f"[green]✓[/] {output}: {len(data) // 1024} KiB from {camera} (taken on {site.video.recorder})")


pbx_app = typer.Typer(help="The PBX, live: extensions, call forwarding, backup and restore.", no_args_is_help=True)
app.add_typer(pbx_app, name="pbx")


@pbx_app.command("show")
def pbx_show(lab: LabOption = DEFAULT_LAB) -> None:
    """Extensions known to the PBX right now, their forwarding, the public numbers and the trunk's state."""
    from officelab.runtime import pbx

    target = Lab(lab)
    secrets = pbx.dump(target, "pw")
    forwards = pbx.live_forwards(target)
    table = Table("extension", "forwarded to", "when busy", "when not answered")
    for number in sorted(secrets):
        table.add_row(number, *(forwards[when].get(number, "") for when in pbx.FORWARD_TABLES))
    out.print(table)
    dids = pbx.dump(target, "did")
    if dids:
        out.print("public numbers: " + ", ".join(f"{did} → {to}" for did, to in sorted(dids.items())))
        result = pbx.trunk_status(target)
        out.print(f"trunk: {'[green]✓[/]' if result.ok else '[red]✗[/]'} {result.summary} ({result.received})")


@pbx_app.command("extension")
def pbx_extension(
    number: str,
    secret: Annotated[str | None, typer.Argument(help="The SIP secret (omit with --remove).")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the extension.")] = False,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Add an extension (or change its secret), live."""
    from officelab.runtime import pbx

    if not re.fullmatch(r"[0-9]{2,6}", number):
        fail(f"extension {number!r}: expected 2 to 6 digits", 2)
    target = Lab(lab)
    if remove:
        pbx.remove_extension(target, number)
        out.print(f"[green]✓[/] extension {number} removed")
        return
    if not secret or not re.fullmatch(r"[A-Za-z0-9._-]{6,64}", secret):
        fail("a secret of 6 to 64 letters, digits, '.', '_' or '-' is needed", 2)
    pbx.set_secret(target, number, secret)
    out.print(f"[green]✓[/] extension {number} may register (secret set)")


@pbx_app.command("forward")
def pbx_forward(
    number: str,
    to: Annotated[str | None, typer.Argument(help="The number calls go to instead.")] = None,
    when: Annotated[str, typer.Option(help="always, busy or no-answer.")] = "always",
    off: Annotated[bool, typer.Option("--off", help="Cancel the forwarding.")] = False,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Set (or cancel) call forwarding, live: unconditional, when busy, or when not answered."""
    from officelab.runtime import pbx

    if when not in pbx.FORWARD_TABLES:
        fail(f"--when {when!r}: expected one of {', '.join(pbx.FORWARD_TABLES)}", 2)
    if not off and not to:
        fail("give the number to forward to, or --off", 2)
    pbx.set_forward(Lab(lab), number, None if off else to, when)
    label = "" if when == "always" else f" ({when})"
    out.print(f"[green]✓[/] {number}: " + (f"forwarding{label} cancelled" if off else f"forwarded to {to}{label}"))


@pbx_app.command("trunk")
def pbx_trunk(
    password: Annotated[str | None, typer.Option(help="Change the password the PBX gives the operator, live.")] = None,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """The SIP trunk: its registration at the operator, as the PBX sees it (and its password, live)."""
    from officelab.probes import ProbeResult
    from officelab.runtime import pbx
    from officelab.runtime.lab import wait_for

    target = Lab(lab)
    if password is None:
        result = pbx.trunk_status(target)
    else:
        if not re.fullmatch(r"[A-Za-z0-9._#!@%+-]{6,64}", password):
            fail("a password of 6 to 64 letters, digits or . _ # ! @ % + - is needed", 2)
        pbx.set_trunk_password(target, password)
        out.print("[green]✓[/] trunk password changed on the PBX; it registers again")
        latest: list[ProbeResult] = []  # the newest answer last

        def answered() -> bool:
            latest.append(pbx.trunk_status(target))
            return latest[-1].ok or "refuses" in latest[-1].summary

        with out.status("waiting for the operator's answer…"):
            wait_for(answered, 20, interval=0.5)
        result = latest[-1]
    if not result.ok:
        fail(f"trunk: {result.summary} ({result.received})")
    out.print(f"[green]✓[/] {result.summary} ({result.received})")


@pbx_app.command("backup")
def pbx_backup(file: Path, lab: LabOption = DEFAULT_LAB) -> None:
    """Save the PBX's live configuration (extensions, secrets, forwarding) to FILE."""
    from officelab.runtime import pbx

    data = pbx.backup(Lab(lab), file)
    out.print(f"[green]✓[/] {file}: {len(data['pw'])} extensions, {len(data['cfu'])} forwards")


@pbx_app.command("restore")
def pbx_restore(file: Path, lab: LabOption = DEFAULT_LAB) -> None:
    """Put back a configuration saved by `officelab pbx backup`."""
    from officelab.runtime import pbx

    data = pbx.restore(Lab(lab), file)
    out.print(f"[green]✓[/] restored {len(data['pw'])} extensions, {len(data['cfu'])} forwards")


@app.command()
def call(
    caller: Annotated[str, typer.Argument(help="Who calls: an extension with a phone, or an operator line (its public number).")],
    number: Annotated[str, typer.Argument(help="The number dialled (an extension, a group, a public number, prefix + a number).")],
    seconds: Annotated[float, typer.Option(help="How long the call lasts.")] = 2.0,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """A technician's test call: who answered (through which forwards and groups), and whether each side heard the other."""
    from officelab.probes import run_probe
    from officelab.probes.place import NodePlace
    from officelab.runtime import pbx
    from officelab.runtime.services import telephony
    from officelab.runtime.services.telephony import call_probe, caller_party
    from officelab.site.telephony import route_call

    require_root()
    target = Lab(lab)
    site = target.site()
    party = caller_party(site, caller)
    if site.telephony is None or party is None:
        t = site.telephony
        callers = [e.number for e in t.extensions if e.phone] + [s.number for s in (t.trunk.subscribers if t.trunk else [])] if t else []
        fail(f"{caller} is not a phone or an operator line of the site (callers: {', '.join(callers) or 'none'})", 2)
    assert party is not None
    forwards = pbx.live_forwards(target)
    planned = call_probe(site, party, number, forwards, seconds=seconds, timeout=30)
    if planned is None:
        answerer, path = route_call(site.telephony, number, forwards)
        if answerer is not None and telephony.party(site, answerer) == party:
            fail(f"{number} leads back to {caller} itself (via {' → '.join(path)}): nothing to test", 2)
        fail(f"{number}: nobody would answer this call in the lab (no auto-answering phone, voicemail or line on its way)", 2)
    assert planned is not None
    spec, answering, path = planned
    with out.status(f"calling {number} from {party.label}…"):
        result = run_probe(spec, NodePlace(party.node, target.context(party.node)))
    route = f" (via {' → '.join(path)})" if len(path) > 1 else ""
    if result.ok:
        out.print(f"[green]✓[/] {party.label} → {number}{route}: {answering.label} answered; {result.summary} ({result.received})")
    else:
        fail(f"{party.label} → {number}{route}: {result.summary}")


def main() -> None:
    """Entry point: run the app, turning OfficeLab errors into one line and an exit code."""
    try:
        app()
    except SiteInvalid as exc:
        err.print(str(exc), highlight=False, markup=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except OfficeLabError as exc:
        err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted", highlight=False)
        sys.exit(130)
    except Exception as exc:  # a bug: still one line, the traceback on demand
        if os.environ.get("OFFICELAB_DEBUG"):
            raise
        err.print(
            f"internal error: {type(exc).__name__}: {exc} (set OFFICELAB_DEBUG=1 for the traceback, and please report it)",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        sys.exit(70)


if __name__ == "__main__":
    main()
