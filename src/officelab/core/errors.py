"""Errors that OfficeLab reports to a person: one readable line each, never a traceback.

A message never echoes a whole value: `shown` cuts what comes from the input (the first `SHOWN_CHARS`
characters, then how long it really was), and a `Problem` bounds its own message, hint and field path, so a
hostile file cannot turn its refusal into megabytes of output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SHOWN_CHARS = 60
"""How much of a value from the input a message shows (then ``… (N characters)``)."""
MAX_MESSAGE_CHARS = 400
"""A problem's message and hint are cut to this many characters."""
MAX_FIELD_CHARS = 160
"""A problem's field path (``nodes[3].interfaces[0].address``) is cut to this many characters."""
MAX_PROBLEMS_SHOWN = 100
"""`SiteInvalid` prints at most this many problems, then how many more there are."""


def cut(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` if it is short, else its first ``limit`` characters, ``…`` and its real length."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """A value from the input as a message shows it: its ``repr``, cut to ``limit`` characters.

    Never fails and never builds a huge text: a long string is sliced before ``repr``, and an integer too large
    to print (Python refuses more than 4300 digits) is described by its size."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"a number of {value.bit_length():,} bits"
    try:
        text = repr(value)
    except Exception:  # a repr that fails (e.g. an exotic YAML tag's object) must not hide the problem
        text = f"a value of type {type(value).__name__}"
    return cut(text, limit)


class OfficeLabError(Exception):
    """An error the CLI prints as one line and turns into a non-zero exit code."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a site file: where, what, what was expected, how to fix it."""

    path: tuple[str | int, ...]
    message: str
    hint: str = ""
    line: int | None = None
    file: str = ""

    @property
    def field(self) -> str:
        """The field path as a person writes it: ``nodes[3].interfaces[0].address`` (long keys and paths cut)."""
        text = ""
        for part in self.path:
            if len(text) > MAX_FIELD_CHARS:
                break
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                key = cut(str(part), SHOWN_CHARS)
                text += f".{key}" if text else key
        return cut(text, MAX_FIELD_CHARS) or "(top level)"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.field}: {cut(self.message, MAX_MESSAGE_CHARS)}"
        if self.hint:
            text += f"\n    hint: {cut(self.hint, MAX_MESSAGE_CHARS)}"
        return text


@dataclass
class SiteInvalid(OfficeLabError):
    """The site file has problems; nothing was changed.

    ``more``: problems found but not kept (a file with thousands of mistakes keeps the first ones)."""

    file: Path
    problems: list[Problem] = field(default_factory=list)
    more: int = 0
    exit_code = 2

    def __str__(self) -> str:
        count = len(self.problems) + self.more
        head = f"{self.file}: {count:,} problem{'s' if count > 1 else ''} found, nothing was changed"
        lines = [head, *(str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN])]
        hidden = count - min(len(self.problems), MAX_PROBLEMS_SHOWN)
        if hidden > 0:
            lines.append(f"{self.file}: … and {hidden:,} more problem{'s' if hidden > 1 else ''} (fix these first)")
        return "\n".join(lines)


class LabError(OfficeLabError):
    """Something went wrong realising or operating a lab."""


class NotRoot(OfficeLabError):
    """The command needs root (network namespaces)."""

    exit_code = 77
