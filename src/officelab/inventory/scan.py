"""`officelab inventory scan --lab L`: the inventory of a running lab discovered from its network — an ARP/ICMP
sweep and a port scan of every LAN subnet from the site's router, each managed switch's MAC table and LLDP
neighbours, the DHCP leases, the directory's computer accounts, and the agent on each computer — then each asset
recognised against the design, and the differences listed."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from ipaddress import IPv4Interface
from typing import Any

from officelab.core.addressing import LARGEST_SUBNET
from officelab.core.errors import OfficeLabError
from officelab.inventory import agent, sources
from officelab.inventory.design import AGENT_KINDS, planned, recognise
from officelab.inventory.model import AgentView, Asset, Scan, Source, Unscanned
from officelab.inventory.sweep import Answer, sweep
from officelab.runtime.lab import Lab
from officelab.runtime.place import LabProber
from officelab.site.model import Site


def _subnets(site: Site, view: AgentView) -> list[tuple[str, IPv4Interface, str]]:
    """The router's LAN subnets to sweep (interface, its address, its MAC): Ethernet interfaces (a tunnel has no
    ARP), not towards the internet (the provider's side of the WAN is not the site's)."""
    internet = {i.address.network for n in site.nodes if n.kind.on_internet for i in n.interfaces if i.address is not None}
    found = []
    for iface in view.interfaces:
        for cidr in iface.addresses:
            own = IPv4Interface(cidr)
            if iface.mac and own.network not in internet and own.network.prefixlen >= LARGEST_SUBNET:
                found.append((iface.name, own, iface.mac))
    return found


class Observations:
    """Everything seen of each MAC, before MACs are grouped into devices."""

    def __init__(self) -> None:
        self.assets: dict[str, Asset] = {}

    def of(self, mac: str) -> Asset:
        return self.assets.setdefault(mac, Asset(macs=[mac]))

    def answer(self, a: Answer, vlan: int | None) -> None:
        asset = self.of(a.mac)
        asset.ips.append(a.ip)
        asset.sources |= {Source.ARP} | ({Source.ICMP} if a.echo else set()) | ({Source.PORTS} if a.ports else set())
        asset.ports = sorted(set(asset.ports) | set(a.ports))
        asset.vlan = asset.vlan if asset.vlan is not None else vlan
        if a.snmp:
            asset.sources.add(Source.SNMP)
            asset.name, asset.description = a.snmp.get("sysName", asset.name), a.snmp.get("sysDescr", "")

    def grouped(self, views: dict[str, AgentView], design: dict[str, str]) -> list[Asset]:
        """One asset per device: the MACs of one design node, or of one agent's host, together."""
        owner_of = {i.mac: host for host, v in views.items() for i in v.interfaces if i.mac}
        devices: dict[str, Asset] = {}
        for mac, seen in self.assets.items():
            key = design.get(mac) or owner_of.get(mac) or mac
            device = devices.setdefault(key, Asset())
            device.macs.append(mac)
            device.ips += [ip for ip in seen.ips if ip not in device.ips]
            device.ports = sorted(set(device.ports) | set(seen.ports))
            device.sources |= seen.sources
            device.name = device.name or seen.name
            device.description = device.description or seen.description
            device.vlan = device.vlan if device.vlan is not None else seen.vlan
            device.location = device.location or seen.location
        for key, device in devices.items():
            if key in views:
                device.agent, device.name = views[key], views[key].hostname
                device.sources.add(Source.AGENT)
        return list(devices.values())


def scan_lab(lab: Lab, progress: Callable[[str], None] = lambda _: None) -> Scan:
    if not lab.is_up():
        raise OfficeLabError(f"lab {lab.name} is not up: run `officelab up --lab {lab.name}`")
    site = lab.site()
    prober = LabProber(lab)
    result = Scan(site=site.name, lab=lab.name, started=time.time())
    start = time.monotonic()
    computers = [n.name for n in site.nodes if n.kind in AGENT_KINDS or n.kind.site_router]
    progress(f"agent on {len(computers)} hosts")
    with ThreadPoolExecutor(max_workers=8) as pool:
        read = list(pool.map(lambda n: agent.agent_view(lambda argv: prober.run(n, argv, timeout=30)), computers))
    views: dict[str, AgentView] = {}
    for node, view in zip(computers, read, strict=True):
        if isinstance(view, str):
            result.unscanned.append(Unscanned(f"agent:{node}", view))
        else:
            views[node] = view
    seen = Observations()
    vlan_of = {v.subnet: v.id for v in site.vlans}
    routers = [n.name for n in site.nodes if n.kind.site_router and n.name in views]
    if not routers:
        result.unscanned.append(Unscanned("sweep", "no router of the site to sweep its subnets from"))
    plan = planned(site)
    cabling = {p.port.split(":")[0] for p in plan.values() if p.port}  # the switches the site's hosts are cabled to
    targets = [(r, iface, own, mac) for r in routers for iface, own, mac in _subnets(site, views[r])]
    progress(f"sweep of {len(targets)} subnets, switches, leases, directory")
    with ThreadPoolExecutor(max_workers=8) as pool:
        sweeps = [pool.submit(sweep, prober.place(r), iface, own, mac) for r, iface, own, mac in targets]
        result.unscanned += [
            Unscanned(f"switch:{sw.name}", "unmanaged (no command line): its MAC table cannot be read, so no host is located on it")
            for sw in site.nodes
            if sw.kind.bridges and not sw.cli and sw.name in cabling
        ]
        leases = [pool.submit(_leases, prober, lab, n.name) for n in site.nodes if (lab.dir.node_dir(n.name) / "dnsmasq.leases").exists()]
        directory = pool.submit(_directory, prober, site)
        for (_, _, own, _), swept in zip(targets, sweeps, strict=True):
            for answer in swept.result():
                seen.answer(answer, vlan_of.get(own.network))
        # The switches are read after the sweep, which made every host answer through them: a quiet host (a server
        # that has sent nothing since it booted, or longer ago than the tables' ageing) is not in them otherwise.
        switches = [(sw.name, pool.submit(_switch, prober, site, sw.name)) for sw in site.nodes if sw.kind.bridges and sw.cli]
        learnt: list[sources.Learnt] = []
        neighbours: list[sources.Neighbour] = []
        for name, read_switch in switches:
            tables = read_switch.result()
            if isinstance(tables, str):
                result.unscanned.append(Unscanned(f"switch:{name}", tables))
            else:
                learnt += tables[0]
                neighbours += tables[1]
        for leased in leases:
            for lease in leased.result():
                asset = seen.of(lease.mac)
                asset.sources.add(Source.DHCP)
                asset.name = asset.name or lease.hostname
                if lease.ip not in asset.ips:
                    asset.ips.append(lease.ip)
        ad = directory.result()
    for mac, entry in sources.locations(learnt, neighbours).items():
        asset = seen.of(mac)
        asset.location, asset.sources = f"{entry.switch}:{entry.port}", asset.sources | {Source.MAC_TABLE}
        asset.vlan = entry.vlan if asset.vlan is None else asset.vlan
    named = {n.device for n in neighbours}
    for asset in seen.assets.values():
        if asset.name in named:
            asset.sources.add(Source.LLDP)
    design = {mac: p.node for mac, p in plan.items()}
    for router in routers:  # the sweep leaves from the router, which does not answer itself: its own interfaces
        for iface in views[router].interfaces:
            if iface.mac and iface.addresses:
                seen.of(iface.mac).ips += [str(IPv4Interface(c).ip) for c in iface.addresses]
    result.assets = seen.grouped(views, design)
    if isinstance(ad, Unscanned):
        result.unscanned.append(ad)
    recognise(result, site, None if isinstance(ad, Unscanned) else ad)
    tabled = {name for name, _ in switches}  # the switches whose tables were read
    for asset in result.assets:
        if asset.design in tabled:
            asset.switch_ports = sources.seen_ports(asset.design, learnt, neighbours)
    result.assets.sort(key=lambda a: (a.vlan or 0, a.label))
    result.duration = time.monotonic() - start
    return result


def _switch(prober: LabProber, site: Site, name: str) -> tuple[list[sources.Learnt], list[sources.Neighbour]] | str:
    node = next(n for n in site.nodes if n.name == name)
    how = sources.switch_show(site, node)
    if isinstance(how, str):
        return how
    vantage, spec = how
    answer = prober.probe(vantage, spec)
    if not answer.ok:
        return answer.summary
    outputs: dict[str, Any] = answer.data.get("outputs", {})
    return sources.switch_tables(name, outputs)


def _leases(prober: LabProber, lab: Lab, node: str) -> list[sources.Lease]:
    done = prober.run(node, ["cat", str(lab.dir.node_dir(node) / "dnsmasq.leases")])
    return sources.parse_leases(node, done.stdout)


def _directory(prober: LabProber, site: Site) -> set[str] | Unscanned:
    how = sources.ad_computers(site)
    if isinstance(how, Unscanned):
        return how
    where, spec = how
    answer = prober.probe(where, spec)
    if not answer.ok:
        return Unscanned("ad", answer.summary)
    return {str(v).split(".")[0].lower() for v in answer.data.get("values", [])}
