"""Capturing the frames on a lab port into a pcap stream (Wireshark-readable; trunks show their 802.1Q tags).

tcpdump runs inside the port's node, so the capture sees exactly that interface and never the host's. It stops
after ``count`` packets, after ``duration`` seconds, or when ``stop`` says so (Ctrl-C), whichever comes first.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from typing import IO

from officelab.core.errors import OfficeLabError
from officelab.runtime.lab import Lab


def capture(
    lab: Lab,
    endpoint: str,
    sink: IO[bytes],
    count: int = 0,
    duration: float = 0,
    capture_filter: str = "",
    stop: Callable[[], bool] = lambda: False,
) -> str:
    """Write the frames seen at ``NODE:PORT`` to ``sink`` as pcap. Returns tcpdump's ``N packets captured`` line."""
    if ":" not in endpoint:
        raise OfficeLabError(f"expected NODE:PORT, got {endpoint!r}")
    if count < 0 or duration < 0:
        raise OfficeLabError("a capture's count and duration are 0 (no limit) or more")
    node, port = endpoint.split(":", 1)
    if all(n.name != node for n in lab.site().nodes):
        raise OfficeLabError(f"no node {node!r} in lab {lab.name}")
    argv = ["tcpdump", "-i", port, "-U", "-w", "-", "--immediate-mode", *(["-c", str(count)] if count else []), *capture_filter.split()]
    proc = lab.popen(node, argv, stdout=sink, stderr=subprocess.PIPE)
    deadline = time.monotonic() + duration if duration else None
    try:
        # tcpdump ends by itself after ``count`` packets; the poll is how a duration or Ctrl-C reaches it
        while proc.poll() is None:
            if (deadline is not None and time.monotonic() >= deadline) or stop():
                proc.send_signal(signal.SIGINT)
                break
            time.sleep(0.05)
        proc.wait(timeout=5)
    except BaseException:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=5)
        raise
    finally:
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
    if proc.returncode not in (0, -signal.SIGINT) and "packets captured" not in stderr:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"tcpdump exited {proc.returncode}"
        raise OfficeLabError(f"capture on {endpoint} failed: {last}")
    return next((line for line in stderr.splitlines() if "packets captured" in line), "capture written")
