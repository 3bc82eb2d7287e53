"""What the command line prints, and how it fails: one readable line, never a traceback.

User text (names, ids, paths, causes, values from a site file) is printed literally: the consoles substitute
no emoji (``:computer:`` stays as typed) and every such value goes through `escape` or `Text`, never as markup.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape as escape
from rich.table import Table
from rich.text import Text

from officelab.runtime.state import DEFAULT_LAB as DEFAULT_LAB

out = Console(soft_wrap=True, emoji=False, highlight=False)
err = Console(stderr=True, emoji=False, highlight=False)

LabOption = Annotated[str, typer.Option("--lab", "-l", help="Lab name (several labs can run side by side).")]
SiteArgument = Annotated[str | None, typer.Argument(help="A site file, or a built-in site name (default: cabinet-martin).")]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` (literally) and exit with ``code``."""
    err.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    raise typer.Exit(code)


def ok(message: str) -> None:
    """A step that succeeded: ``✓ message`` (literally)."""
    out.print(Text.assemble(("✓ ", "green"), message))


def step(message: str) -> None:
    """Progress of a long command: ``  · message`` (literally)."""
    out.print(Text.assemble(("  · ", "dim"), message))


def add_row(table: Table, *cells: str | Text) -> None:
    """A table row whose plain strings are shown literally."""
    table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells))


def writable_file(path: Path, option: str) -> None:
    """Refuse (exit 2), before anything runs, a file the command could not write at the end: ``option`` names it."""
    where = f"{option} {path}"
    parent = path.parent
    if path.is_dir():
        fail(f"{where}: is a directory, expected a file to write", 2)
    if not parent.exists():
        fail(f"{where}: directory {parent} does not exist (create it first, or choose another file)", 2)
    if not parent.is_dir():
        fail(f"{where}: {parent} is not a directory", 2)
    if path.exists() and not os.access(path, os.W_OK):
        fail(f"{where}: the file is not writable", 2)
    if not path.exists() and not os.access(parent, os.W_OK | os.X_OK):
        fail(f"{where}: directory {parent} is not writable", 2)
