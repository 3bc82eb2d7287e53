"""The network domain's part of a site file (DHCP and DNS services) and its probe kinds (link, addressing,
DHCP, ARP, ping, DNS, TCP, HTTP, a command of the trade)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from officelab.core.addressing import Address, Subnet
from officelab.core.model import DomainName, Model
from officelab.core.probe import ProbeSpecBase


class DnsRecord(Model):
    name: str = Field(min_length=1, description="relative to the zone (`www`), or `@` for the zone apex")
    type: Literal["A", "CNAME", "MX", "TXT", "SRV", "PTR"] = "A"
    value: str = Field(min_length=1)


class DnsZone(Model):
    name: DomainName
    records: list[DnsRecord] = Field(default_factory=list)


class DnsService(Model):
    """A DNS server: the site's internal DNS (with DHCP names) or a public resolver on the emulated internet."""

    zones: list[DnsZone] = Field(default_factory=list, description="extra authoritative zones")
    records: list[DnsRecord] = Field(default_factory=list, description="extra records in the site's own zone")
    forwarders: list[Address] = Field(default_factory=list)


class DhcpService(Model):
    """A DHCP server. It serves the scopes of the VLANs it has an interface in (no relay in this version)."""

    authoritative: bool = Field(
        default=True,
        description="answer requests for unknown leases at once (dnsmasq `dhcp-authoritative`): the only DHCP server of its VLANs",
    )


class LinkProbe(ProbeSpecBase):
    """The interface exists, is up and has carrier."""

    kind: Literal["link"] = "link"
    interface: str


class IpConfigProbe(ProbeSpecBase):
    """The interface has an address (in ``subnet``, or exactly ``address``) and the default route is ``gateway``.

    With ``dhcp: true`` a real DHCP exchange is also made on the interface (the offer is checked, nothing
    is configured), which tells a port in the wrong VLAN from a stale lease. With ``address`` and ``unique``, no
    other host may answer ARP for that address (duplicate address detection, RFC 5227).
    """

    kind: Literal["ipconfig"] = "ipconfig"
    interface: str
    subnet: Subnet | None = None
    address: Address | None = None
    gateway: Address | None = None
    dhcp: bool = False
    unique: bool = Field(default=True, description="with `address`: no other host of the segment may claim it (ARP probe)")


class DhcpProbe(ProbeSpecBase):
    """A DHCP server answers on the interface's segment with a lease in ``subnet`` and router ``gateway``."""

    kind: Literal["dhcp"] = "dhcp"
    interface: str
    subnet: Subnet | None = None
    gateway: Address | None = None
    dns: list[Address] = Field(default_factory=list, description="the DNS servers the offer must give, in order (empty: not checked)")
    servers: list[Address] = Field(
        default_factory=list, description="the DHCP servers allowed to answer: any other one is a rogue server (empty: not checked)"
    )
    timeout: float = Field(default=4.0, gt=0, le=60)


class ArpProbe(ProbeSpecBase):
    """``target`` answers ARP on the interface (it is on the same layer-2 segment)."""

    kind: Literal["arp"] = "arp"
    interface: str
    target: Address
    timeout: float = Field(default=1.0, gt=0, le=60)


class PingProbe(ProbeSpecBase):
    """ICMP echo to ``target`` (an address or a name), or to the address ``address_of`` holds when it runs."""

    kind: Literal["ping"] = "ping"
    target: str
    count: int = Field(default=1, ge=1, le=20)
    address_of: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$",
        description="NODE:INTERFACE of a lab host whose current address is pinged (a DHCP host); `target` names it",
    )


class DnsProbe(ProbeSpecBase):
    """A DNS question to the configured resolver (or ``server``); optionally the answer must contain ``expect``."""

    kind: Literal["dns"] = "dns"
    name: str
    type: Literal["A", "AAAA", "PTR", "SRV", "MX", "CNAME", "TXT"] = "A"
    expect: str | None = None
    server: Address | None = None
    port: int = Field(default=53, ge=1, le=65535)


class TcpProbe(ProbeSpecBase):
    """A TCP connection to ``host:port`` is accepted."""

    kind: Literal["tcp"] = "tcp"
    host: str
    port: int = Field(ge=1, le=65535)


class HttpProbe(ProbeSpecBase):
    """An HTTP(S) GET answers with ``status`` and a body containing ``contains``."""

    kind: Literal["http"] = "http"
    url: str = Field(pattern=r"^https?://")
    status: int = 200
    contains: str | None = None
    verify_tls: bool = False
    timeout: float = Field(default=3.0, gt=0, le=60)


class CommandProbe(ProbeSpecBase):
    """A command of the trade run on the node (``net ads testjoin``, ``wbinfo -t``…): exit 0, output contains ``expect``."""

    kind: Literal["command"] = "command"
    argv: list[str] = Field(min_length=1)
    expect: str = ""
    layer: Literal["network", "transport", "application"] = "application"
