"""Errors that OfficeLab reports to a person: one readable line each, never a traceback."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
        """The field path as a person writes it: ``nodes[3].interfaces[0].address``."""
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        return text or "(top level)"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.field}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class SiteInvalid(OfficeLabError):
    """The site file has problems; nothing was changed."""

    file: Path
    problems: list[Problem] = field(default_factory=list)
    exit_code = 2

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{self.file}: {count} problem{'s' if count > 1 else ''} found, nothing was changed"
        return "\n".join([head, *(str(p) for p in self.problems)])


class LabError(OfficeLabError):
    """Something went wrong realising or operating a lab."""


class NotRoot(OfficeLabError):
    """The command needs root (network namespaces)."""

    exit_code = 77
