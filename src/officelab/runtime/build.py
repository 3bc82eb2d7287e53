"""Carry out the network part of a lab plan: namespaces, cables, bridges, VLANs, addresses, routes.

Everything is done from this process over netlink, each socket opened inside the namespace it manages, with no
helper process per node: the boot sends its requests in batches (`rtnetlink`), and `Netlink` (pyroute2's
`IPRoute`, one request at a time) serves the live changes after it. No link is ever created in the host's
namespace: each veth is created inside its first node with its peer placed directly in the second.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pyroute2 import IPRoute

from officelab.core.errors import LabError
from officelab.runtime import kernel, netns
from officelab.runtime.plan import LabPlan
from officelab.runtime.rtnetlink import Batch
from officelab.runtime.state import NETNS_DIR
from officelab.runtime.vlan import PortVlan, VlanRealisation

Progress = Callable[[str], None]


class Netlink:
    """One netlink socket per node namespace, opened inside it, with a cache of interface indexes."""

    def __init__(self) -> None:
        self.sockets: dict[str, IPRoute] = {}
        self.indexes: dict[str, dict[str, int]] = {}

    def __getitem__(self, ns: str) -> IPRoute:
        if ns not in self.sockets:
            with kernel.in_netns(str(NETNS_DIR / ns)):
                self.sockets[ns] = IPRoute()
        return self.sockets[ns]

    def links(self, ns: str) -> list[dict[str, object]]:
        """One dump of the namespace's links: name, index, operational state, master."""
        found = [
            {"ifname": lk.get("ifname"), "index": lk["index"], "operstate": lk.get("operstate"), "master": lk.get("master")}
            for lk in self[ns].get_links()
        ]
        self.indexes[ns] = {str(lk["ifname"]): int(str(lk["index"])) for lk in found}
        return found

    def index(self, ns: str, ifname: str) -> int:
        if ifname not in self.indexes.get(ns, {}):
            self.links(ns)
        if ifname not in self.indexes[ns]:
            raise LabError(f"interface {ifname} is missing in {ns}")
        return self.indexes[ns][ifname]

    def close(self) -> None:
        for sock in self.sockets.values():
            sock.close()
        self.sockets.clear()
        self.indexes.clear()

    @contextmanager
    def session(self) -> Iterator[Netlink]:
        try:
            yield self
        finally:
            self.close()


def write_sysctl(ns: str, values: dict[str, str]) -> None:
    with kernel.in_netns(str(NETNS_DIR / ns)):
        for key, value in values.items():
            with open(f"/proc/sys/{key.replace('.', '/')}", "w") as fh:
                fh.write(value)


def create_namespaces(plan: LabPlan, progress: Progress) -> None:
    netns.ensure_netns_dir()
    for node in plan.nodes:
        netns.create(node.netns)
        # IPv6 is off in this version: it keeps captures readable and boot fast (no DAD, no RS).
        settings = {"net.ipv6.conf.all.disable_ipv6": "1", "net.ipv6.conf.default.disable_ipv6": "1"}
        if node.forward:
            settings["net.ipv4.ip_forward"] = "1"
        write_sysctl(node.netns, settings)
    progress(f"{len(plan.nodes)} namespaces")


def plan_indexes(plan: LabPlan) -> dict[str, dict[str, int]]:
    """The interface index of every bridge and cable end of the plan, per namespace (1 is the loopback): chosen
    here, so the boot never asks the kernel for them."""
    indexes: dict[str, dict[str, int]] = {node.netns: {"lo": 1} for node in plan.nodes}

    def take(node: str, ifname: str) -> None:
        names = indexes[plan.netns(node)]
        names.setdefault(ifname, len(names) + 1)

    for bridge in plan.bridges:
        take(bridge.node, bridge.name)
    for veth in plan.veths:
        take(veth.a.node, veth.a.ifname)
        take(veth.b.node, veth.b.ifname)
    return indexes


class _Batches:
    """One `Batch` per namespace, opened on first use; `flush` sends every batch, then reads every answer."""

    def __init__(self) -> None:
        self.open: dict[str, Batch] = {}
        self.fds: dict[str, int] = {}

    def __getitem__(self, ns: str) -> Batch:
        if ns not in self.open:
            self.open[ns] = Batch.open(ns, str(NETNS_DIR / ns))
        return self.open[ns]

    def fd(self, ns: str) -> int:
        if ns not in self.fds:
            self.fds[ns] = os.open(NETNS_DIR / ns, os.O_RDONLY)
        return self.fds[ns]

    def flush(self) -> None:
        for batch in self.open.values():
            batch.send()
        for batch in self.open.values():
            batch.collect()

    def close(self) -> None:
        for batch in self.open.values():
            batch.close()
        for fd in self.fds.values():
            os.close(fd)


def build_network(plan: LabPlan, vlans: VlanRealisation, progress: Progress) -> None:
    """Create every link, bridge, VLAN filter, address and route of the plan (namespaces exist), in four rounds of
    one batch per namespace: loopbacks and bridges; cables (created on their bridge side, enslaved and up, the peer
    placed in the other namespace); the peers up (and enslaved), addresses and routes; then carrier on every end."""
    indexes = plan_indexes(plan)
    batches = _Batches()
    try:
        for node in plan.nodes:
            batches[node.netns].link_up(1, f"{node.name}: lo up")
        masters: dict[tuple[str, str], int] = {}
        for bridge in plan.bridges:
            ns = plan.netns(bridge.node)
            batches[ns].bridge(bridge.name, indexes[ns][bridge.name], f"bridge {bridge.name} on {bridge.node}")
            masters.update({(bridge.node, port): indexes[ns][bridge.name] for port in bridge.ports})
        batches.flush()
        far_ends = []
        for veth in plan.veths:
            a, b = veth.a, veth.b
            if (b.node, b.ifname) in masters and (a.node, a.ifname) not in masters:
                a, b = b, a  # created on its bridge side: enslaved and up in the same request
            a_ns, b_ns = plan.netns(a.node), plan.netns(b.node)
            what = f"cable {veth.a.node}:{veth.a.ifname} — {veth.b.node}:{veth.b.ifname}"
            peer = (b.ifname, indexes[b_ns][b.ifname], batches.fd(b_ns), b.mac or None)
            batches[a_ns].veth(a.ifname, indexes[a_ns][a.ifname], masters.get((a.node, a.ifname)), a.mac or None, peer, what)
            far_ends.append((b, b_ns, what))
        batches.flush()
        for b, b_ns, what in far_ends:
            master = masters.get((b.node, b.ifname))
            if master is None:
                batches[b_ns].link_up(indexes[b_ns][b.ifname], f"{what}: {b.node}:{b.ifname} up")
            else:
                batches[b_ns].enslave(indexes[b_ns][b.ifname], master, f"{what}: {b.node}:{b.ifname} into its bridge")
        batches.flush()
        progress(f"{sum(v.cable for v in plan.veths)} cables")
        by_ns: dict[str, dict[str, PortVlan]] = {}
        for bridge in plan.bridges:
            by_ns.setdefault(plan.netns(bridge.node), {}).update(bridge.vlans)
        for ns, ports in by_ns.items():
            vlans.apply(ns, ports)
        progress(f"{sum(len(b.vlans) for b in plan.bridges)} VLAN port filters ({vlans.name})")
        for address in plan.addresses:
            ns = plan.netns(address.node)
            if address.ifname not in indexes[ns]:
                raise LabError(f"interface {address.ifname} is missing in {ns}")
            batches[ns].address(indexes[ns][address.ifname], address.cidr, f"address {address.cidr} on {address.node}:{address.ifname}")
        for route in plan.routes:
            batches[plan.netns(route.node)].route(route.dst, route.via, f"route {route.dst} via {route.via} on {route.node}")
        batches.flush()
        progress(f"{len(plan.addresses)} addresses, {len(plan.routes)} routes")
        _wait_links_up(batches, plan, indexes)
    finally:
        batches.close()


def _wait_links_up(batches: _Batches, plan: LabPlan, indexes: dict[str, dict[str, int]], timeout: float = 5.0) -> None:
    """Wait (with a deadline) until both ends of every cable are operationally up: one dump per namespace still
    waiting, all asked at once."""
    pending: dict[str, set[int]] = {}
    for veth in plan.veths:
        for end in (veth.a, veth.b):
            ns = plan.netns(end.node)
            pending.setdefault(ns, set()).add(indexes[ns][end.ifname])
    deadline = time.monotonic() + timeout
    while pending:
        for ns in pending:
            batches[ns].ask_links()
        for ns in list(pending):
            pending[ns] -= batches[ns].running()
            if not pending[ns]:
                del pending[ns]
        if not pending:
            return
        if time.monotonic() > deadline:
            names = {(ns, i): n for ns, names in indexes.items() for n, i in names.items()}
            late = sorted(f"{ns}:{names[(ns, i)]}" for ns, left in pending.items() for i in left)
            raise LabError(f"no carrier on {', '.join(late[:5])} after {timeout:.0f} s")
        time.sleep(0.01)  # the kernel's link watcher sets the state within milliseconds; poll until then
