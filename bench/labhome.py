"""A throw-away OFFICELAB_HOME for a benchmark run (readable by the daemons' unprivileged users)."""

from __future__ import annotations

import os
import sys
import tempfile


def temporary_home() -> str:
    """Create it, point OFFICELAB_HOME at it (unless the caller chose one) and return it. Exits unless root."""
    if os.geteuid() != 0:
        sys.exit("bench: needs root (network namespaces)")
    if "OFFICELAB_HOME" in os.environ:
        return os.environ["OFFICELAB_HOME"]
    home = tempfile.mkdtemp(prefix="officelab-bench-")
    os.chmod(home, 0o755)  # CUPS filters run as lp
    os.environ["OFFICELAB_HOME"] = home
    return home
