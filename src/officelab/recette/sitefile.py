"""Loading a site file for the commands that run it: the site layer's validation, and the references of the
site's own checks to derived checks (which only the recette knows), all reported at once, located in the file."""

from __future__ import annotations

from pathlib import Path

from officelab.recette.derive import reference_problems
from officelab.site.loader import load_site, load_text
from officelab.site.model import Site


def load_checked(path: Path | str) -> Site:
    """`load_site`, with every dependency of the site's own checks known: raises `SiteInvalid` otherwise."""
    return load_site(path, also=(reference_problems,))


def load_checked_text(text: str, file: str = "<site>") -> Site:
    """`load_text`, with every dependency of the site's own checks known."""
    return load_text(text, file, also=(reference_problems,))
