"""Where the audit's rules run: the site, its topology, a `Prober` that runs probes on nodes (the lab's, or a table
in the unit tests), the vantage points (user, guest and management VLANs) and what listens on each node."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from officelab.audit.model import Evidence, Finding, Unprobed
from officelab.core.probe import ProbeSpecBase
from officelab.probes import ProbeResult
from officelab.site.model import Node, NodeKind, Site
from officelab.site.topology import Topology, fixed_address

USER_KINDS = (NodeKind.WORKSTATION, NodeKind.LAPTOP, NodeKind.TABLET)
GUEST_WORDS = ("guest", "invit", "visit")
"""A guest VLAN is a user VLAN whose name says so (guests, invites, visiteurs)."""


class Prober(Protocol):
    def probe(self, node: str, spec: ProbeSpecBase) -> ProbeResult: ...

    def run(self, node: str, argv: list[str]) -> subprocess.CompletedProcess[str]: ...


@dataclass
class Audit:
    site: Site
    prober: Prober
    findings: list[Finding] = field(default_factory=list)
    unprobed: list[Unprobed] = field(default_factory=list)
    probes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @cached_property
    def topo(self) -> Topology:
        return Topology(self.site)

    def probe(self, node: str, spec: ProbeSpecBase) -> ProbeResult:
        with self._lock:
            self.probes += 1
        return self.prober.probe(node, spec)

    def probe_all(self, tasks: Iterable[tuple[str, ProbeSpecBase]]) -> list[tuple[str, ProbeSpecBase, ProbeResult]]:
        tasks = list(tasks)
        with ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(lambda t: self.probe(*t), tasks))
        return [(node, spec, result) for (node, spec), result in zip(tasks, results, strict=True)]

    def found(self, rule: str, target: str, detail: str, *evidence: Evidence) -> None:
        with self._lock:
            self.findings.append(Finding(rule, target, detail, evidence))

    def skip(self, rule: str, why: str) -> None:
        with self._lock:
            self.unprobed.append(Unprobed(rule, why))

    # ------------------------------------------------------------------ where probes run from
    def hosts_in(self, vid: int, kinds: tuple[NodeKind, ...] | None = None) -> list[str]:
        return [
            hp.node.name for hp in self.topo.hosts if hp.vlan is not None and hp.vlan.id == vid and (kinds is None or hp.node.kind in kinds)
        ]

    def user_vlans(self) -> dict[int, str]:
        """VLAN id → a user device in it (workstation, laptop, tablet): where staff and guests sit. The management
        VLANs (where the switches have their address) are the administrators', not users'."""
        admin = {self.topo.vlan_id(n.management.vlan) for n in self.site.nodes if n.management is not None}
        vantages: dict[int, str] = {}
        for hp in self.topo.hosts:
            if hp.vlan is not None and hp.node.kind in USER_KINDS and hp.vlan.id not in admin:
                vantages.setdefault(hp.vlan.id, hp.node.name)
        return vantages

    def guest_vlans(self) -> dict[int, str]:
        names = {v.id: v.name for v in self.site.vlans}
        return {vid: node for vid, node in self.user_vlans().items() if is_guest(names.get(vid, ""))}

    def switches(self) -> list[Node]:
        """The managed switches and access points (a command line and a management address)."""
        return [n for n in self.site.nodes if n.kind.bridges and n.cli is not None and n.management is not None]

    def admin_vantage(self, switch: Node) -> str | None:
        assert switch.management is not None
        vid = self.topo.vlan_id(switch.management.vlan)
        hosts = self.hosts_in(vid) if vid is not None else []
        return hosts[0] if hosts else None

    def audited_nodes(self) -> list[Node]:
        """The site's own nodes that serve something at a fixed address (servers, devices, switches, the router)."""
        return [
            n
            for n in self.site.nodes
            if not n.kind.on_internet and (n.management is not None or fixed_address(n, reserved=True) is not None)
        ]

    @cached_property
    def listening(self) -> dict[str, set[tuple[str, int]]]:
        """Each audited node's listening TCP sockets (address, port), read on the node (``ss -Hltn``), loopback left out."""
        nodes = [n.name for n in self.audited_nodes()]
        with ThreadPoolExecutor(max_workers=8) as pool:
            outputs = list(pool.map(lambda n: self.prober.run(n, ["ss", "-Hltn"]), nodes))
        return {node: parse_listening(out.stdout) for node, out in zip(nodes, outputs, strict=True)}


def is_guest(vlan_name: str) -> bool:
    return any(word in vlan_name.lower() for word in GUEST_WORDS)


def parse_listening(output: str) -> set[tuple[str, int]]:
    """``ss -Hltn``'s local addresses: ``0.0.0.0:22``, ``[::]:22``, ``*:80``, ``10.0.0.5%eth0:53``."""
    found = set()
    for line in output.splitlines():
        cols = line.split()
        if len(cols) < 4:
            continue
        address, _, port = cols[3].rpartition(":")
        address = address.strip("[]").split("%")[0]
        if not port.isdigit() or address.startswith("127.") or address == "::1":
            continue
        found.add((address, int(port)))
    return found


def address_of(node: Node) -> str:
    if node.management is not None:
        return str(node.management.address.ip)
    address = fixed_address(node, reserved=True)
    return str(address)


def login_succeeded(result: ProbeResult) -> bool:
    """An SSH login that got a command line, even one whose prompt names another host."""
    return result.ok or " answers as " in result.summary
