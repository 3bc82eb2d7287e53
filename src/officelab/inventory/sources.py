"""What the network's own equipment knows, read the way a technician reads it: each managed switch's MAC address
table and LLDP neighbours over SSH (its command line), the DHCP server's leases, and the directory's computer
accounts over LDAP."""

from __future__ import annotations

import re
from dataclasses import dataclass

from officelab.domains.directory.model import LdapProbe
from officelab.domains.switchcli.model import SwitchShowProbe
from officelab.inventory.model import SeenPort, Unscanned
from officelab.site.model import Node, Site
from officelab.site.topology import Topology

MAC_TABLE = "show mac address-table"
LLDP = "show lldp neighbors"


def is_uplink(capability: str) -> bool:
    """An LLDP neighbour that bridges and does not route (a switch, an access point): the port leads to other
    switches, not to a device. A router announces itself as a bridge too (``R,B``): it is the device there."""
    codes = set(capability.replace(",", ""))
    return "B" in codes and "R" not in codes


@dataclass(frozen=True)
class Learnt:
    switch: str
    port: str
    vlan: int
    mac: str


@dataclass(frozen=True)
class Neighbour:
    switch: str
    port: str
    device: str
    capability: str
    remote_port: str


@dataclass(frozen=True)
class Lease:
    server: str
    mac: str
    ip: str
    hostname: str
    expires: int


def colon_mac(dotted: str) -> str:
    """``0216.0674.8f24`` (as IOS prints it) → ``02:16:06:74:8f:24``."""
    digits = dotted.replace(".", "").replace(":", "").lower()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def parse_mac_table(switch: str, text: str) -> list[Learnt]:
    found = []
    for line in text.splitlines():
        cols = line.split()
        if len(cols) == 4 and cols[0].isdigit() and re.fullmatch(r"[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}", cols[1]):
            found.append(Learnt(switch, cols[3], int(cols[0]), colon_mac(cols[1])))
    return found


def parse_lldp(switch: str, text: str) -> list[Neighbour]:
    """``show lldp neighbors``: the Device ID fills its first 20 columns (cut there, as IOS does), then the local
    interface, hold time, capabilities and the remote port."""
    lines = text.splitlines()
    heading = next((i for i, line in enumerate(lines) if line.startswith("Device ID")), None)
    found = []
    for line in lines[heading + 1 :] if heading is not None else []:
        if not line.strip() or line.startswith("Total entries"):
            break
        device, rest = line[:20].strip(), line[20:].split()
        if len(rest) >= 3:
            capability = rest[2] if len(rest) >= 4 else ""
            found.append(Neighbour(switch, rest[0], device, capability, rest[-1]))
    return found


def parse_leases(server: str, text: str) -> list[Lease]:
    """dnsmasq's lease file: ``expiry mac ip hostname client-id`` (hostname ``*`` when the client gave none)."""
    found = []
    for line in text.splitlines():
        cols = line.split()
        if len(cols) >= 4 and cols[0].isdigit():
            found.append(Lease(server, cols[1].lower(), cols[2], "" if cols[3] == "*" else cols[3], int(cols[0])))
    return found


def switch_show(site: Site, switch: Node) -> tuple[str, SwitchShowProbe] | str:
    """Where to log in to ``switch`` from (a host of its management VLAN) and the probe reading its tables, or why it
    cannot be read."""
    if switch.cli is None or switch.management is None:
        return f"{switch.name} has no command line"
    topo = Topology(site)
    vid = topo.vlan_id(switch.management.vlan)
    vantages = [hp.node.name for hp in topo.hosts if hp.vlan is not None and hp.vlan.id == vid and hp.fixed is not None]
    if not vantages:
        return f"{switch.name}: no host with a fixed address in its management VLAN to log in from"
    account = max(switch.cli.users, key=lambda u: u.privilege)
    probe = SwitchShowProbe(
        target=str(switch.management.address.ip),
        hostname=switch.name,
        username=account.name,
        password=account.secret,
        commands=[MAC_TABLE, LLDP],
    )
    return vantages[0], probe


def switch_tables(switch: str, outputs: dict[str, str]) -> tuple[list[Learnt], list[Neighbour]]:
    return parse_mac_table(switch, outputs.get(MAC_TABLE, "")), parse_lldp(switch, outputs.get(LLDP, ""))


def locations(learnt: list[Learnt], neighbours: list[Neighbour]) -> dict[str, Learnt]:
    """MAC → the switch port it is plugged into: of the ports that learnt it, the one that does not lead to another
    bridge (a MAC is learnt on every switch between it and the scanner)."""
    uplinks = {(n.switch, n.port) for n in neighbours if is_uplink(n.capability)}
    found: dict[str, Learnt] = {}
    for entry in learnt:
        if (entry.switch, entry.port) not in uplinks:
            found.setdefault(entry.mac, entry)
    return found


def seen_ports(switch: str, learnt: list[Learnt], neighbours: list[Neighbour]) -> list[SeenPort]:
    """``switch``'s ports with something on them, as its MAC table and LLDP neighbours show them."""
    ports: dict[str, SeenPort] = {}
    for e in (e for e in learnt if e.switch == switch):
        port = ports.setdefault(e.port, SeenPort(e.port))
        port.macs.append(e.mac)
        if e.vlan not in port.vlans:
            port.vlans.append(e.vlan)
    for n in (n for n in neighbours if n.switch == switch):
        port = ports.setdefault(n.port, SeenPort(n.port))
        port.neighbour, port.neighbour_port = n.device, n.remote_port
    return sorted(ports.values(), key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p.name)])


def ad_computers(site: Site) -> tuple[str, LdapProbe] | Unscanned:
    """Where to search the directory from (its controller itself) and the search of its computer accounts."""
    d = site.directory
    if d is None:
        return Unscanned("ad", "the site has no directory")
    probe = LdapProbe(
        server=f"{d.controller}.{d.domain}",
        user=f"Administrator@{d.domain}",
        password=d.admin_password,
        base=d.base_dn,
        filter="(objectClass=computer)",
        attribute="dNSHostName",
        timeout=8.0,
    )
    return d.controller, probe
