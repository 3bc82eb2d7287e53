"""What an inventory scan finds: assets (each with the sources that saw it), an agent's view of the hosts it could
run on, and the differences from the site's design."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Source(StrEnum):
    """How an asset was seen, in the words of the technician's tools."""

    ARP = "arp"  # answered an ARP request of the sweep
    ICMP = "icmp"  # answered an ICMP echo
    PORTS = "ports"  # accepted a TCP connection
    SNMP = "snmp"  # its SNMP agent answered (sysName, sysDescr)
    DHCP = "dhcp"  # holds a lease of the site's DHCP server
    MAC_TABLE = "mac-table"  # learnt by a switch on one of its ports
    LLDP = "lldp"  # a switch's LLDP neighbour
    AD = "ad"  # a computer account of the directory
    AGENT = "agent"  # the inventory agent ran on it
    DESIGN = "design"  # only in the site's file (a device missing on the network)


class AssetKind(StrEnum):
    """GLPI's families: a Computer, a NetworkEquipment, a Printer, a Phone, or an unmanaged device."""

    COMPUTER = "Computer"
    NETWORK = "NetworkEquipment"
    PRINTER = "Printer"
    PHONE = "Phone"
    VIDEO = "Video"  # a camera: NetworkEquipment of type Video in GLPI
    UNMANAGED = "Unmanaged"


@dataclass
class Interface:
    name: str
    mac: str = ""
    addresses: list[str] = field(default_factory=list)  # CIDR
    up: bool = True
    dhcp: bool = False


@dataclass
class AgentView:
    """What an inventory agent reads on the host itself."""

    hostname: str
    os_name: str = ""
    os_version: str = ""
    kernel: str = ""
    arch: str = ""
    uuid: str = ""  # /etc/machine-id as an RFC 4122 string: the serial-like identifier of a host
    memory_mib: int = 0
    interfaces: list[Interface] = field(default_factory=list)
    gateway: str = ""
    dns: list[str] = field(default_factory=list)
    packages: list[tuple[str, str]] = field(default_factory=list)  # (name, version)
    disks: list[tuple[str, str, int, int]] = field(default_factory=list)  # (mount point, filesystem, total MiB, free MiB)
    users: list[str] = field(default_factory=list)


@dataclass
class SeenPort:
    """A switch port as the switch's tables show it: the VLANs and MACs learnt on it, its LLDP neighbour."""

    name: str
    vlans: list[int] = field(default_factory=list)
    macs: list[str] = field(default_factory=list)
    neighbour: str = ""
    neighbour_port: str = ""


@dataclass
class Asset:
    """One device on the network: its MACs grouped by what it is (the design's node, the agent's host) or alone."""

    macs: list[str] = field(default_factory=list)
    ips: list[str] = field(default_factory=list)
    name: str = ""  # what the network says it is called (DHCP hostname, DNS, LLDP, the agent)
    kind: AssetKind = AssetKind.UNMANAGED
    vlan: int | None = None
    vlan_name: str = ""
    location: str = ""  # switch:port where it is plugged
    ports: list[int] = field(default_factory=list)  # TCP ports that accepted a connection
    sources: set[Source] = field(default_factory=set)
    owner: str = ""  # the directory user whose computer it is
    design: str = ""  # the site's node it is, when recognised
    model: str = ""
    description: str = ""  # what its SNMP agent says it is (sysDescr)
    agent: AgentView | None = None
    ad_account: str = ""
    switch_ports: list[SeenPort] = field(default_factory=list)
    unknown: bool = False  # on the network, not in the design: known by its MAC (its name is only what it announces)

    @property
    def label(self) -> str:
        mac = self.macs[0] if self.macs else ""
        if self.unknown and mac:
            return mac
        return self.design or self.name or mac or (self.ips[0] if self.ips else "?")


@dataclass(frozen=True)
class Difference:
    """Where the network is not what the design says."""

    kind: str  # unknown | missing | moved | other-vlan | not-joined
    asset: str
    detail: str


@dataclass(frozen=True)
class Unscanned:
    """A source that could not be read (and why): said, never silently dropped."""

    source: str
    why: str


@dataclass
class Scan:
    site: str
    lab: str
    started: float
    assets: list[Asset] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    unscanned: list[Unscanned] = field(default_factory=list)
    duration: float = 0.0

    def asset(self, label: str) -> Asset | None:
        return next((a for a in self.assets if label in (a.design, a.name) or label in a.macs or label in a.ips), None)
