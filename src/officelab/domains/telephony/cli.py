"""`officelab pbx …` (the PBX, live) and `officelab call` (a technician's test call)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from officelab.cli.output import DEFAULT_LAB, LabOption, add_row, fail, ok, out
from officelab.core.deadline import wait_for
from officelab.domains.telephony import admin as pbx
from officelab.domains.telephony.facts import call_probe, caller_party, party, route_call
from officelab.probes import ProbeResult, run_probe
from officelab.runtime.kernel import require_root
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace


def register(app: typer.Typer) -> None:
    app.add_typer(pbx_app, name="pbx")
    app.command()(call)


pbx_app = typer.Typer(help="The PBX, live: extensions, call forwarding, backup and restore.", no_args_is_help=True)


@pbx_app.command("show")
def pbx_show(lab: LabOption = DEFAULT_LAB) -> None:
    """Extensions known to the PBX right now, their forwarding, the public numbers and the trunk's state."""

    target = Lab(lab)
    secrets = pbx.dump(target, "pw")
    forwards = pbx.live_forwards(target)
    table = Table("extension", "forwarded to", "when busy", "when not answered")
    for number in sorted(secrets):
        add_row(table, number, *(forwards[when].get(number, "") for when in pbx.FORWARD_TABLES))
    out.print(table)
    dids = pbx.dump(target, "did")
    if dids:
        out.print(Text("public numbers: " + ", ".join(f"{did} → {to}" for did, to in sorted(dids.items()))))
        result = pbx.trunk_status(target)
        mark = ("✓", "green") if result.ok else ("✗", "red")
        out.print(Text.assemble("trunk: ", mark, f" {result.summary} ({result.received})"))


@pbx_app.command("extension")
def pbx_extension(
    number: str,
    secret: Annotated[str | None, typer.Argument(help="The SIP secret (omit with --remove).")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the extension.")] = False,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Add an extension (or change its secret), live."""

    if not re.fullmatch(r"[0-9]{2,6}", number):
        fail(f"extension {number!r}: expected 2 to 6 digits", 2)
    target = Lab(lab)
    if remove:
        pbx.remove_extension(target, number)
        ok(f"extension {number} removed")
        return
    if not secret or not re.fullmatch(r"[A-Za-z0-9._-]{6,64}", secret):
        fail("a secret of 6 to 64 letters, digits, '.', '_' or '-' is needed", 2)
    pbx.set_secret(target, number, secret)
    ok(f"extension {number} may register (secret set)")


@pbx_app.command("forward")
def pbx_forward(
    number: str,
    to: Annotated[str | None, typer.Argument(help="The number calls go to instead.")] = None,
    when: Annotated[str, typer.Option(help="always, busy or no-answer.")] = "always",
    off: Annotated[bool, typer.Option("--off", help="Cancel the forwarding.")] = False,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Set (or cancel) call forwarding, live: unconditional, when busy, or when not answered."""

    if when not in pbx.FORWARD_TABLES:
        fail(f"--when {when!r}: expected one of {', '.join(pbx.FORWARD_TABLES)}", 2)
    if not off and not to:
        fail("give the number to forward to, or --off", 2)
    pbx.set_forward(Lab(lab), number, None if off else to, when)
    label = "" if when == "always" else f" ({when})"
    ok(f"{number}: " + (f"forwarding{label} cancelled" if off else f"forwarded to {to}{label}"))


@pbx_app.command("trunk")
def pbx_trunk(
    password: Annotated[str | None, typer.Option(help="Change the password the PBX gives the operator, live.")] = None,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """The SIP trunk: its registration at the operator, as the PBX sees it (and its password, live)."""

    target = Lab(lab)
    if password is None:
        result = pbx.trunk_status(target)
    else:
        if not re.fullmatch(r"[A-Za-z0-9._#!@%+-]{6,64}", password):
            fail("a password of 6 to 64 letters, digits or . _ # ! @ % + - is needed", 2)
        pbx.set_trunk_password(target, password)
        ok("trunk password changed on the PBX; it registers again")
        latest: list[ProbeResult] = []  # the newest answer last

        def answered() -> bool:
            latest.append(pbx.trunk_status(target))
            return latest[-1].ok or "refuses" in latest[-1].summary

        with out.status("waiting for the operator's answer…"):
            wait_for(answered, 20, interval=0.5)
        result = latest[-1]
    if not result.ok:
        fail(f"trunk: {result.summary} ({result.received})")
    ok(f"{result.summary} ({result.received})")


@pbx_app.command("backup")
def pbx_backup(file: Path, lab: LabOption = DEFAULT_LAB) -> None:
    """Save the PBX's live configuration (extensions, secrets, forwarding) to FILE."""

    data = pbx.backup(Lab(lab), file)
    ok(f"{file}: {len(data['pw'])} extensions, {len(data['cfu'])} forwards")


@pbx_app.command("restore")
def pbx_restore(file: Path, lab: LabOption = DEFAULT_LAB) -> None:
    """Put back a configuration saved by `officelab pbx backup`."""

    data = pbx.restore(Lab(lab), file)
    ok(f"restored {len(data['pw'])} extensions, {len(data['cfu'])} forwards")


def call(
    caller: Annotated[str, typer.Argument(help="Who calls: an extension with a phone, or an operator line (its public number).")],
    number: Annotated[str, typer.Argument(help="The number dialled (an extension, a group, a public number, prefix + a number).")],
    seconds: Annotated[float, typer.Option(help="How long the call lasts.")] = 2.0,
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """A technician's test call: who answered (through which forwards and groups), and whether each side heard the other."""

    require_root()
    target = Lab(lab)
    site = target.site()
    calling = caller_party(site, caller)
    if site.telephony is None or calling is None:
        t = site.telephony
        callers = [e.number for e in t.extensions if e.phone] + [s.number for s in (t.trunk.subscribers if t.trunk else [])] if t else []
        fail(f"{caller} is not a phone or an operator line of the site (callers: {', '.join(callers) or 'none'})", 2)
    assert calling is not None
    forwards = pbx.live_forwards(target)
    planned = call_probe(site, calling, number, forwards, seconds=seconds, timeout=30)
    if planned is None:
        answerer, path = route_call(site.telephony, number, forwards)
        if answerer is not None and party(site, answerer) == calling:
            fail(f"{number} leads back to {caller} itself (via {' → '.join(path)}): nothing to test", 2)
        fail(f"{number}: nobody would answer this call in the lab (no auto-answering phone, voicemail or line on its way)", 2)
    assert planned is not None
    spec, answering, path = planned
    with out.status(f"calling {number} from {calling.label}…"):
        result = run_probe(spec, NodePlace(calling.node, target.context(calling.node)))
    route = f" (via {' → '.join(path)})" if len(path) > 1 else ""
    if result.ok:
        ok(f"{calling.label} → {number}{route}: {answering.label} answered; {result.summary} ({result.received})")
    else:
        fail(f"{calling.label} → {number}{route}: {result.summary}")
