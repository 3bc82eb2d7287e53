"""The `officelab` command line: the lab and recette commands, and each domain's sub-commands from the registry.
Every failure is one readable line and a non-zero exit code."""

from __future__ import annotations

import os
import sys

import typer

from officelab.cli import diagnose, faults, lab, recette
from officelab.cli.output import err
from officelab.core.errors import OfficeLabError, SiteInvalid
from officelab.domains import parts

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="OfficeLab: a whole small-business IT network, for real, on this machine.",
)
app.registered_commands += lab.app.registered_commands + recette.app.registered_commands
app.registered_groups += lab.app.registered_groups
faults.register(app)
diagnose.register(app)
for domain in parts("cli"):
    domain.register(app)


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
