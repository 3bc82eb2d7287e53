"""A throw-away OFFICELAB_HOME for a benchmark run, under /var/lib like the real one."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile


def temporary_home() -> str:
    """Create it, point OFFICELAB_HOME at it (unless the caller chose one) and return it; it is removed when the
    benchmark exits (the labs in it are down by then). Exits unless root."""
    if os.geteuid() != 0:
        sys.exit("bench: needs root (network namespaces)")
    if "OFFICELAB_HOME" in os.environ:
        return os.environ["OFFICELAB_HOME"]
    home = tempfile.mkdtemp(prefix="officelab-bench-", dir="/var/lib")
    os.environ["OFFICELAB_HOME"] = home
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return home
