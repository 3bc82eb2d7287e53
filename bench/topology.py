"""Generated benchmark topologies, the same for OfficeLab and Mininet: N hosts behind S access switches
joined to one core switch, one router as everybody's gateway, one flat subnet (10.0.0.0/16)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Topo:
    hosts: int
    switches: int

    @property
    def name(self) -> str:
        return f"{self.hosts}h-{self.switches}sw"

    def host_ip(self, i: int) -> str:
        n = i + 10
        return f"10.0.{n // 250}.{n % 250 + 2}"

    def switch_of(self, i: int) -> int:
        return i % self.switches

    def peers(self, i: int, sample: int, seed: int = 7) -> list[int]:
        rng = random.Random(seed * 100003 + i)
        others = [j for j in range(self.hosts) if j != i]
        return rng.sample(others, min(sample, len(others)))


GATEWAY = "10.0.0.1"
TOPOLOGIES = [Topo(100, 10), Topo(200, 10), Topo(200, 50), Topo(1000, 50)]


def site_yaml(topo: Topo) -> str:
    """The topology as an OfficeLab site file."""
    per_switch = -(-topo.hosts // topo.switches)
    lines = [
        "site: {name: bench, domain: bench.lan}",
        "vlans: [{id: 1, name: lan, subnet: 10.0.0.0/16, gateway: 10.0.0.1}]",
        "nodes:",
        "  - {name: r1, kind: router, interfaces: [{name: lan, address: 10.0.0.1/16}]}",
        f"  - {{name: core, kind: switch, ports: [{{name: 'p[0-{topo.switches}]', vlan: lan}}]}}",
    ]
    for s in range(topo.switches):
        lines.append(f"  - {{name: s{s}, kind: switch, ports: [{{name: up, vlan: lan}}, {{name: 'p[1-{per_switch}]', vlan: lan}}]}}")
    for i in range(topo.hosts):
        lines.append(
            f"  - {{name: h{i}, kind: workstation, interfaces: [{{name: eth0, address: {topo.host_ip(i)}/16, gateway: 10.0.0.1}}]}}"
        )
    lines.append("links:")
    lines.append(f"  - [r1:lan, core:p{topo.switches}]")
    for s in range(topo.switches):
        lines.append(f"  - [s{s}:up, core:p{s}]")
    slot = [0] * topo.switches
    for i in range(topo.hosts):
        s = topo.switch_of(i)
        slot[s] += 1
        lines.append(f"  - [h{i}:eth0, s{s}:p{slot[s]}]")
    return "\n".join(lines) + "\n"
