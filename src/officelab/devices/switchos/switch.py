"""The switch itself: its running configuration made true in the data plane, port security, its log and sessions.

Every configuration change ends in `Switch.apply`, which makes the data plane what the configuration says
(VLAN programs, ports up or down, the management address and gateway) and writes the running configuration to
the switch's state directory, where OfficeLab reads it (`officelab site export`). The saved configuration is
the ``startup-config`` file: the switch boots on it, ``write memory`` replaces it, ``reload`` comes back on it.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from officelab.core.vlan import PortVlan
from officelab.devices.switchos.config import InterfaceConfig, SwitchConfig, render
from officelab.devices.switchos.dataplane import UNPLUGGED, Dataplane, Link
from officelab.devices.switchos.state import (
    LogEntry,
    MacEntry,
    Neighbor,
    PortStatus,
    SecureState,
    SessionInfo,
    SwitchView,
)

if TYPE_CHECKING:
    from officelab.devices.switchos.session import CliSession

INACTIVE = PortVlan(allowed=(), native=None, access=True)
"""A port whose VLAN does not exist: it forwards nothing."""


def dotted(mac: str) -> str:
    """``aa:bb:cc:dd:ee:ff`` → ``aabb.ccdd.eeff``."""
    raw = mac.replace(":", "").replace(".", "").lower()
    return f"{raw[0:4]}.{raw[4:8]}.{raw[8:12]}"


@dataclass
class Hardware:
    """What the switch is, written by OfficeLab from the site (``hardware.json``)."""

    hostname: str
    ports: list[str]
    model: str = "OL-2960-24TT"
    serial: str = "OLB0000000A"
    base_mac: str = "02:00:00:00:00:01"
    management: str = ""
    """The switch's own interface (its management address), "" for none."""
    management_port: str = ""
    """The bridge port that interface is patched to."""
    bridge: str = "br0"
    neighbors: list[dict[str, str]] = field(default_factory=list)
    ssid_ports: dict[str, str] = field(default_factory=dict)
    """SSID → the port its clients come in by (an access point's radio side)."""
    trunk_vlans: dict[str, int] = field(default_factory=dict)
    """MAC → VLAN of the lab's addresses, for the addresses learned on trunks (the bridge learns without VLAN)."""
    access_point: bool = False
    nvram: str = "startup-config"
    state_dir: str = "."
    listen: str = "0.0.0.0"
    ssh_port: int = 22
    host_key: str = "ssh_host_key"
    control: str = "switchos.sock"
    cache: str = "cache"

    @classmethod
    def read(cls, path: Path) -> Hardware:
        data: dict[str, Any] = json.loads(path.read_text())
        return cls(**data)


class Shell(Protocol):
    """How sessions are made on the switch (`officelab.devices.switchos.shell`)."""

    def session(
        self, switch: Switch, user: str = "", peer: str = "", privilege: int = 1, config: SwitchConfig | None = None
    ) -> CliSession: ...

    def load(self, switch: Switch, text: str) -> tuple[SwitchConfig, list[str]]:
        """A configuration from its text, as the switch reads it at boot, with the lines it refuses."""
        ...


@dataclass
class _Session:
    number: int
    user: str
    peer: str
    last_input: float = field(default_factory=time.monotonic)


class Switch:
    def __init__(self, hw: Hardware, plane: Dataplane, shell: Shell) -> None:
        self.hw = hw
        self.plane = plane
        self.shell = shell
        self.started = time.monotonic()
        self.lock = threading.RLock()
        self.logs: deque[LogEntry] = deque(maxlen=512)
        self.sessions: dict[int, _Session] = {}
        self.secure: dict[str, SecureState] = {}
        self.err_disabled: dict[str, str] = {}
        self.changed_at: dict[str, float] = {}
        self.config = self.blank()
        self.close_sessions: Callable[[], None] = lambda: None
        """Set by the SSH server: ends every session (a reload)."""
        self._applied: tuple[str | None, str | None] | None = None

    # ------------------------------------------------------------------ configuration

    def blank(self) -> SwitchConfig:
        """The configuration of a switch with none saved: every port an access port of VLAN 1."""
        config = SwitchConfig(hostname=self.hw.hostname, access_point=self.hw.access_point)
        config.interfaces = {p: InterfaceConfig(p) for p in self.hw.ports}
        return config

    def boot(self) -> list[str]:
        """Start on the saved configuration; returns the lines it refused."""
        try:
            text = Path(self.hw.nvram).read_text()
        except FileNotFoundError:
            text = ""
        with self.lock:
            self.config, errors = self.shell.load(self, text)
            self.err_disabled.clear()
            self.secure = {p: SecureState(list(c.security.macs)) for p, c in self.config.interfaces.items() if c.security.enabled}
            self.apply()
        self.log("SYS", 5, "RESTART", "System restarted --")
        return errors

    def write_memory(self) -> int:
        text = render(self.config)
        _atomic(Path(self.hw.nvram), text)
        return len(text.encode())

    def startup_text(self) -> str | None:
        try:
            return Path(self.hw.nvram).read_text()
        except FileNotFoundError:
            return None

    def reload(self) -> None:
        """Sessions end, the log buffer empties (it is memory), and the switch boots on its saved configuration."""
        self.close_sessions()
        self.logs.clear()
        self.log("SYS", 5, "RELOAD", "Reload requested by console. Reload Reason: Reload Command.")
        self.boot()

    # ------------------------------------------------------------------ data plane

    def behaviour(self, port: InterfaceConfig) -> PortVlan:
        vids = set(self.config.vlans)
        if port.mode == "trunk":
            allowed = sorted(vids if port.trunk_allowed is None else vids & set(port.trunk_allowed))
            native = port.native_vlan if port.native_vlan in allowed else None
            return PortVlan.trunk_port(allowed, native)
        return PortVlan.access_port(port.access_vlan) if port.access_vlan in vids else INACTIVE

    def apply(self) -> None:
        """Make the data plane what the running configuration says."""
        with self.lock:
            links = self.plane.links()
            ports = {p: c for p, c in self.config.interfaces.items() if p in links}
            wanted = {p: self.behaviour(c) for p, c in ports.items()}
            svi = self.config.management
            mgmt_vid = svi.vid if svi is not None else 1
            if self.hw.management_port in links:
                wanted[self.hw.management_port] = PortVlan.access_port(mgmt_vid) if mgmt_vid in self.config.vlans else INACTIVE
            # A switch whose ports are all in one VLAN needs no tagging (one broadcast domain): it gets programs
            # only once its configuration makes it tell VLANs apart.
            if len(set(wanted.values())) > 1 or self.plane.has_vlan_programs():
                for name, behaviour in wanted.items():
                    self.plane.set_vlan(name, behaviour)
            for name, port in ports.items():
                self._admin(name, links[name], not port.shutdown and name not in self.err_disabled)
            if self.hw.management and self.hw.management in links:
                address = svi.address if svi is not None and not svi.shutdown else None
                if self._applied != (address, self.config.default_gateway):
                    self.plane.set_address(self.hw.management, address)
                    self.plane.set_gateway(self.config.default_gateway if address else None)
                    self._applied = (address, self.config.default_gateway)
            _atomic(Path(self.hw.state_dir) / "running-config", render(self.config))

    def _admin(self, name: str, link: Link, up: bool) -> None:
        if up and link.alias == UNPLUGGED:
            return  # no cable: ``no shutdown`` cannot plug one in
        if link.admin_up != up:
            self.plane.set_admin(name, up)

    # ------------------------------------------------------------------ events

    def learned(self, mac: str, port: str) -> None:
        """The bridge learned ``mac`` on ``port``: port security decides whether it may stay."""
        with self.lock:
            conf = self.config.interfaces.get(port)
            if conf is None or not conf.security.enabled or port in self.err_disabled:
                return
            address = dotted(mac)
            state = self.secure.setdefault(port, SecureState(list(conf.security.macs)))
            if address in state.addresses:
                return
            if len(state.addresses) < conf.security.maximum:
                state.addresses.append(address)
                if conf.security.sticky and address not in conf.security.macs:
                    conf.security.macs.append(address)
                    _atomic(Path(self.hw.state_dir) / "running-config", render(self.config))
                return
            state.violations += 1
            state.last_source = f"{address}:{self.vlan_of(port, mac)}"
            mode = conf.security.violation
            if mode == "shutdown":
                self.err_disabled[port] = "psecure-violation"
                self.log("PM", 4, "ERR_DISABLE", f"psecure-violation error detected on {port}, putting {port} in err-disable state")
                self.plane.set_admin(port, False)
            else:
                self.plane.block(port, mac)
            if mode != "protect":
                self.log(
                    "PORT_SECURITY", 2, "PSECURE_VIOLATION", f"Security violation occurred, caused by MAC address {address} on port {port}."
                )

    def link_changed(self, port: str, up: bool) -> None:
        if port not in self.config.interfaces:
            return
        with self.lock:
            self.changed_at[port] = time.monotonic()
            conf = self.config.interfaces[port]
            if up and (conf.shutdown or port in self.err_disabled):
                self.plane.set_admin(port, False)  # someone set it up behind the configuration's back
                return
        state = "up" if up else "down"
        self.log("LINK", 3, "UPDOWN", f"Interface {port}, changed state to {state}")
        self.log("LINEPROTO", 5, "UPDOWN", f"Line protocol on Interface {port}, changed state to {state}")

    def recover(self, port: str) -> None:
        """``shutdown`` on an err-disabled port: it forgets the violation and its learned addresses."""
        with self.lock:
            self.err_disabled.pop(port, None)
            conf = self.config.interfaces[port]
            self.secure[port] = SecureState(list(conf.security.macs))
            self.plane.unblock(port)
            self.plane.forget(port)

    def secure_port(self, port: str) -> None:
        """Port security just enabled: the addresses the port has already learned become its secure ones (up to the
        maximum, as IOS does); the others are forgotten, so their next frame is judged."""
        with self.lock:
            known = [mac for mac, where in self.plane.fdb() if where == port]
            self.recover(port)
            for mac in known:
                self.learned(mac, port)

    def log(self, facility: str, severity: int, mnemonic: str, text: str) -> None:
        entry = LogEntry(datetime.now(UTC), facility, severity, mnemonic, text)
        self.logs.append(entry)
        print(entry.line(), flush=True)

    # ------------------------------------------------------------------ sessions

    def open(self, user: str, peer: str) -> int:
        with self.lock:
            number = next(n for n in range(len(self.sessions) + 1) if n not in self.sessions)
            self.sessions[number] = _Session(number, user, peer)
            return number

    def touch(self, number: int) -> None:
        if number in self.sessions:
            self.sessions[number].last_input = time.monotonic()

    def close(self, number: int) -> None:
        with self.lock:
            self.sessions.pop(number, None)

    # ------------------------------------------------------------------ what show reads

    def vlan_of(self, port: str, mac: str) -> int:
        conf = self.config.interfaces.get(port)
        if conf is not None and conf.mode == "access":
            return conf.access_vlan
        return self.hw.trunk_vlans.get(mac.lower(), conf.native_vlan if conf is not None else 1)

    def status(self, name: str, links: dict[str, Link]) -> PortStatus:
        conf = self.config.interfaces[name]
        link = links.get(name)
        if name in self.err_disabled:
            state = "err-disabled"
        elif conf.shutdown:
            state = "disabled"
        elif conf.mode == "access" and conf.access_vlan not in self.config.vlans:
            state = "inactive"
        elif link is not None and link.oper_up and link.admin_up:
            state = "connected"
        else:
            state = "notconnect"
        since = time.monotonic() - self.changed_at.get(name, self.started)
        mac = dotted(link.mac) if link is not None else dotted(self.hw.base_mac)
        counters = link.counters if link is not None else None
        status = PortStatus(name, state, mac, link.mtu if link else 1500, err_reason=self.err_disabled.get(name, ""), last_change=since)
        if counters is not None:
            status.counters = counters
        return status

    def view(self, current: int | None = None) -> SwitchView:
        with self.lock:
            links = self.plane.links()
            ports = {name: self.status(name, links) for name in self.config.interfaces}
            macs = []
            for mac, port in self.plane.fdb():
                if port not in self.config.interfaces:
                    continue
                conf = self.config.interfaces[port]
                kind = "STATIC" if dotted(mac) in conf.security.macs else "DYNAMIC"
                macs.append(MacEntry(self.vlan_of(port, mac), dotted(mac), kind, port))
            now = time.monotonic()
            sessions = [
                SessionInfo(f"vty {s.number}", s.user, s.peer, now - s.last_input, s.number == current) for s in self.sessions.values()
            ]
            mgmt = links.get(self.hw.management)
            return SwitchView(
                config=self.config,
                ports=ports,
                macs=sorted(macs, key=lambda m: (m.vlan, m.mac)),
                neighbors=[Neighbor(**n) for n in self.hw.neighbors],
                logs=list(self.logs),
                sessions=sessions,
                secure={
                    p: s for p, s in self.secure.items() if self.config.interfaces.get(p) and self.config.interfaces[p].security.enabled
                },
                uptime=now - self.started,
                now=datetime.now(UTC),
                base_mac=dotted(self.hw.base_mac),
                serial=self.hw.serial,
                model=self.hw.model,
                startup_bytes=len((self.startup_text() or "").encode()),
                svi_mac=dotted(mgmt.mac) if mgmt is not None else dotted(self.hw.base_mac),
                svi_up=bool(mgmt and mgmt.oper_up),
            )


def _atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    with contextlib.suppress(OSError):
        tmp.chmod(0o600)
    tmp.replace(path)
