"""The site model: one typed description of a small-business network.

Everything OfficeLab does — the lab, the checks, the docs, later the quote — is derived from a `Site`.
The model only says *what* the site is; cross-references are checked by each domain's validator (driven
by `officelab.site.validate`) and derived facts (segments, VLAN membership) live in `officelab.site.topology`.

This module holds the skeleton every site has — VLANs, nodes, interfaces, switch ports, cables — and one
field per domain section: each section's type is owned by its domain (``officelab.domains.<name>.model``),
so a new domain extends the model by adding a field, never by reshaping an existing one.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from officelab.core.addressing import Address, Cidr, Subnet
from officelab.core.model import NAME_PATTERN as NAME_PATTERN
from officelab.core.model import PORT_PATTERN, DomainName, Duration, IfName, MacAddress, Model, Name, VlanRef
from officelab.domains.automation.model import Automation
from officelab.domains.backup.model import BackupJob
from officelab.domains.box.model import BoxService
from officelab.domains.desk.model import Desk
from officelab.domains.directory.model import Directory
from officelab.domains.files.model import FilesService
from officelab.domains.firewall.model import FirewallService
from officelab.domains.mail.model import Mail
from officelab.domains.network.model import DhcpService, DnsService
from officelab.domains.printing.model import PrinterDevice, PrintService
from officelab.domains.switchcli.model import SwitchCli, TftpService
from officelab.domains.telephony.model import Telephony
from officelab.domains.video.model import Video
from officelab.domains.vpn.model import Vpn
from officelab.domains.web.model import WebService
from officelab.domains.wireless.model import Wireless
from officelab.probes.spec import ProbeSpec
from officelab.site.limits import MAX_LINKS, MAX_NODES, MAX_PORTS, MAX_PORTS_PER_RANGE, MAX_PORTS_PER_SWITCH, MAX_VLANS


class NodeKind(StrEnum):
    """What a node is, in the trade's words."""

    ROUTER = "router"
    BOX = "box"
    SWITCH = "switch"
    ACCESS_POINT = "access-point"
    SERVER = "server"
    WORKSTATION = "workstation"
    LAPTOP = "laptop"
    TABLET = "tablet"
    PHONE = "phone"
    PRINTER = "printer"
    CAMERA = "camera"
    IOT = "iot"
    ISP = "isp"
    PUBLIC_SERVER = "public-server"
    REMOTE_SITE = "remote-site"

    @property
    def bridges(self) -> bool:
        """Switches and access points forward frames between ports (layer 2)."""
        return self in (NodeKind.SWITCH, NodeKind.ACCESS_POINT)

    @property
    def routes(self) -> bool:
        """Routers, internet boxes, the ISP and remote sites forward packets between their interfaces (layer 3)."""
        return self in (NodeKind.ROUTER, NodeKind.BOX, NodeKind.ISP, NodeKind.REMOTE_SITE)

    @property
    def site_router(self) -> bool:  # the site's own router: a router, or an internet box (a router with its admin page)
        return self in (NodeKind.ROUTER, NodeKind.BOX)

    @property
    def on_internet(self) -> bool:
        return self in (NodeKind.ISP, NodeKind.PUBLIC_SERVER, NodeKind.REMOTE_SITE)


# --------------------------------------------------------------------------- addressing plan


class DhcpReservation(Model):
    """A fixed lease: this MAC always gets this address (and this name in DNS)."""

    mac: MacAddress
    address: Address
    name: Name | None = None


class DhcpScope(Model):
    """The DHCP scope of one VLAN."""

    start: Address
    end: Address
    lease: Duration = "12h"
    dns: list[Address] = Field(default_factory=list, description="DNS servers handed out; default: the site's DNS")
    reservations: list[DhcpReservation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> DhcpScope:
        if int(self.start) > int(self.end):
            raise ValueError(f"the scope starts at {self.start}, after its end {self.end}: swap start and end")
        return self


class Vlan(Model):
    """One VLAN of the addressing plan."""

    id: int = Field(ge=1, le=4094)
    name: Name
    subnet: Subnet
    gateway: Address | None = None
    purpose: str = ""
    dhcp: DhcpScope | None = None


# --------------------------------------------------------------------------- nodes


class Interface(Model):
    """A layer-3 interface of a node (a NIC, or a router's VLAN sub-interfaces on a trunk)."""

    name: IfName
    address: Cidr | None = None
    dhcp: bool = False
    gateway: Address | None = None
    mac: MacAddress | None = None
    reserve: Address | None = Field(default=None, description="DHCP reservation for this interface's MAC")
    vlans: list[VlanRef] = Field(
        default_factory=list,
        description="routers only: 802.1Q sub-interfaces on this port, one per VLAN, addressed with the VLAN's gateway",
    )
    description: str = ""

    @model_validator(mode="after")
    def _one_addressing(self) -> Interface:
        if self.dhcp and self.address is not None:
            raise ValueError("an interface is either `dhcp: true` or has a static `address`, not both")
        if self.reserve is not None and not self.dhcp:
            raise ValueError("`reserve` is a DHCP reservation: it needs `dhcp: true`")
        if self.vlans and (self.dhcp or self.address is not None):
            raise ValueError("a trunk interface (`vlans`) takes its addresses from the VLAN gateways: drop `address`/`dhcp`")
        return self


class PortMode(StrEnum):
    ACCESS = "access"
    TRUNK = "trunk"


_RANGE = re.compile(r"^(?P<prefix>.*)\[(?P<first>\d+)-(?P<last>\d+)\]$")


class SwitchPort(Model):
    """A switch port, or a range of identical ports written ``ge[1-24]``."""

    name: Annotated[str, StringConstraints(pattern=PORT_PATTERN)]
    mode: PortMode = PortMode.ACCESS
    vlan: VlanRef | None = Field(default=None, description="access ports: the port's VLAN")
    vlans: list[VlanRef] = Field(default_factory=list, description="trunk ports: the allowed VLANs")
    native: VlanRef | None = Field(default=None, description="trunk ports: the VLAN carried untagged")
    shutdown: bool = False
    description: str = ""

    @field_validator("name")
    @classmethod
    def _bounded_range(cls, name: str) -> str:
        match = _RANGE.match(name)
        if match is None:
            return name
        prefix, first, last = match["prefix"], match["first"], match["last"]
        if len(prefix + first) > 15 or len(prefix + last) > 15:
            raise ValueError(f"port names in {name} would exceed 15 characters (a Linux interface name limit)")
        if int(first) > int(last):
            raise ValueError(f"port range {name} counts down: write [{last}-{first}]")
        count = int(last) - int(first) + 1
        if count > MAX_PORTS_PER_RANGE:
            raise ValueError(
                f"port range {name} declares {count:,} ports, more than the limit of {MAX_PORTS_PER_RANGE:,} per range: "
                "declare the ports the switch really has"
            )
        return name

    @model_validator(mode="after")
    def _mode_fields(self) -> SwitchPort:
        if self.mode is PortMode.ACCESS and (self.vlans or self.native is not None):
            raise ValueError("an access port takes `vlan`; `vlans` and `native` are for `mode: trunk`")
        if self.mode is PortMode.TRUNK and self.vlan is not None:
            raise ValueError("a trunk port takes `vlans` (allowed) and `native`; `vlan` is for access ports")
        if self.mode is PortMode.TRUNK and not self.vlans:
            raise ValueError("a trunk port needs `vlans`, the list of VLANs it carries")
        return self

    @property
    def count(self) -> int:
        """How many ports this entry declares, without expanding a range."""
        match = _RANGE.match(self.name)
        return int(match["last"]) - int(match["first"]) + 1 if match else 1

    def names(self) -> list[str]:
        """The port names this entry declares (a range expands to one name per port, at most `MAX_PORTS_PER_RANGE`)."""
        match = _RANGE.match(self.name)
        if not match:
            return [self.name]
        first, last = int(match["first"]), int(match["last"])
        if last - first + 1 > MAX_PORTS_PER_RANGE:  # only a port built without validation gets here
            raise ValueError(f"port range {self.name} is larger than {MAX_PORTS_PER_RANGE} ports")
        return [f"{match['prefix']}{i}" for i in range(first, last + 1)]


class Management(Model):
    """The management address of a switch or access point, in a VLAN of the site."""

    vlan: VlanRef
    address: Cidr
    gateway: Address | None = None


# --------------------------------------------------------------------------- services


class Services(Model):
    """The services a node runs. Each later feature adds its own section here."""

    dhcp: DhcpService | None = None
    dns: DnsService | None = None
    firewall: FirewallService | None = None
    web: WebService | None = None
    files: FilesService | None = None
    printer: PrinterDevice | None = None
    print: PrintService | None = None
    tftp: TftpService | None = None
    box: BoxService | None = Field(default=None, description="an internet box's own service: its admin page and settings")


class Node(Model):
    """A device of the site."""

    name: Name
    kind: NodeKind
    description: str = ""
    interfaces: list[Interface] = Field(default_factory=list)
    ports: list[SwitchPort] = Field(default_factory=list, description="switches and access points")
    management: Management | None = None
    cli: SwitchCli | None = Field(default=None, description="switches and access points: the CLI over SSH on the management address")
    services: Services = Services()

    @field_validator("ports")
    @classmethod
    def _bounded_ports(cls, ports: list[SwitchPort]) -> list[SwitchPort]:
        total = sum(p.count for p in ports)
        if total > MAX_PORTS_PER_SWITCH:
            raise ValueError(
                f"{total:,} ports on one switch, more than the limit of {MAX_PORTS_PER_SWITCH:,}: declare the ports it really has"
            )
        return ports

    @model_validator(mode="after")
    def _kind_fields(self) -> Node:
        if self.kind.bridges and self.interfaces:
            raise ValueError(f"a {self.kind} has `ports`, not `interfaces` (its own address goes under `management`)")
        if not self.kind.bridges and self.ports:
            raise ValueError(f"a {self.kind} has `interfaces`; `ports` are for switches and access points")
        if not self.kind.bridges and self.cli is not None:
            raise ValueError("`cli` is a switch's or access point's command line; a host is reached with its own services")
        if self.cli is not None and self.management is None:
            raise ValueError("the command line is reached over SSH on the management address: add `management: {vlan, address}`")
        if self.cli is not None and self.cli.ssids and self.kind is not NodeKind.ACCESS_POINT:
            raise ValueError("`ssids` are an access point's")
        if not self.kind.bridges and self.management is not None:
            raise ValueError("`management` is for switches and access points; give this node an interface instead")
        if self.kind.bridges and self.services != Services():
            raise ValueError(f"a {self.kind} runs no services in this version")
        if not self.kind.routes and any(i.vlans for i in self.interfaces):
            raise ValueError("only routers have VLAN sub-interfaces (`vlans` on an interface)")
        if self.services.firewall is not None and not self.kind.routes:
            raise ValueError("a firewall runs on a router")
        if self.services.printer is not None and self.kind is not NodeKind.PRINTER:
            raise ValueError("`printer` is the service of a node of kind printer")
        if (self.services.files is not None or self.services.print is not None) and self.kind is not NodeKind.SERVER:
            raise ValueError("file shares and print queues are served by a node of kind server")
        return self


ENDPOINT_PATTERN = r"^[a-z][a-z0-9-]{0,30}:[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$"
Endpoint = Annotated[str, StringConstraints(pattern=ENDPOINT_PATTERN)]
"""``node:port`` — one end of a cable."""


def split_endpoint(endpoint: str) -> tuple[str, str]:
    """``"sw-core:ge1"`` → ``("sw-core", "ge1")``."""
    node, port = endpoint.split(":", 1)
    return node, port


class Link(Model):
    """A cable between two ports. Written in the file as ``[a:port, b:port]``."""

    a: Endpoint
    b: Endpoint
    description: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError("a link is a pair of endpoints: [node:port, node:port]")
            return {"a": value[0], "b": value[1]}
        return value


class SiteCheck(Model):
    """A check of the site's own, added to the derived recette (e.g. a business application must answer)."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9:._>/-]{0,80}$")]
    title: str = Field(min_length=1, description="in French, as printed in the acceptance report")
    title_en: str = ""
    from_: Name = Field(alias="from", description="the node the probe runs on")
    probe: ProbeSpec
    expect: Literal["pass", "fail"] = Field(default="pass", description="`fail`: the probe must NOT succeed (isolation, policy)")
    criteria: list[Annotated[str, StringConstraints(pattern=r"^(TRI|TAI)-[A-Z0-9-]+$")]] = Field(default_factory=list)
    depends: list[str] = Field(default_factory=list, description="ids of checks (derived or of the site) that must pass first")
    required: bool = True


class SiteInfo(Model):
    name: Name
    domain: DomainName
    description: str = ""
    customer: str = ""


class Site(Model):
    """A whole site: identity, addressing plan, devices and cabling."""

    site: SiteInfo
    vlans: list[Vlan] = Field(default_factory=list, max_length=MAX_VLANS)
    nodes: list[Node] = Field(max_length=MAX_NODES)
    links: list[Link] = Field(default_factory=list, max_length=MAX_LINKS)
    checks: list[SiteCheck] = Field(default_factory=list, description="the site's own acceptance checks")
    directory: Directory | None = None
    backups: list[BackupJob] = Field(default_factory=list)
    automation: Automation | None = None
    video: Video | None = None
    telephony: Telephony | None = None
    mail: Mail | None = None
    vpn: Vpn | None = None
    wireless: Wireless | None = None
    desk: Desk | None = None

    @field_validator("nodes")
    @classmethod
    def _bounded_ports(cls, nodes: list[Node]) -> list[Node]:
        total = sum(p.count for n in nodes for p in n.ports)
        if total > MAX_PORTS:
            raise ValueError(f"{total:,} switch ports in the site, more than the limit of {MAX_PORTS:,}")
        return nodes

    @property
    def name(self) -> str:
        return self.site.name

    def node(self, name: str) -> Node:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def vlan(self, ref: VlanRef) -> Vlan:
        for vlan in self.vlans:
            if ref in (vlan.id, vlan.name):
                return vlan
        raise KeyError(ref)
