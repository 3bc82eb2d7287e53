"""The architecture holds: the import contracts of `.importlinter` are kept, no module imports itself through
others, a deliberate upward import is refused, and modules stay small."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "officelab"
LINT = Path(sys.executable).parent / "lint-imports"


def lint(src: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the package under ``src`` (its parent goes first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(src.parent)}
    return subprocess.run(
        [str(LINT), "--config", str(ROOT / ".importlinter"), "--no-cache"],
        cwd=src.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_import_contracts_are_kept() -> None:
    result = lint(SRC)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("officelab", exclude_type_checking_imports=True)
    assert _cycles(graph) == []


BAD_IMPORTS = [
    ("core/errors.py", "from officelab.cli import main", "core imports nothing of OfficeLab BROKEN"),
    ("domains/video/model.py", "from officelab.runtime.plan import LabPlan", "A domain's model is site-file data"),
    ("domains/network/facts.py", "from officelab.recette.model import Check", "Facts, validators and probes follow from the site alone"),
    ("domains/video/realise.py", "from officelab.domains.automation.realise import make_certificates", "another domain's realiser BROKEN"),
    (
        "runtime/lab.py",
        "from officelab.recette.engine import run_suite",
        "Layers: cli above api above exercises above faults, diagnosis and audit",
    ),
]


@pytest.mark.parametrize(("module", "line", "contract"), BAD_IMPORTS, ids=[m for m, _, _ in BAD_IMPORTS])
def test_an_upward_import_is_refused(tmp_path: Path, module: str, line: str, contract: str) -> None:
    copy = tmp_path / "officelab"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / module
    target.write_text(target.read_text() + f"\n{line}  # a deliberate upward import\n")
    result = lint(copy)
    assert result.returncode != 0, result.stdout
    assert contract in " ".join(result.stdout.split()), result.stdout


LONG = "longer than 400 lines because"


def test_modules_are_small() -> None:
    """No module over ~400 lines, unless it says why (``longer than 400 lines because …``)."""
    long = [
        str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if len(p.read_text().splitlines()) > 400 and LONG not in p.read_text().lower()
    ]
    assert long == []
