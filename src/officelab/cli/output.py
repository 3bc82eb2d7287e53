"""What the command line prints, and how it fails: one readable line, never a traceback.

User text (names, ids, paths, causes, values from a site file) is printed literally: the consoles substitute
no emoji (``:computer:`` stays as typed) and every such value goes through `escape` or `Text`, never as markup.
"""

from __future__ import annotations

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
