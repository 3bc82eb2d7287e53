"""Carry out the network part of a lab plan: namespaces, cables, bridges, VLANs, addresses, routes.

Everything is done from this process over netlink (pyroute2), each socket opened inside the namespace
it manages, with no helper process per node: this is what makes a 200-host lab come up in about a
second. No link is ever created in the host's namespace: each veth is created inside its first node
with its peer placed directly in the second.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

from officelab.core.errors import LabError
from officelab.runtime import kernel, netns
from officelab.runtime.plan import LabPlan, VethPlan
from officelab.runtime.state import NETNS_DIR
from officelab.runtime.vlan import PortVlan, VlanRealisation

Progress = Callable[[str], None]


class Netlink:
    """One netlink socket per node namespace, opened inside it, with a cache of interface indexes."""

    def __init__(self) -> None:
        self.sockets: dict[str, IPRoute] = {}
        self.fds: dict[str, int] = {}
        self.indexes: dict[str, dict[str, int]] = {}

    def fd(self, ns: str) -> int:
        if ns not in self.fds:
            self.fds[ns] = os.open(NETNS_DIR / ns, os.O_RDONLY)
        return self.fds[ns]

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
        for fd in self.fds.values():
            os.close(fd)
        self.sockets.clear()
        self.fds.clear()
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


def _create_veth(nl: Netlink, plan: LabPlan, veth: VethPlan, masters: dict[tuple[str, str], str]) -> None:
    """Create a cable with its bridge-side end (if any) created locally: enslaved and up in the same message."""
    a, b = veth.a, veth.b
    if (b.node, b.ifname) in masters and (a.node, a.ifname) not in masters:
        a, b = b, a
    a_ns, b_ns = plan.netns(a.node), plan.netns(b.node)
    peer: dict[str, object] = {"ifname": b.ifname, "net_ns_fd": nl.fd(b_ns)}
    if b.mac:
        peer["address"] = b.mac
    args: dict[str, object] = {"ifname": a.ifname, "kind": "veth", "peer": peer, "state": "up"}
    if a.mac:
        args["address"] = a.mac
    if (a.node, a.ifname) in masters:
        args["master"] = nl.index(a_ns, masters[(a.node, a.ifname)])
    try:
        nl[a_ns].link("add", **args)
        other: dict[str, object] = {"state": "up"}
        if (b.node, b.ifname) in masters:
            other["master"] = nl.index(b_ns, masters[(b.node, b.ifname)])
        nl[b_ns].link("set", ifname=b.ifname, **other)
    except NetlinkError as exc:
        raise LabError(f"cannot create the cable {veth.a.node}:{veth.a.ifname} — {veth.b.node}:{veth.b.ifname}: {exc}") from None


def build_network(plan: LabPlan, vlans: VlanRealisation, progress: Progress) -> None:
    """Create every link, bridge, VLAN filter, address and route of the plan (namespaces exist)."""
    with Netlink().session() as nl:
        for node in plan.nodes:
            nl[node.netns].link("set", ifname="lo", state="up")
        masters: dict[tuple[str, str], str] = {}
        for bridge in plan.bridges:
            nl[plan.netns(bridge.node)].link("add", ifname=bridge.name, kind="bridge", br_stp_state=0, br_forward_delay=0, state="up")
            masters.update({(bridge.node, port): bridge.name for port in bridge.ports})
        for veth in plan.veths:
            _create_veth(nl, plan, veth, masters)
        progress(f"{sum(v.cable for v in plan.veths)} cables")
        by_ns: dict[str, dict[str, PortVlan]] = {}
        for bridge in plan.bridges:
            by_ns.setdefault(plan.netns(bridge.node), {}).update(bridge.vlans)
        for ns, ports in by_ns.items():
            vlans.apply(ns, ports)
        progress(f"{sum(len(b.vlans) for b in plan.bridges)} VLAN port filters ({vlans.name})")
        for address in plan.addresses:
            ns = plan.netns(address.node)
            ip, prefix = address.cidr.split("/")
            nl[ns].addr("add", index=nl.index(ns, address.ifname), address=ip, prefixlen=int(prefix))
        for route in plan.routes:
            ns = plan.netns(route.node)
            try:
                nl[ns].route("replace", dst="0.0.0.0/0" if route.dst == "default" else route.dst, gateway=route.via)
            except NetlinkError as exc:
                raise LabError(f"route {route.dst} via {route.via} on {route.node}: {exc}") from None
        progress(f"{len(plan.addresses)} addresses, {len(plan.routes)} routes")
        _wait_links_up(nl, plan)


def _wait_links_up(nl: Netlink, plan: LabPlan, timeout: float = 5.0) -> None:
    """Wait (with a deadline) until both ends of every cable report carrier."""
    pending = {(plan.netns(e.node), e.ifname) for v in plan.veths for e in (v.a, v.b)}
    deadline = time.monotonic() + timeout
    while pending:
        for ns in {ns for ns, _ in pending}:
            up = {str(lk["ifname"]) for lk in nl.links(ns) if lk["operstate"] == "UP"}
            pending -= {(ns, name) for name in up}
        if not pending:
            return
        if time.monotonic() > deadline:
            raise LabError(f"no carrier on {', '.join(f'{ns}:{i}' for ns, i in sorted(pending)[:5])} after {timeout:.0f} s")
        time.sleep(0.01)


def write_files(plan: LabPlan) -> None:
    """Each node's own files (configs, /etc overrides) under its directory."""
    for node in plan.nodes:
        base = plan.node_dir(node.name)
        for sub in ("etc", "run", "log"):
            (base / sub).mkdir(parents=True, exist_ok=True)
    for node_name, variables in plan.env.items():
        (plan.node_dir(node_name) / "env").write_text("".join(f"{k}={v}\n" for k, v in sorted(variables.items())))
    for node_name, binds in plan.binds.items():
        (plan.node_dir(node_name) / "binds").write_text("".join(f"{source} {target}\n" for source, target in binds))
    for f in plan.files:
        path = plan.node_dir(f.node) / f.path
        if f.path.endswith("/"):  # a directory, with its mode (e.g. a share everyone allowed may write to)
            path.mkdir(parents=True, exist_ok=True)
            path.chmod(f.mode)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f.content)
        path.chmod(f.mode)
