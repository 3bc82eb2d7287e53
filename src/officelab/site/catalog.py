"""The built-in sites shipped with OfficeLab."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from officelab.core.errors import OfficeLabError

DEFAULT_SITE = "cabinet-martin"


def builtin_dir() -> Path:
    return Path(str(resources.files("officelab.site") / "builtin"))


def builtin_sites() -> dict[str, Path]:
    """Built-in site names → their files."""
    return {p.stem: p for p in sorted(builtin_dir().glob("*.yaml"))}


def resolve(ref: Path | str | None) -> Path:
    """A path to a site file, or the name of a built-in site (default: cabinet-martin)."""
    ref = DEFAULT_SITE if ref is None else ref
    path = Path(ref)
    if path.exists():
        return path
    sites = builtin_sites()
    if str(ref) in sites:
        return sites[str(ref)]
    raise OfficeLabError(f"no site file {ref!s} and no built-in site of that name (built-in: {', '.join(sites)})")
