"""Carry out the network part of a lab plan: namespaces, cables, bridges, VLANs, addresses, routes.

Everything is done from this process over netlink (pyroute2), each socket opened inside the namespace
it manages, with no helper process per node: this is what makes a 200-host lab come up in about a
second. No link is ever created in the host's namespace: each veth is created inside its first node
with its peer placed directly in the second.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

from officelab.errors import LabError
from officelab.runtime import kernel, netns
from officelab.runtime.plan import LabPlan, VethPlan
from officelab.runtime.state import NETNS_DIR
from officelab.runtime.vlan import VlanRealisation

Progress = Callable[[str], None]


class Netlink:
    """One netlink socket per node namespace, opened inside it."""

    def __init__(self) -> None:
        self.sockets: dict[str, IPRoute] = {}
        self.fds: dict[str, int] = {}

    def fd(self, ns: str) -> int:
        if ns not in self.fds:
            self.fds[ns] = os.open(NETNS_DIR / ns, os.O_RDONLY)
        return self.fds[ns]

    def __getitem__(self, ns: str) -> IPRoute:
        if ns not in self.sockets:
            with kernel.in_netns(str(NETNS_DIR / ns)):
                self.sockets[ns] = IPRoute()
        return self.sockets[ns]

    def index(self, ns: str, ifname: str) -> int:
        found = self[ns].link_lookup(ifname=ifname)
        if not found:
            raise LabError(f"interface {ifname} is missing in {ns}")
        return int(found[0])

    def close(self) -> None:
        for sock in self.sockets.values():
            sock.close()
        for fd in self.fds.values():
            os.close(fd)
        self.sockets.clear()
        self.fds.clear()

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


def _create_veth(nl: Netlink, plan: LabPlan, veth: VethPlan) -> None:
    a_ns, b_ns = plan.netns(veth.a.node), plan.netns(veth.b.node)
    peer: dict[str, object] = {"ifname": veth.b.ifname, "net_ns_fd": nl.fd(b_ns)}
    if veth.b.mac:
        peer["address"] = veth.b.mac
    args: dict[str, object] = {"ifname": veth.a.ifname, "kind": "veth", "peer": peer}
    if veth.a.mac:
        args["address"] = veth.a.mac
    try:
        nl[a_ns].link("add", **args)
    except NetlinkError as exc:
        raise LabError(f"cannot create the cable {veth.a.node}:{veth.a.ifname} — {veth.b.node}:{veth.b.ifname}: {exc}") from None


def build_network(plan: LabPlan, vlans: VlanRealisation, progress: Progress) -> None:
    """Create every link, bridge, VLAN filter, address and route of the plan (namespaces exist)."""
    with Netlink().session() as nl:
        for node in plan.nodes:
            nl[node.netns].link("set", index=nl.index(node.netns, "lo"), state="up")
        for bridge in plan.bridges:
            ns = plan.netns(bridge.node)
            nl[ns].link("add", ifname=bridge.name, kind="bridge", br_stp_state=0, br_forward_delay=0)
        for veth in plan.veths:
            _create_veth(nl, plan, veth)
        progress(f"{sum(v.cable for v in plan.veths)} cables")
        for bridge in plan.bridges:
            ns = plan.netns(bridge.node)
            master = nl.index(ns, bridge.name)
            for port in bridge.ports:
                nl[ns].link("set", index=nl.index(ns, port), master=master)
        by_ns: dict[str, dict[str, object]] = {}
        for bridge in plan.bridges:
            by_ns.setdefault(plan.netns(bridge.node), {}).update(bridge.vlans)
        for ns, ports in by_ns.items():
            vlans.apply(ns, ports)  # type: ignore[arg-type]
        progress(f"{sum(len(b.vlans) for b in plan.bridges)} VLAN port filters ({vlans.name})")
        for address in plan.addresses:
            ns = plan.netns(address.node)
            ip, prefix = address.cidr.split("/")
            nl[ns].addr("add", index=nl.index(ns, address.ifname), address=ip, prefixlen=int(prefix))
        for node in plan.nodes:
            ipr = nl[node.netns]
            for link in ipr.get_links():
                if link.get("ifname") != "lo":
                    ipr.link("set", index=link["index"], state="up")
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
    ends = [(plan.netns(e.node), e.ifname) for v in plan.veths for e in (v.a, v.b)]
    deadline = time.monotonic() + timeout
    while ends:
        ends = [(ns, ifname) for ns, ifname in ends if nl[ns].get_links(nl.index(ns, ifname))[0].get("operstate") != "UP"]
        if not ends:
            return
        if time.monotonic() > deadline:
            raise LabError(f"no carrier on {', '.join(f'{ns}:{i}' for ns, i in ends[:5])} after {timeout:.0f} s")
        time.sleep(0.01)


def write_files(plan: LabPlan) -> None:
    """Each node's own files (configs, /etc overrides) under its directory."""
    for node in plan.nodes:
        base = plan.node_dir(node.name)
        for sub in ("etc", "run", "log"):
            (base / sub).mkdir(parents=True, exist_ok=True)
    for f in plan.files:
        path = plan.node_dir(f.node) / f.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f.content)
        path.chmod(f.mode)


def interface_addresses(nl: Netlink, ns: str, ifname: str) -> list[str]:
    try:
        index = nl.index(ns, ifname)
    except LabError:
        return []
    return [a.get("IFA_ADDRESS") for a in nl[ns].get_addr(index=index, family=2)]


def remove_path(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
