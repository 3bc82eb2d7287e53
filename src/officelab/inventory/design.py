"""The scan against the site's design: which node each MAC is, where the design cables it (switch port, VLAN),
who works on it, and the differences — a device the design does not have, one it has that did not answer, one
plugged elsewhere or in another VLAN, a computer the directory does not know."""

from __future__ import annotations

from dataclasses import dataclass

from officelab.inventory.model import Asset, AssetKind, Difference, Scan, Source
from officelab.site.model import NodeKind, Site
from officelab.site.topology import Topology, mac_for

KINDS = {
    NodeKind.ROUTER: AssetKind.NETWORK,
    NodeKind.BOX: AssetKind.NETWORK,
    NodeKind.SWITCH: AssetKind.NETWORK,
    NodeKind.ACCESS_POINT: AssetKind.NETWORK,
    NodeKind.SERVER: AssetKind.COMPUTER,
    NodeKind.WORKSTATION: AssetKind.COMPUTER,
    NodeKind.LAPTOP: AssetKind.COMPUTER,
    NodeKind.TABLET: AssetKind.COMPUTER,
    NodeKind.PHONE: AssetKind.PHONE,
    NodeKind.PRINTER: AssetKind.PRINTER,
    NodeKind.CAMERA: AssetKind.VIDEO,
    NodeKind.IOT: AssetKind.UNMANAGED,
}
AGENT_KINDS = (NodeKind.SERVER, NodeKind.WORKSTATION, NodeKind.LAPTOP)
"""Where an inventory agent is installed: the computers (the rest is found from the network)."""


@dataclass(frozen=True)
class Planned:
    """A MAC of the design: its node, interface, VLAN and the switch port its cable goes to."""

    node: str
    interface: str
    vlan: int | None
    port: str  # switch:port, or "" when the cable goes to a router or nowhere


def planned(site: Site) -> dict[str, Planned]:
    """MAC → what the design says of it, for every layer-3 interface of the site's own nodes (sub-interfaces and
    switches' management interfaces included)."""
    topo = Topology(site)
    bridges = {n.name for n in site.nodes if n.kind.bridges}
    found: dict[str, Planned] = {}
    for node in site.nodes:
        if node.kind.on_internet:
            continue
        for name, _, vid in topo.l3_interfaces(node):
            parent = name.split(".")[0]
            peer = topo.peers.get((node.name, parent))
            port = f"{peer[0]}:{peer[1]}" if peer is not None and peer[0] in bridges else ""
            vlan = topo.vlan_of(node.name, name) if vid is None else None
            found[topo.mac(node.name, name).lower()] = Planned(node.name, name, vid if vlan is None else vlan.id, port)
        if node.management is not None:
            found[mac_for(node.name, "mgmt")] = Planned(node.name, "mgmt", topo.vlan_id(node.management.vlan), "")
    return found


def guess_kind(ports: list[int]) -> AssetKind:
    """What an unknown device probably is, from the ports it answers on (a printer's IPP or JetDirect, a camera's
    RTSP, a phone's SIP over TCP)."""
    if {631, 9100, 515} & set(ports):
        return AssetKind.PRINTER
    if 554 in ports:
        return AssetKind.VIDEO
    if 5060 in ports:
        return AssetKind.PHONE
    return AssetKind.COMPUTER if {22, 445, 3389} & set(ports) else AssetKind.UNMANAGED


def recognise(scan: Scan, site: Site, ad_names: set[str] | None) -> None:
    """Name each asset after the design's node it is, and list the differences."""
    plan = planned(site)
    nodes = {n.name: n for n in site.nodes}
    owners = {u.workstation: u.login for u in (site.directory.users if site.directory else []) if u.workstation}
    vlan_names = {v.id: v.name for v in site.vlans}
    seen: set[str] = set()
    for asset in scan.assets:
        mine = [plan[m] for m in asset.macs if m in plan]
        if mine:
            node = nodes[mine[0].node]
            asset.design, asset.kind, asset.owner = node.name, KINDS.get(node.kind, AssetKind.UNMANAGED), owners.get(node.name, "")
            asset.model = node.description
            seen.add(node.name)
            _compare(scan, asset, mine[0], len({m.vlan for m in mine}) > 1)
        else:
            asset.kind = guess_kind(asset.ports) if asset.kind is AssetKind.UNMANAGED else asset.kind
            asset.unknown = True
            where = f" at {asset.location}" if asset.location else ""
            called = f", announced as {asset.name}" if asset.name else ""
            scan.differences.append(
                Difference(
                    "unknown",
                    asset.label,
                    f"{asset.label} ({', '.join(asset.ips) or 'no address'}{called}) is on VLAN {asset.vlan}{where}: not in the design",
                )
            )
        if asset.vlan is not None:
            asset.vlan_name = vlan_names.get(asset.vlan, "")
    for mac, p in sorted(plan.items(), key=lambda kv: kv[1].node):
        node = nodes[p.node]
        if p.node in seen or (node.kind.bridges and node.management is None):
            continue
        seen.add(p.node)
        scan.assets.append(
            Asset(macs=[mac], design=p.node, kind=KINDS.get(node.kind, AssetKind.UNMANAGED), vlan=p.vlan, sources={Source.DESIGN})
        )
        scan.differences.append(Difference("missing", p.node, f"{p.node} ({p.interface}) did not answer on the network"))
    if ad_names is not None and site.directory is not None:
        for computer in site.directory.computers:
            if computer.lower() not in ad_names:
                scan.differences.append(Difference("not-joined", computer, f"{computer} has no computer account in the directory"))
        for asset in scan.assets:
            if asset.design.lower() in ad_names:
                asset.sources.add(Source.AD)
                asset.ad_account = f"{asset.design.upper()[:15]}$"


def _compare(scan: Scan, asset: Asset, p: Planned, trunk: bool) -> None:
    if p.port and asset.location and asset.location != p.port:
        scan.differences.append(
            Difference("moved", asset.label, f"{asset.label} is plugged into {asset.location}, the design says {p.port}")
        )
    if not trunk and p.vlan is not None and asset.vlan is not None and asset.vlan != p.vlan and p.port:
        scan.differences.append(Difference("other-vlan", asset.label, f"{asset.label} is in VLAN {asset.vlan}, the design says {p.vlan}"))
