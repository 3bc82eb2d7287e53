"""The registry of domains: every domain package is registered once, and each file of a domain offers its layer
the entry point the domain protocol names."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import officelab.domains
from officelab.domains import DOMAINS, ENTRY_POINTS, parts

PACKAGES = Path(officelab.domains.__file__).parent


def test_every_domain_package_is_registered_once() -> None:
    names = [d.name for d in DOMAINS]
    assert len(names) == len(set(names))
    on_disk = {p.name for p in PACKAGES.iterdir() if (p / "__init__.py").exists()}
    assert on_disk == set(names), "a package under domains/ that is not in DOMAINS (or the reverse)"


@pytest.mark.parametrize("part", sorted(ENTRY_POINTS))
def test_each_part_has_its_entry_point(part: str) -> None:
    entry, arity = ENTRY_POINTS[part]  # type: ignore[index]
    modules = parts(part)  # type: ignore[arg-type]
    assert modules, f"no domain has a {part}.py"
    for module in modules:
        assert len(inspect.signature(getattr(module, entry)).parameters) == arity, module.__name__


def test_a_domain_file_without_its_entry_point_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    parts.cache_clear()
    import officelab.domains.backup.checks as checks

    monkeypatch.delattr(checks, "derive")
    try:
        with pytest.raises(TypeError, match=r"officelab.domains.backup.checks must define derive\(\)"):
            parts("checks")
    finally:
        monkeypatch.undo()
        parts.cache_clear()
