"""The network probes: link, IP configuration, DHCP, ARP, ICMP (`links`), DNS, TCP, HTTP(S) and commands
(`services`). Importing the package registers them all; other domains resolve names with `address_of`."""

from officelab.domains.network.probes import links, services
from officelab.domains.network.probes.services import address_of, nameservers, resolve

__all__ = ["address_of", "links", "nameservers", "resolve", "services"]
