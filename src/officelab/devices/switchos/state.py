"""What a switch knows about itself right now: what the ``show`` commands render.

A `SwitchView` is taken from the live data plane (`officelab.devices.switchos.dataplane`) each time a ``show``
runs: link states and counters from the kernel, addresses learned by the bridge, neighbours from the cabling,
and the configuration as it runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from officelab.devices.switchos.config import SwitchConfig


@dataclass
class Counters:
    rx_packets: int = 0
    tx_packets: int = 0
    rx_bytes: int = 0
    tx_bytes: int = 0
    rx_errors: int = 0
    tx_errors: int = 0
    rx_dropped: int = 0
    tx_dropped: int = 0
    multicast: int = 0
    collisions: int = 0


@dataclass
class PortStatus:
    """One port as the switch sees it."""

    name: str
    link: str
    """``connected`` | ``notconnect`` (no cable, or the far end down) | ``disabled`` (shutdown) | ``err-disabled``
    | ``inactive`` (its access VLAN does not exist)."""
    mac: str
    """The port's own address, ``xxxx.xxxx.xxxx``."""
    mtu: int = 1500
    counters: Counters = field(default_factory=Counters)
    err_reason: str = ""
    """Why the port is err-disabled (``psecure-violation``)."""
    last_change: float = 0.0
    """Seconds since the link last changed state."""


@dataclass
class MacEntry:
    vlan: int
    mac: str
    """``xxxx.xxxx.xxxx``"""
    kind: str
    """``DYNAMIC`` | ``STATIC`` (a secure address)"""
    port: str


@dataclass
class Neighbor:
    """The device at the other end of a cable, as LLDP/CDP would announce it."""

    local_port: str
    device: str
    remote_port: str
    capability: str
    """CDP letters: ``S`` switch, ``R`` router, ``H`` host, ``T`` phone, ``I`` IGMP, ``P`` repeater…"""
    platform: str
    address: str = ""


@dataclass
class LogEntry:
    time: datetime
    facility: str
    """``LINK``, ``LINEPROTO``, ``SYS``, ``PORT_SECURITY``, ``PM``…"""
    severity: int
    mnemonic: str
    text: str

    def line(self, uptime_based: bool = False) -> str:
        stamp = self.time.strftime("%b %d %H:%M:%S.") + f"{self.time.microsecond // 1000:03d}"
        return f"*{stamp}: %{self.facility}-{self.severity}-{self.mnemonic}: {self.text}"


@dataclass
class SecureState:
    """Port security on one port now."""

    addresses: list[str] = field(default_factory=list)
    """Secure addresses in use (configured, sticky and learned)."""
    violations: int = 0
    last_source: str = ""
    """The address of the last violation, with its VLAN: ``0011.2233.4455:10``."""


@dataclass
class SessionInfo:
    line: str
    """``vty 0``"""
    user: str
    host: str
    idle: float
    current: bool = False


@dataclass
class SwitchView:
    config: SwitchConfig
    ports: dict[str, PortStatus]
    macs: list[MacEntry]
    neighbors: list[Neighbor]
    logs: list[LogEntry]
    sessions: list[SessionInfo]
    secure: dict[str, SecureState]
    uptime: float
    """Seconds since the switch (its operating system) started."""
    now: datetime
    base_mac: str
    serial: str
    model: str
    startup_bytes: int
    """Size of the saved configuration (0: none saved)."""
    svi_mac: str = ""
    svi_up: bool = True
    """The management interface's line protocol (its link in the data plane)."""
    reload_reason: str = "power-on"
