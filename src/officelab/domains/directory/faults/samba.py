"""What the directory's fault types share: samba-tool on the DC (as the Administrator when it must), the checks
that log in as a user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from officelab.domains.directory.model import Directory
from officelab.faults import truth as t
from officelab.faults.mechanisms import run
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TRI-CT", "TAI-CP11", "TRI-CP6", "TAI-CP6")


def directory(site: Site) -> Directory | None:
    return site.directory


def samba_tool(lab: Lab, *args: str, stdin: str | None = None, admin: bool = False) -> str:
    """samba-tool on the DC; ``admin``: as the Administrator, whose password Samba reads from PASSWD."""
    d = lab.site().directory
    assert d is not None
    conf = str(lab.dir.node_dir(d.controller) / "etc" / "samba" / "smb.conf")
    argv = ["samba-tool", *args, "-s", conf, *(["-U", "Administrator"] if admin else [])]
    env = {"PASSWD": d.admin_password} if admin else None
    return run(lab, d.controller, argv, f"samba-tool {' '.join(args[:2])}", stdin=stdin, env=env)


def user_checks(site: Site, login: str) -> tuple[str, ...]:
    """What a user's account failing makes fail: the user's shares and prints (the checks that log in as them)."""
    return tuple(c.id for c in t.checks(site) if c.group in ("shares", "printing") and f":{login}" in c.id)
