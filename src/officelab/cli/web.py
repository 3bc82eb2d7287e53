"""`officelab web [--listen HOST:PORT]`: the workbench (its page and its REST API); `officelab web account`."""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer

from officelab.cli.output import fail, ok, out

web_app = typer.Typer(help="The web workbench's REST API, and its accounts.", invoke_without_command=True)


def register(app: typer.Typer) -> None:
    app.add_typer(web_app, name="web")


@web_app.callback()
def serve(
    ctx: typer.Context,
    listen: Annotated[
        str, typer.Option(help="HOST:PORT to listen on (loopback by default; see docs/web.md for a classroom).")
    ] = "127.0.0.1:8080",
) -> None:
    """Serve the workbench: its page at / and the REST API (its OpenAPI document at /docs and /openapi.json)."""
    if ctx.invoked_subcommand is not None:
        return
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        fail(f"--listen {listen!r}: expected HOST:PORT, e.g. 127.0.0.1:8080", 2)
    import uvicorn

    from officelab.api.app import create_app

    app = create_app()
    out.print(f"OfficeLab workbench on http://{host}:{port}/ (the API's OpenAPI document: /docs); Ctrl-C stops it", markup=False)
    uvicorn.run(app, host=host.strip("[]"), port=int(port), log_level="warning")


@web_app.command("account")
def account(
    name: Annotated[str, typer.Argument(help="The account's name (lower case).")],
    role: Annotated[str, typer.Option(help="trainer (every lab) or learner (one lab).")] = "trainer",
    lab: Annotated[str, typer.Option(help="A learner's lab.")] = "",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")] = False,
) -> None:
    """Create an account (the first trainer is made here); the password is asked for, never on the command line."""
    from officelab.api.accounts import add_account, open_accounts

    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass(f"password for {name}: ")
    made = add_account(open_accounts(), name, role, password, lab or None)
    ok(f"account {made.name} ({made.role}{', lab ' + made.lab if made.lab else ''}) created")
