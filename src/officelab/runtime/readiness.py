"""Is a daemon ready? A bound port, a DHCP lease, or a probe that succeeds on its node (never a fixed wait)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from officelab.core.errors import LabError
from officelab.probes import run_probe
from officelab.probes.place import Place
from officelab.runtime.build import Netlink
from officelab.runtime.plan import AddressLeased, PortListening, ProbeSucceeds, Readiness


def is_ready(check: Readiness, pid: int, netns: str, nl: Netlink, place: Callable[[], Place]) -> bool:
    """Does ``check`` hold for the running daemon ``pid`` in namespace ``netns``?"""
    if isinstance(check, PortListening):
        return _socket_bound(pid, check.proto, check.port)
    if isinstance(check, AddressLeased):
        try:
            index = nl.index(netns, check.ifname)
        except LabError:
            return False
        return bool(nl[netns].get_addr(index=index, family=2))
    assert isinstance(check, ProbeSucceeds)
    return run_probe(check.probe, place()).ok


def _socket_bound(pid: int, proto: str, port: int) -> bool:
    """Is a socket of ``proto`` bound to ``port`` in the network namespace of ``pid``?"""
    try:
        lines = Path(f"/proc/{pid}/net/{proto}").read_text().splitlines()[1:]
    except OSError:
        return False
    for line in lines:
        fields = line.split()
        local_port = int(fields[1].split(":")[1], 16)
        if local_port == port and (proto == "udp" or fields[3] == "0A"):
            return True
    return False
