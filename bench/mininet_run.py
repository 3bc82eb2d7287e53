"""Mininet side of the benchmark. Run by bench/lab_speed.py with Debian's python3, inside a dedicated
network namespace so that Mininet's bridges and links never sit in the host's namespace.
Prints one JSON line: up, reach, down seconds, and reachability counts."""

from __future__ import annotations

import json
import subprocess
import sys
import time

sys.path.insert(0, sys.argv[1])  # bench/ for topology.py
from mininet.link import Link
from mininet.net import Mininet
from mininet.nodelib import LinuxBridge
from mininet.topo import Topo as MnTopo
from topology import GATEWAY, Topo


class Bench(MnTopo):
    def build(self, hosts: int, switches: int) -> None:  # type: ignore[override]
        topo = Topo(hosts, switches)
        core = self.addSwitch("obc0", dpid="1")
        router = self.addHost("obr1", ip=f"{GATEWAY}/16")
        self.addLink(router, core)
        access = [self.addSwitch(f"obs{s}", dpid=str(s + 2)) for s in range(switches)]
        for sw in access:
            self.addLink(sw, core)
        for i in range(hosts):
            h = self.addHost(f"obh{i}", ip=f"{topo.host_ip(i)}/16", defaultRoute=f"via {GATEWAY}")
            self.addLink(h, access[topo.switch_of(i)])


def main() -> None:
    hosts, switches, sample = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    topo = Topo(hosts, switches)
    mem0 = _mem_available()
    t0 = time.monotonic()
    net = Mininet(
        topo=Bench(hosts=hosts, switches=switches), switch=LinuxBridge, controller=None, link=Link, waitConnected=False, autoSetMacs=False
    )
    net.start()
    t1 = time.monotonic()
    mem = mem0 - _mem_available()
    procs = []
    for i in range(hosts):
        host = net.get(f"obh{i}")
        for target in [GATEWAY, *(topo.host_ip(j) for j in topo.peers(i, sample))]:
            procs.append(host.popen(["ping", "-c1", "-W2", target], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    ok = sum(1 for p in procs if p.wait() == 0)
    t2 = time.monotonic()
    net.stop()
    t3 = time.monotonic()
    print(json.dumps({"up": t1 - t0, "reach": t2 - t1, "down": t3 - t2, "ok": ok, "pings": len(procs), "mem_kib": mem}))


def _mem_available() -> int:
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
