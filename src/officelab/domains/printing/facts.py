"""Printing facts that follow from the site file alone: each printer's IPP address, who may print on a queue."""

from __future__ import annotations

from officelab.site.model import Site
from officelab.site.topology import service_address


def printer_uri(site: Site, printer: str) -> str:
    return f"ipp://{service_address(site, printer, reserved=True)}:631/ipp/print"


def allowed_users(site: Site, groups: list[str]) -> list[str] | None:
    """The logins allowed to print (None: everyone). CUPS matches the job's requesting user name."""
    if not groups or site.directory is None:
        return None
    return sorted({u.login for u in site.directory.users for g in groups if g in u.groups and u.enabled})
