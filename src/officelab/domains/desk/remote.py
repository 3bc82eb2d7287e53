"""`officelab desk ticket remote N`: remote assistance from the ticket (TAI-CP9-C4) — a shell on the user's
workstation (journaled during an exercise, as `officelab shell`), or one command on it, then the session in the
ticket's thread with its length."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from officelab.cli.output import DEFAULT_LAB, LabOption, fail, ok, out
from officelab.domains.desk import handling as h
from officelab.domains.desk.console import AsOption, DbOption, Number, SiteOption, act, context
from officelab.domains.desk.ticket_cli import ticket_app


@ticket_app.command("remote")
def remote(
    number: Number,
    command: Annotated[list[str] | None, typer.Argument(help="A command to run there instead of a shell (after --).")] = None,
    node: Annotated[str | None, typer.Option(help="Where (default: the requester's workstation, else the ticket's first node).")] = None,
    lab: LabOption = DEFAULT_LAB,
    site: SiteOption = None,
    author: AsOption = None,
    db: DbOption = None,
) -> None:
    """Take control of the user's workstation from the ticket: a shell there (or COMMAND), recorded in the ticket."""
    from officelab.exercises.console import node_shell
    from officelab.runtime.lab import Lab

    ctx = context(lab, site, author)
    where = act(db, lambda s: h.remote_node(s, ctx, number, node))
    live = Lab(lab)
    started = time.monotonic()
    if command:
        done = live.run(where, command)
        out.print(done.stdout, end="", markup=False, highlight=False)
        if done.stderr:
            out.print(done.stderr, end="", markup=False, highlight=False)
        code = done.returncode
    else:
        context_of = live.context(where)
        with node_shell(lab, where) as how:
            code = context_of.attach(how.argv, how.env, how.fds)
    seconds = time.monotonic() - started
    act(db, lambda s: h.remote_session(s, ctx, number, where, seconds, code))
    ok(f"remote session on {where} recorded in ticket {number} ({seconds:.0f} s)")
    if code:
        fail(f"the command on {where} exited with {code}", code)
