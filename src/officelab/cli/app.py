"""The `officelab` command line: the lab and recette commands, and each domain's sub-commands from the registry.
Every failure is one readable line and a non-zero exit code."""

from __future__ import annotations

import contextlib
import os
import shlex
import sys

import typer

from officelab.cli import classroom, diagnose, exercise, faults, lab, learner, recette, web
from officelab.cli.output import DEFAULT_LAB, err
from officelab.core.errors import OfficeLabError, SiteInvalid
from officelab.domains import parts
from officelab.exercises import journal

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
exercise.register(app)
classroom.register(app)
learner.register(app)
web.register(app)
for domain in parts("cli"):
    domain.register(app)


JOURNALED = {"link", "port", "service", "backup", "status", "capture", "check", "diagnose"}
"""The OfficeLab commands a learner's journal records (the physical acts, the console, the tests); `exec` and
`shell` record the commands run on the node themselves."""


def _journal(argv: list[str], code: int) -> None:
    if not argv or argv[0] not in JOURNALED:
        return
    lab, words = DEFAULT_LAB, []
    rest = iter(argv)
    for word in rest:
        if word in ("--lab", "-l"):
            lab = next(rest, DEFAULT_LAB)
        elif word.startswith("--lab="):
            lab = word.split("=", 1)[1]
        else:
            words.append(word)
    with contextlib.suppress(OfficeLabError, OSError):
        journal.append(lab, journal.OFFICELAB, shlex.join(words), code, "officelab")


def main() -> None:
    """Entry point: run the app, turning OfficeLab errors into one line and an exit code; on a lab that runs an
    exercise, the learner's OfficeLab commands go to the journal with their exit code."""
    code = 1
    try:
        _run()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
        raise
    finally:
        _journal(sys.argv[1:], code)


def _run() -> None:
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
