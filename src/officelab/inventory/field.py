"""Field mode: `officelab inventory scan --here SUBNET`, the inventory of a real subnet from this machine, without
the site's file or secrets: the sweep (ARP, ICMP, TCP ports, SNMP) from the interface on that subnet, and this
machine's own agent view. What needs the design or the secrets is said not scanned."""

from __future__ import annotations

import time
from ipaddress import IPv4Interface

from officelab.core.addressing import field_subnet
from officelab.core.errors import OfficeLabError
from officelab.inventory import agent
from officelab.inventory.design import guess_kind
from officelab.inventory.model import Asset, AssetKind, Scan, Source, Unscanned
from officelab.inventory.sweep import sweep
from officelab.probes.place import LocalPlace, Place

NEEDS_THE_SITE = (
    Unscanned("mac-table", "needs the switches' accounts"),
    Unscanned("dhcp", "needs a login on the DHCP server"),
    Unscanned("ad", "needs a directory account"),
    Unscanned("design", "needs the site's file: no difference is flagged"),
)


def scan_here(subnet: str, place: Place | None = None) -> Scan:
    """The inventory of ``subnet`` from ``place`` (this machine by default), which must have an address in it."""
    where: Place = place or LocalPlace()
    network = field_subnet(subnet, "scan")
    started, start = time.time(), time.monotonic()
    view = agent.agent_view(lambda argv: where.run(argv, timeout=30))
    if isinstance(view, str):
        raise OfficeLabError(f"--here {subnet}: {view}")
    own = next(((i, IPv4Interface(c)) for i in view.interfaces for c in i.addresses if IPv4Interface(c).network == network), None)
    if own is None:
        raise OfficeLabError(f"--here {network}: this machine has no address in it (plug into that subnet, or name one of its own)")
    iface, address = own
    result = Scan(site=f"(field) {network}", lab=where.name, started=started, unscanned=list(NEEDS_THE_SITE))
    me = Asset(macs=[iface.mac], ips=[str(address.ip)], name=view.hostname, kind=AssetKind.COMPUTER, agent=view, sources={Source.AGENT})
    result.assets.append(me)
    for answer in sweep(where, iface.name, address, iface.mac):
        found = Asset(macs=[answer.mac], ips=[answer.ip], name=answer.snmp.get("sysName", ""), ports=answer.ports)
        found.sources = {Source.ARP} | ({Source.ICMP} if answer.echo else set()) | ({Source.PORTS} if answer.ports else set())
        found.sources |= {Source.SNMP} if answer.snmp else set()
        found.description = answer.snmp.get("sysDescr", "")
        found.kind = guess_kind(answer.ports)
        result.assets.append(found)
    result.duration = time.monotonic() - start
    return result
