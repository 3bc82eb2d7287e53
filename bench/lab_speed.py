"""OfficeLab against Mininet 2.3 (Linux-bridge switches, no controller) on the same generated topologies.

For each topology: time to bring the network up, time to prove every host reaches its gateway and a
sample of peers (the same pings, run the same way on both), time to take it down, memory per host.
Then the built-in default site's boot time. Prints a table with the ratios; `--markdown` prints it for
docs/performance.md. Run with `make bench` (as root). Mininet runs inside a dedicated network namespace
so that its bridges never sit in the host's namespace.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from labhome import temporary_home  # noqa: E402
from topology import GATEWAY, TOPOLOGIES, Topo, site_yaml  # noqa: E402

from officelab.runtime.lab import Lab  # noqa: E402
from officelab.site.catalog import builtin_sites  # noqa: E402
from officelab.site.loader import load_site, load_text  # noqa: E402

SAMPLE = 5
MN_NETNS = "olbench-mininet"


def mem_available_kib() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1])
    raise RuntimeError("no MemAvailable")


def reach(lab: Lab, topo: Topo) -> tuple[int, int]:
    """Every host pings its gateway and SAMPLE peers; hosts run in parallel batches. Returns (ok, total)."""
    ok = total = 0
    batch = 250
    for start in range(0, topo.hosts, batch):
        procs = []
        for i in range(start, min(start + batch, topo.hosts)):
            targets = [GATEWAY, *(topo.host_ip(j) for j in topo.peers(i, SAMPLE))]
            script = " ".join(f"ping -c1 -W2 {t} >/dev/null && echo ok;" for t in targets)
            procs.append(lab.popen(f"h{i}", ["sh", "-c", script], stdout=subprocess.PIPE, text=True))
            total += len(targets)
        for proc in procs:
            out, _ = proc.communicate()
            ok += out.count("ok")
    return ok, total


def officelab_run(topo: Topo) -> dict[str, float]:
    text = site_yaml(topo)
    t0 = time.monotonic()
    site = load_text(text, f"bench-{topo.name}.yaml")
    t_load = time.monotonic() - t0
    lab = Lab("bench")
    lab.down()
    mem0 = mem_available_kib()
    t0 = time.monotonic()
    lab.up(site, text)
    t_up = time.monotonic() - t0
    mem1 = mem_available_kib()
    t0 = time.monotonic()
    ok, total = reach(lab, topo)
    t_reach = time.monotonic() - t0
    t0 = time.monotonic()
    lab.down()
    t_down = time.monotonic() - t0
    return {
        "load": t_load,
        "up": t_up,
        "reach": t_reach,
        "down": t_down,
        "ok": ok,
        "pings": total,
        "mem_kib_per_host": (mem0 - mem1) / topo.hosts,
    }


def mininet_run(topo: Topo) -> dict[str, float] | None:
    if not Path("/usr/lib/python3/dist-packages/mininet").is_dir() or shutil.which("brctl") is None:
        return None
    subprocess.run(["ip", "netns", "add", MN_NETNS], check=True)
    try:
        subprocess.run(["ip", "-n", MN_NETNS, "link", "set", "lo", "up"], check=True)
        mem0 = mem_available_kib()
        proc = subprocess.run(
            [
                "ip",
                "netns",
                "exec",
                MN_NETNS,
                "/usr/bin/python3",
                str(BENCH / "mininet_run.py"),
                str(BENCH),
                str(topo.hosts),
                str(topo.switches),
                str(SAMPLE),
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=tempfile.gettempdir(),
        )
        if proc.returncode != 0:
            print(f"mininet failed on {topo.name}: {proc.stderr[-500:]}", file=sys.stderr)
            return None
        result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
        result["mem_kib_per_host"] = result.pop("mem_kib", 0) / topo.hosts if "mem_kib" in result else float("nan")
        del mem0
        return result
    finally:
        subprocess.run(["ip", "netns", "del", MN_NETNS], check=False)


def default_site_boot(runs: int = 3) -> dict[str, float]:
    path = builtin_sites()["cabinet-martin"]
    site = load_site(path)
    lab = Lab("bench")
    ups, downs = [], []
    for _ in range(runs):
        t0 = time.monotonic()
        lab.up(site, path.read_text())
        ups.append(time.monotonic() - t0)
        t0 = time.monotonic()
        lab.down()
        downs.append(time.monotonic() - t0)
    return {"up": statistics.median(ups), "down": statistics.median(downs)}


NEIGH = Path("/proc/sys/net/ipv4/neigh/default")


def raise_neighbour_table() -> dict[str, str]:
    """The ARP table is shared by every namespace on this kernel (gc_thresh3 = 1024 entries by default):
    1000 hosts pinging 6 peers overflow it ("No buffer space available"). Raise it for the benchmark,
    for both tools alike, and give back the old values afterwards."""
    old = {name: (NEIGH / name).read_text().strip() for name in ("gc_thresh1", "gc_thresh2", "gc_thresh3")}
    for name, value in (("gc_thresh3", "65536"), ("gc_thresh2", "32768"), ("gc_thresh1", "8192")):
        (NEIGH / name).write_text(value)
    return old


def restore_neighbour_table(old: dict[str, str]) -> None:
    for name in ("gc_thresh1", "gc_thresh2", "gc_thresh3"):
        (NEIGH / name).write_text(old[name])


def ratio(mn: float | None, ol: float) -> str:
    return f"{mn / ol:.1f}×" if mn and ol else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--sizes", default="", help="comma-separated host counts to run (default: all)")
    parser.add_argument("--no-mininet", action="store_true")
    args = parser.parse_args()
    temporary_home()
    sizes = {int(s) for s in args.sizes.split(",") if s}
    rows = []
    old = raise_neighbour_table()
    try:
        rows = run_topologies(sizes, args.no_mininet)
    finally:
        restore_neighbour_table(old)
    report(rows, default_site_boot(), args.markdown)


Row = tuple[Topo, dict[str, float], "dict[str, float] | None"]


def run_topologies(sizes: set[int], no_mininet: bool) -> list[Row]:
    rows: list[Row] = []
    for topo in TOPOLOGIES:
        if sizes and topo.hosts not in sizes:
            continue
        ol = officelab_run(topo)
        mn = None if no_mininet else mininet_run(topo)
        rows.append((topo, ol, mn))
        print(f"{topo.name}: officelab {json.dumps({k: round(v, 3) for k, v in ol.items()})}", file=sys.stderr)
        print(f"{topo.name}: mininet   {json.dumps({k: round(v, 3) for k, v in (mn or {}).items()})}", file=sys.stderr)
    return rows


def report(rows: list[Row], boot: dict[str, float], markdown: bool) -> None:
    sep = " | " if markdown else "  "
    header = [
        "topology",
        "OL up",
        "MN up",
        "ratio",
        "OL reach",
        "MN reach",
        "ratio",
        "OL down",
        "MN down",
        "ratio",
        "OL KiB/host",
        "MN KiB/host",
        "pings ok OL/MN",
    ]
    print(("| " if markdown else "") + sep.join(header) + (" |" if markdown else ""))
    if markdown:
        print("|" + "---|" * len(header))
    for topo, ol, mn in rows:
        m = mn or {}
        cells = [
            topo.name,
            f"{ol['up']:.2f} s",
            f"{m.get('up', float('nan')):.2f} s",
            ratio(m.get("up"), ol["up"]),
            f"{ol['reach']:.2f} s",
            f"{m.get('reach', float('nan')):.2f} s",
            ratio(m.get("reach"), ol["reach"]),
            f"{ol['down']:.2f} s",
            f"{m.get('down', float('nan')):.2f} s",
            ratio(m.get("down"), ol["down"]),
            f"{ol['mem_kib_per_host']:.0f}",
            f"{m.get('mem_kib_per_host', float('nan')):.0f}",
            f"{int(ol['ok'])}/{int(ol['pings'])} — {int(m.get('ok', 0))}/{int(m.get('pings', 0))}",
        ]
        print(("| " if markdown else "") + sep.join(cells) + (" |" if markdown else ""))
    print(
        f"\ndefault site (cabinet-martin, 26 nodes, all services and DHCP leases): up {boot['up']:.2f} s, down {boot['down']:.2f} s"
        " (median of 3)"
    )


if __name__ == "__main__":
    main()
