"""The active part of a scan, as a technician's tools do it from a machine plugged into a subnet: an ARP sweep of
the subnet (scapy, the who-has of every address), an ICMP echo to each answer, TCP connections to the ports that
say what a device is, and an SNMPv2c get of sysName/sysDescr where UDP 161 answers."""

from __future__ import annotations

import select
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface

from officelab.domains.network.model import PingProbe, TcpProbe
from officelab.probes import run_probe
from officelab.probes.place import Place

SCANNED_PORTS = {
    21: "ftp",
    22: "ssh",
    23: "telnet",
    25: "smtp",
    53: "dns",
    80: "http",
    88: "kerberos",
    139: "netbios",
    389: "ldap",
    443: "https",
    445: "smb",
    515: "lpd",
    554: "rtsp",
    587: "submission",
    631: "ipp",
    636: "ldaps",
    993: "imaps",
    1194: "openvpn",
    1883: "mqtt",
    3389: "rdp",
    5060: "sip",
    8080: "http-alt",
    8883: "mqtts",
    9100: "jetdirect",
}
"""The ports whose answer says what a device is (a printer answers 631/9100, a camera 554, a DC 88/389/445…)."""
ETH_P_ARP = 0x0806


@dataclass
class Answer:
    ip: str
    mac: str
    echo: bool = False
    ports: list[int] = field(default_factory=list)
    snmp: dict[str, str] = field(default_factory=dict)


def arp_sweep(place: Place, iface: str, own: IPv4Interface, mac: str, timeout: float = 1.5) -> dict[str, str]:
    """ip → MAC of every address of ``own``'s subnet that answers ARP on ``iface`` (``own``/``mac``: the sweeping
    interface's). Frames are built and read by scapy on a packet socket of the namespace: scapy's own sockets
    resolve interfaces in the namespace it was imported in."""
    from scapy.layers.l2 import ARP, Ether

    subnet = own.network
    with place.inside(), socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP)) as sock:
        sock.bind((iface, 0))
        for target in subnet.hosts():
            if target != own.ip:
                request = Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=mac, psrc=str(own.ip), pdst=str(target))
                sock.send(bytes(request))
        found: dict[str, str] = {}
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([sock], [], [], left)
            if not ready:
                break
            frame = Ether(sock.recv(2048))
            if frame.haslayer(ARP) and frame[ARP].op == 2 and IPv4Address(frame[ARP].psrc) in subnet:
                found[str(frame[ARP].psrc)] = str(frame[ARP].hwsrc).lower()
    return found


def icmp_echo(place: Place, ips: list[str]) -> set[str]:
    """The addresses that answer an ICMP echo request (``ping``, the probe the recette uses)."""
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(lambda ip: run_probe(PingProbe(target=ip), place), ips))
    return {ip for ip, result in zip(ips, results, strict=True) if result.ok}


def snmp_get(place: Place, ips: list[str], community: str = "public", timeout: float = 1.5) -> dict[str, dict[str, str]]:
    """SNMPv2c GET of sysDescr.0 and sysName.0 (RFC 3418) on UDP 161: ip → what the agents that answered say."""
    from scapy.layers.snmp import SNMP, SNMPget, SNMPresponse, SNMPvarbind

    oids = {"1.3.6.1.2.1.1.1.0": "sysDescr", "1.3.6.1.2.1.1.5.0": "sysName"}
    request = bytes(SNMP(version=1, community=community, PDU=SNMPget(varbindlist=[SNMPvarbind(oid=o) for o in oids])))
    found: dict[str, dict[str, str]] = {}
    with place.inside(), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for ip in ips:
            sock.sendto(request, (ip, 161))
        deadline = time.monotonic() + timeout
        while ips and (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([sock], [], [], left)
            if not ready:
                break
            try:
                data, (source, _) = sock.recvfrom(4096)
            except OSError:  # an ICMP port unreachable of a host without an agent
                continue
            reply = SNMP(data)
            if reply.haslayer(SNMPresponse):
                found[source] = {oids.get(str(vb.oid.val), str(vb.oid.val)): _text(vb.value.val) for vb in reply[SNMPresponse].varbindlist}
    return found


def _text(value: object) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def open_ports(place: Place, ips: list[str], ports: dict[int, str] = SCANNED_PORTS, timeout: float = 1.0) -> dict[str, list[int]]:
    """ip → the TCP ports of ``ports`` that accept a connection (a real handshake, closed at once)."""
    specs = [TcpProbe(host=ip, port=p, timeout=timeout) for ip in ips for p in sorted(ports)]
    with ThreadPoolExecutor(max_workers=48) as pool:
        results = list(pool.map(lambda s: run_probe(s, place), specs))
    found: dict[str, list[int]] = {ip: [] for ip in ips}
    for spec, result in zip(specs, results, strict=True):
        if result.ok:
            found[spec.host].append(spec.port)
    return found


def sweep(place: Place, iface: str, own: IPv4Interface, mac: str) -> list[Answer]:
    """Everything that answers on ``own``'s subnet from ``place``: ARP first (the only answer a host cannot refuse on
    its own subnet), then ICMP, TCP ports and SNMP for each."""
    macs = arp_sweep(place, iface, own, mac)
    ips = sorted(macs, key=lambda ip: tuple(int(x) for x in ip.split(".")))
    echo = icmp_echo(place, ips)
    ports = open_ports(place, ips)
    snmp = snmp_get(place, ips)
    return [Answer(ip, macs[ip], ip in echo, ports.get(ip, []), snmp.get(ip, {})) for ip in ips]
