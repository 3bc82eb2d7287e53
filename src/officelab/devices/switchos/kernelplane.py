"""The switch's data plane in the kernel: the Linux bridge, ports and VLAN programs of the network namespace it runs in.

The switch operating system runs *in* its node, so every change is a netlink or tc operation on its own
namespace: a port shut down is its link set down, a VLAN change swaps the port's tagging program
(`officelab.runtime.vlan`), a port-security block is a tc flower rule, learned addresses are the bridge's
forwarding database.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyroute2 import IPRoute

from officelab.devices.switchos.dataplane import Link
from officelab.devices.switchos.state import Counters
from officelab.runtime.vlan import BpfTagging, PortVlan

_COUNTERS = {
    "rx_packets": "rx_packets",
    "tx_packets": "tx_packets",
    "rx_bytes": "rx_bytes",
    "tx_bytes": "tx_bytes",
    "rx_errors": "rx_errors",
    "tx_errors": "tx_errors",
    "rx_dropped": "rx_dropped",
    "tx_dropped": "tx_dropped",
    "multicast": "multicast",
    "collisions": "collisions",
}
_AF_BRIDGE = 7
_NUD_PERMANENT = 0x80
_BLOCK_PREF = 10
"""tc preference of port-security drop rules: before the VLAN program (pref 49152)."""


class KernelPlane:
    """The data plane of the namespace this process runs in."""

    def __init__(self, bridge: str, cache: Path) -> None:
        self.bridge = bridge
        self.tagging = BpfTagging(cache)
        self.ipr = IPRoute()
        self.lock = threading.Lock()
        self.keys: dict[str, str | None] = {}
        """Port → the key of its VLAN program, read once from tc: then only this switch changes them."""

    def _index(self, name: str) -> int:
        found = self.ipr.link_lookup(ifname=name)
        if not found:
            raise KeyError(name)
        return int(found[0])

    def links(self) -> dict[str, Link]:
        out: dict[str, Link] = {}
        with self.lock:
            messages = list(self.ipr.get_links())
        for msg in messages:
            name = msg.get_attr("IFLA_IFNAME")
            stats = msg.get_attr("IFLA_STATS64") or {}
            counters = Counters(**{k: int(stats.get(v, 0)) for k, v in _COUNTERS.items()})
            out[name] = Link(
                name=name,
                admin_up=bool(msg["flags"] & 1),
                oper_up=msg.get_attr("IFLA_OPERSTATE") == "UP",
                mac=msg.get_attr("IFLA_ADDRESS") or "00:00:00:00:00:00",
                mtu=int(msg.get_attr("IFLA_MTU") or 1500),
                alias=msg.get_attr("IFLA_IFALIAS") or "",
                counters=counters,
            )
        return out

    def set_admin(self, port: str, up: bool) -> None:
        with self.lock:
            self.ipr.link("set", index=self._index(port), state="up" if up else "down")

    def _key(self, port: str) -> str | None:
        if port not in self.keys:
            self.keys[port] = self.tagging.attached(None, port)
        return self.keys[port]

    def set_vlan(self, port: str, behaviour: PortVlan) -> None:
        if self._key(port) == behaviour.key:
            return
        self.tagging.ensure(None, port, behaviour)
        self.keys[port] = behaviour.key

    def has_vlan_programs(self) -> bool:
        return any(self._key(name) for name in self.links() if name not in ("lo", self.bridge))

    def fdb(self) -> list[tuple[str, str]]:
        names = {index: link for index, link in self._names().items()}
        with self.lock:
            entries = list(self.ipr.fdb("dump"))
        found = []
        for msg in entries:
            if msg["state"] & _NUD_PERMANENT or msg.get_attr("NDA_MASTER") is None:
                continue
            port = names.get(msg["ifindex"])
            mac = msg.get_attr("NDA_LLADDR")
            if port and mac and port != self.bridge:
                found.append((mac, port))
        return found

    def _names(self) -> dict[int, str]:
        with self.lock:
            return {m["index"]: m.get_attr("IFLA_IFNAME") for m in self.ipr.get_links()}

    def forget(self, port: str) -> None:
        # `bridge fdb flush` needs a newer kernel than this one: the port's learned entries are deleted one by one.
        with self.lock:
            index = self._index(port)
            for msg in list(self.ipr.fdb("dump")):
                if msg["ifindex"] == index and not msg["state"] & _NUD_PERMANENT and msg.get_attr("NDA_MASTER") is not None:
                    with contextlib.suppress(Exception):
                        self.ipr.fdb("del", ifindex=index, lladdr=msg.get_attr("NDA_LLADDR"), master=msg.get_attr("NDA_MASTER"))

    def block(self, port: str, mac: str) -> None:
        subprocess.run(
            [
                "tc",
                "filter",
                "replace",
                "dev",
                port,
                "ingress",
                "pref",
                str(_BLOCK_PREF),
                "protocol",
                "all",
                "flower",
                "src_mac",
                mac,
                "action",
                "drop",
            ],
            capture_output=True,
            check=False,
        )

    def unblock(self, port: str) -> None:
        subprocess.run(["tc", "filter", "del", "dev", port, "ingress", "pref", str(_BLOCK_PREF)], capture_output=True, check=False)

    def set_address(self, iface: str, cidr: str | None) -> None:
        with self.lock:
            index = self._index(iface)
            for msg in self.ipr.get_addr(index=index, family=2):
                self.ipr.addr("del", index=index, address=msg.get_attr("IFA_ADDRESS"), prefixlen=msg["prefixlen"])
            if cidr:
                ip, _, prefix = cidr.partition("/")
                self.ipr.addr("add", index=index, address=ip, prefixlen=int(prefix or 32))

    def set_gateway(self, gateway: str | None) -> None:
        with self.lock:
            with contextlib.suppress(Exception):  # no default route yet
                self.ipr.route("del", dst="0.0.0.0/0")
            if gateway:
                # The gateway may not be on a connected subnet (yet): IOS accepts it too.
                with contextlib.suppress(Exception):
                    self.ipr.route("replace", dst="0.0.0.0/0", gateway=gateway)

    def watch(self, on_fdb: Callable[[str, str], None], on_link: Callable[[str, bool], None]) -> None:
        names = self._names()
        state: dict[str, bool] = {}
        ready = threading.Event()

        def loop() -> None:
            monitor = IPRoute()  # made in the thread that reads it: pyroute2's socket belongs to its thread's loop
            monitor.bind()
            ready.set()
            while True:
                try:
                    messages = list(monitor.get())
                except Exception as error:
                    print(f"netlink events: {type(error).__name__}: {error}", flush=True)
                    continue
                for msg in messages:
                    try:
                        handle(msg)
                    except Exception as error:
                        print(f"netlink event {msg.get('event')}: {type(error).__name__}: {error}", flush=True)

        def handle(msg: Any) -> None:
            event = msg.get("event")
            if event == "RTM_NEWNEIGH" and msg.get("family") == _AF_BRIDGE and not msg["state"] & _NUD_PERMANENT:
                port = names.get(msg["ifindex"]) or self._names().get(msg["ifindex"])
                mac = msg.get_attr("NDA_LLADDR")
                if port and mac and port != self.bridge:
                    on_fdb(mac, port)
            elif event in ("RTM_NEWLINK", "RTM_DELLINK"):
                name = msg.get_attr("IFLA_IFNAME")
                if name:
                    names[msg["index"]] = name
                    up = event == "RTM_NEWLINK" and msg.get_attr("IFLA_OPERSTATE") == "UP"
                    if state.get(name) != up:
                        state[name] = up
                        on_link(name, up)

        threading.Thread(target=loop, name="netlink-events", daemon=True).start()
        ready.wait(10)
