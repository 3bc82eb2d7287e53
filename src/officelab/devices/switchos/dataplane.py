"""The switch's data plane: the Linux bridge, ports and VLAN programs of the network namespace it runs in.

What the switch asks of it (`Dataplane`); `officelab.devices.switchos.kernelplane` is the real one, in the
switch's own network namespace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from officelab.core.vlan import PortVlan
from officelab.devices.switchos.state import Counters

UNPLUGGED = "officelab: cable pulled"
"""The alias OfficeLab gives a switch port whose cable it pulled (`officelab.runtime.ports.set_link`): the switch then
shows ``notconnect``, and ``no shutdown`` does not plug the cable back."""


@dataclass
class Link:
    name: str
    admin_up: bool
    oper_up: bool
    mac: str
    mtu: int = 1500
    alias: str = ""
    counters: Counters = field(default_factory=Counters)


class Dataplane(Protocol):
    def links(self) -> dict[str, Link]: ...

    def set_admin(self, port: str, up: bool) -> None: ...

    def set_vlan(self, port: str, behaviour: PortVlan) -> None:
        """The port's tagging program for ``behaviour`` (attached, or swapped when it has another)."""
        ...

    def has_vlan_programs(self) -> bool: ...

    def fdb(self) -> list[tuple[str, str]]:
        """(MAC ``aa:bb:…``, port) of every address the bridge learned (not its own)."""
        ...

    def forget(self, port: str) -> None:
        """Flush what the bridge learned on ``port``."""
        ...

    def block(self, port: str, mac: str) -> None: ...

    def unblock(self, port: str) -> None: ...

    def set_address(self, iface: str, cidr: str | None) -> None: ...

    def set_gateway(self, gateway: str | None) -> None: ...

    def watch(self, on_fdb: Callable[[str, str], None], on_link: Callable[[str, bool], None]) -> None:
        """Call back on every address learned (MAC, port) and every port's line protocol change (port, up)."""
        ...
