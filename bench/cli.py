"""The switches' command line: a netmiko session's connect time and `show` round trip, and 10 concurrent SSH sessions.

Boots the default site in a temporary OfficeLab home, then from pc-admin (the management VLAN): netmiko
`cisco_ios` connects to sw-floor N times (median connect, `show vlan brief` and `show interfaces status` parsed by
ntc-templates), then 10 sessions at once each run `show running-config` (wall time for all, slowest session).
Run with `make bench` (as root), or `python bench/cli.py [N]` (default 5 runs).
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from pathlib import Path

from labhome import temporary_home

from officelab.runtime.lab import Lab
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site

CLIENT = Path(__file__).resolve().parents[1] / "tests/live/switch_client.py"
ACCOUNT = {"user": "admin", "password": "Sw1tch-Adm1n", "secret": "En4ble-Cab1net"}
CONCURRENT = """
import asyncio, asyncssh, json, sys, time
async def one(i):
    began = time.monotonic()
    async with asyncssh.connect(sys.argv[1], username="admin", password="Sw1tch-Adm1n", known_hosts=None) as conn:
        proc = await conn.create_process(term_type="vt100")
        seen = ""
        for line in ["", "terminal length 0", "show running-config"]:
            if line:
                proc.stdin.write(line + "\\r")
            seen = ""
            while not seen.rstrip().endswith("sw-floor#"):
                seen += await proc.stdout.read(65536)
        assert "Current configuration" in seen or line != "show running-config"
    return time.monotonic() - began
async def main():
    began = time.monotonic()
    each = await asyncio.gather(*(one(i) for i in range(int(sys.argv[2]))))
    print(json.dumps({"all": time.monotonic() - began, "slowest": max(each), "each": each}))
asyncio.run(main())
"""


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    temporary_home()
    lab = Lab("benchcli")
    lab.up(load_site("cabinet-martin"), builtin_sites()["cabinet-martin"].read_text())
    try:
        tmp = lab.dir.node_dir("pc-admin") / "fs/tmp"
        shutil.copy(CLIENT, tmp / "switch_client.py")
        (tmp / "ten_sessions.py").write_text(CONCURRENT)
        ops = [{"show": "show vlan brief", "textfsm": True}, {"show": "show interfaces status", "textfsm": True}]
        connects, vlans, statuses = [], [], []
        for _ in range(runs):
            args = json.dumps({**ACCOUNT, "ops": ops})
            done = lab.run("pc-admin", [sys.executable, "/tmp/switch_client.py", "10.10.99.3", args], timeout=120)
            if done.returncode != 0:
                raise SystemExit(f"the netmiko session failed: {done.stderr[-1500:]}")
            results = json.loads(done.stdout)
            connects.append(results[0]["connect"])
            vlans.append(results[1]["took"])
            statuses.append(results[2]["took"])
        print(
            f"netmiko connect (to a `sw-floor#` prompt): median {statistics.median(connects):.2f} s  runs {[round(x, 2) for x in connects]}"
        )
        print(f"show vlan brief + ntc-templates parse:      median {statistics.median(vlans) * 1000:.0f} ms")
        print(f"show interfaces status + parse:             median {statistics.median(statuses) * 1000:.0f} ms")
        began = time.monotonic()
        done = lab.run("pc-admin", [sys.executable, "/tmp/ten_sessions.py", "10.10.99.3", "10"], timeout=120)
        measured = json.loads(done.stdout)
        print(
            f"10 concurrent sessions (login, terminal length 0, show running-config): all done in {measured['all']:.2f} s,"
            f" slowest {measured['slowest']:.2f} s (command wall {time.monotonic() - began:.2f} s)"
        )
    finally:
        lab.down()


if __name__ == "__main__":
    main()
