"""Batched rtnetlink for the boot: the requests of one namespace encoded by pyroute2's message classes, sent in one
buffer on a raw NETLINK_ROUTE socket opened inside that namespace, their acknowledgements read back and matched to
what each request was for.

pyroute2's `IPRoute` waits for each answer (about 0.6 ms of Python a request, 1.8 ms a dump); a 200-host lab asks
for about 1,000 things, so the boot sends them namespace by namespace instead and reads the answers after. Interface
indexes are chosen here (the kernel takes a requested index, and a veth's peer's), so nothing is dumped to learn them.
"""

from __future__ import annotations

import os
import socket
import struct
from dataclasses import dataclass, field
from ipaddress import IPv4Interface
from typing import Any

from pyroute2.netlink import (
    NLM_F_ACK,
    NLM_F_CREATE,
    NLM_F_DUMP,
    NLM_F_EXCL,
    NLM_F_REPLACE,
    NLM_F_REQUEST,
    NLMSG_DONE,
    NLMSG_ERROR,
    nlmsg,
)
from pyroute2.netlink.rtnl import RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, RTM_NEWROUTE, RTM_SETLINK
from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg
from pyroute2.netlink.rtnl.ifinfmsg import IFF_RUNNING, IFF_UP, ifinfmsg
from pyroute2.netlink.rtnl.rtmsg import rtmsg

from officelab.core.errors import LabError
from officelab.runtime import kernel

_HEADER = struct.Struct("=IHHII")  # nlmsghdr: length, type, flags, sequence, port
_IFINFO = struct.Struct("=BxHiII")  # ifinfomsg: family, type, index, flags, change
_NEW = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
_ANSWER_SECONDS = 30.0  # the kernel answers in milliseconds; a boot must never hang on a lost answer
_BUFFER = 1 << 22  # a namespace's batch (a switch with 50 ports: ~6 KiB) and its acknowledgements fit many times over


def _link(index: int, name: str | None = None, up: bool = False, **attrs: Any) -> dict[str, Any]:
    """The fields of an ifinfmsg: index, IFF_UP (set or left), and attributes by their IFLA_ names."""
    nlas = [("IFLA_IFNAME", name)] if name else []
    nlas += [(key, value) for key, value in attrs.items() if value is not None]
    return {"family": 0, "index": index, "flags": IFF_UP if up else 0, "change": IFF_UP if up else 0, "attrs": nlas}


@dataclass
class Batch:
    """The requests for one network namespace, on a raw socket opened inside it; `send` then `collect`."""

    ns: str
    sock: socket.socket
    buffer: bytearray = field(default_factory=bytearray)
    pending: dict[int, str] = field(default_factory=dict)  # sequence number → what the request was for
    sequence: int = 0

    @classmethod
    def open(cls, ns: str, path: str) -> Batch:
        with kernel.in_netns(path):
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _BUFFER)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _BUFFER)
        sock.bind((0, 0))
        sock.settimeout(_ANSWER_SECONDS)
        return cls(ns, sock)

    def _encode(self, message: nlmsg, kind: int, flags: int) -> bytes:
        """The message with its header and the next sequence number, as the kernel reads it."""
        self.sequence += 1
        message["header"] = {"type": kind, "flags": flags, "sequence_number": self.sequence, "pid": 0}
        message.encode()
        return bytes(message.data[: message["header"]["length"]])

    def _queue(self, message: nlmsg, kind: int, flags: int, what: str) -> None:
        self.buffer += self._encode(message, kind, flags)
        self.pending[self.sequence] = what

    def link_up(self, index: int, what: str) -> None:
        message = ifinfmsg()
        message.setvalue(_link(index, up=True))
        self._queue(message, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, what)

    def bridge(self, name: str, index: int, what: str) -> None:
        """A bridge without spanning tree nor forwarding delay, up."""
        settings = {"attrs": [("IFLA_BR_STP_STATE", 0), ("IFLA_BR_FORWARD_DELAY", 0)]}
        info = {"attrs": [("IFLA_INFO_KIND", "bridge"), ("IFLA_INFO_DATA", settings)]}
        message = ifinfmsg()
        message.setvalue(_link(index, name, up=True, IFLA_LINKINFO=info))
        self._queue(message, RTM_NEWLINK, _NEW, what)

    def veth(self, name: str, index: int, master: int | None, mac: str | None, peer: tuple[str, int, int, str | None], what: str) -> None:
        """A cable: this end, up (and enslaved to ``master`` if any), and its peer ``(name, index, netns fd, mac)``
        placed in the other namespace, down: the kernel cannot open a peer in the request that creates it (ENOTCONN),
        so the peer's namespace brings it up in its own batch (`link_up`, `enslave`)."""
        peer_name, peer_index, peer_ns, peer_mac = peer
        far = _link(peer_index, peer_name, IFLA_NET_NS_FD=peer_ns, IFLA_ADDRESS=peer_mac)
        info = {"attrs": [("IFLA_INFO_KIND", "veth"), ("IFLA_INFO_DATA", {"attrs": [("VETH_INFO_PEER", far)]})]}
        message = ifinfmsg()
        message.setvalue(_link(index, name, up=True, IFLA_MASTER=master, IFLA_ADDRESS=mac, IFLA_LINKINFO=info))
        self._queue(message, RTM_NEWLINK, _NEW, what)

    def enslave(self, index: int, master: int, what: str) -> None:
        message = ifinfmsg()
        message.setvalue(_link(index, up=True, IFLA_MASTER=master))
        self._queue(message, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, what)

    def address(self, index: int, cidr: str, what: str) -> None:
        interface = IPv4Interface(cidr)
        message = ifaddrmsg()
        message.setvalue(
            {
                "family": socket.AF_INET,
                "prefixlen": interface.network.prefixlen,
                "index": index,
                "attrs": [("IFA_LOCAL", str(interface.ip)), ("IFA_ADDRESS", str(interface.ip))],
            }
        )
        self._queue(message, RTM_NEWADDR, _NEW, what)

    def route(self, dst: str, gateway: str, what: str) -> None:
        """A route (``default`` or a prefix) through ``gateway``, replacing any to the same destination."""
        network = "0.0.0.0/0" if dst == "default" else dst
        prefix, _, length = network.partition("/")
        message = rtmsg()
        attrs = [("RTA_GATEWAY", gateway)] + ([("RTA_DST", prefix)] if int(length or 32) else [])
        message.setvalue(
            # main table, static, universe scope, unicast
            {"family": socket.AF_INET, "dst_len": int(length or 32), "table": 254, "proto": 4, "scope": 0, "type": 1, "attrs": attrs}
        )
        self._queue(message, RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, what)

    def send(self) -> None:
        """Write every queued request (the kernel runs them in order)."""
        if self.buffer:
            self.sock.sendto(bytes(self.buffer), (0, 0))
            self.buffer.clear()

    def collect(self) -> None:
        """Read the acknowledgement of every request sent; the first refusal is a `LabError` naming its request."""
        refused: list[str] = []
        while self.pending:
            chunk = self._receive()
            offset = 0
            while offset + _HEADER.size <= len(chunk):
                length, kind, _, sequence, _ = _HEADER.unpack_from(chunk, offset)
                if kind == NLMSG_ERROR and sequence in self.pending:
                    (code,) = struct.unpack_from("=i", chunk, offset + _HEADER.size)
                    what = self.pending.pop(sequence)
                    if code:
                        refused.append(f"{what}: {os.strerror(-code)}")
                offset += (length + 3) & ~3
        if refused:
            raise LabError(f"{self.ns}: {refused[0]}" + (f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""))

    def ask_links(self) -> None:
        """Ask for every link of the namespace (answered by `running`)."""
        message = ifinfmsg()
        message.setvalue({"family": 0, "attrs": []})
        self.sock.sendto(self._encode(message, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP), (0, 0))

    def running(self) -> set[int]:
        """The indexes of the links that are operationally up (IFF_RUNNING: carrier and operstate UP), from the
        answer to `ask_links` (only the fixed part of each message is read)."""
        found: set[int] = set()
        while True:
            chunk = self._receive()
            offset = 0
            while offset + _HEADER.size <= len(chunk):
                length, kind, _, _, _ = _HEADER.unpack_from(chunk, offset)
                if kind in (NLMSG_DONE, NLMSG_ERROR):
                    return found
                if kind == RTM_NEWLINK:
                    _, _, index, flags, _ = _IFINFO.unpack_from(chunk, offset + _HEADER.size)
                    if flags & IFF_RUNNING:
                        found.add(index)
                offset += (length + 3) & ~3

    def _receive(self) -> bytes:
        try:
            return self.sock.recv(_BUFFER)
        except TimeoutError:
            what = f"{len(self.pending)} request(s)" if self.pending else "a dump of its links"
            raise LabError(f"{self.ns}: the kernel did not answer {what} within {_ANSWER_SECONDS:.0f} s") from None

    def close(self) -> None:
        self.sock.close()
