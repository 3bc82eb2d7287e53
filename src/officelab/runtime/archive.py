"""Archives of lab state (domain templates, lab snapshots): GNU tar with extended attributes and ACLs,
which Samba's sysvol needs (its NT ACLs live in xattrs)."""

from __future__ import annotations

import subprocess

from officelab.core.errors import LabError


def tar(args: list[str]) -> None:
    result = subprocess.run(["tar", "--xattrs", "--xattrs-include=*", "--acls", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LabError(f"tar {' '.join(args[:1])} failed: {result.stderr.strip()[:300]}")
