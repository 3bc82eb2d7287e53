"""The `officelab` command line: the lab and recette commands, and each domain's sub-commands from the registry.
Every failure is one readable line and a non-zero exit code."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys

import typer

from officelab.cli.output import DEFAULT_LAB, err
from officelab.core.errors import OfficeLabError, SiteInvalid

ON_DEMAND: dict[str, str] = {
    "fault": "faults",
    "port": "faults",
    "service": "faults",
    "diagnose": "diagnose",
    "audit": "audit",
    "inventory": "inventory",
    "exercise": "exercise",
    "grade": "exercise",
    "class": "classroom",
    "learner": "learner",
    "web": "web",
}
"""The top-level words whose whole command tree is one module of this package (its ``register(app)``): a learner's
`officelab exercise check` loads that module only, not the web server, the class, nor every domain's commands."""


def _root() -> None:
    """No option of its own: the app's help is the Typer's."""


def build_app(first: str | None = None) -> typer.Typer:
    """The command tree: all of it, or only what the top-level word ``first`` needs when it is in `ON_DEMAND`."""
    app = typer.Typer(
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        help="OfficeLab: a whole small-business IT network, for real, on this machine.",
    )
    app.callback()(_root)  # a group even with one command: `officelab diagnose …` keeps its word
    if first in ON_DEMAND:
        importlib.import_module(f"officelab.cli.{ON_DEMAND[first]}").register(app)
        return app
    from officelab.cli import lab, recette
    from officelab.domains import parts

    app.registered_commands += lab.app.registered_commands + recette.app.registered_commands
    app.registered_groups += lab.app.registered_groups
    for module in dict.fromkeys(ON_DEMAND.values()):
        importlib.import_module(f"officelab.cli.{module}").register(app)
    for domain in parts("cli"):
        domain.register(app)
    return app


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
    from officelab.exercises import journal

    with contextlib.suppress(OfficeLabError, OSError):
        journal.officelab_command(lab, words, code)


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
        build_app(next(iter(sys.argv[1:]), None))()
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
