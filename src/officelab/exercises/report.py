"""The printable grade sheet and grading grid (standalone HTML)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from officelab.exercises.grade import GradeSheet

if TYPE_CHECKING:
    from officelab.exercises.gradebook import GridRow

_env = Environment(loader=PackageLoader("officelab.exercises", "templates"), autoescape=select_autoescape(["html", "j2"]))


def render_html(sheet: GradeSheet) -> str:
    def when(ts: float) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))

    return _env.get_template("grade.html.j2").render(sheet=sheet, when=when)


def write_html(sheet: GradeSheet, path: Path) -> None:
    path.write_text(render_html(sheet), encoding="utf-8")


def render_grid(learner: str, rows: list[GridRow]) -> str:
    return _env.get_template("grid.html.j2").render(learner=learner, rows=rows, printed=time.strftime("%Y-%m-%d %H:%M"))
