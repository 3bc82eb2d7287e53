"""The scan in GLPI's native inventory format (JSON, the format GLPI 10's agent sends and its inventory endpoint
injects): one document per asset — a Computer with what its agent read, network equipment with its ports, VLANs,
learnt MACs and LLDP neighbours (a ``netinventory``), printers, phones, cameras and unknown devices as
``netdiscovery`` results — and the same assets as CSV."""

from __future__ import annotations

import csv
import io
import json
import time
from ipaddress import IPv4Interface
from pathlib import Path
from typing import Any

from officelab import __version__
from officelab.domains.desk.assets import AssetRow
from officelab.inventory.model import AgentView, Asset, AssetKind, Scan, Source

VERSION_CLIENT = f"OfficeLab-Inventory_v{__version__}"
DEVICE_TYPES = {
    AssetKind.NETWORK: "Networking",
    AssetKind.PRINTER: "Printer",
    AssetKind.PHONE: "Phone",
    AssetKind.VIDEO: "Video",
    AssetKind.COMPUTER: "Computer",
    AssetKind.UNMANAGED: "Unmanaged",
}
ITEMTYPES = {AssetKind.VIDEO: "NetworkEquipment"}
CSV_FIELDS = ("name", "design", "kind", "vlan", "vlan_name", "location", "ips", "macs", "owner", "os", "ports", "sources")


def _stamp(when: float) -> str:
    return time.strftime("%Y-%m-%d-%H-%M-%S", time.localtime(when))


def _computer(asset: Asset, view: AgentView) -> dict[str, Any]:
    networks = []
    for iface in view.interfaces:
        entry: dict[str, Any] = {"description": iface.name, "mac": iface.mac, "status": "up" if iface.up else "down", "type": "ethernet"}
        if iface.name.startswith("wlan"):
            entry["type"] = "wifi"
        if iface.addresses:
            address = IPv4Interface(iface.addresses[0])
            entry |= {"ipaddress": str(address.ip), "ipmask": str(address.netmask), "ipsubnet": str(address.network.network_address)}
            if view.gateway and IPv4Interface(f"{view.gateway}/{address.network.prefixlen}").network == address.network:
                entry["ipgateway"] = view.gateway
        networks.append(entry)
    hardware: dict[str, Any] = {"name": view.hostname, "memory": view.memory_mib, "defaultgateway": view.gateway, "dns": "/".join(view.dns)}
    if view.uuid:
        hardware["uuid"] = view.uuid.upper()
    if asset.owner:
        hardware["lastloggeduser"] = asset.owner
    return {
        "hardware": hardware,
        "operatingsystem": {
            "name": view.os_name.split(" ")[0] if view.os_name else "Linux",
            "full_name": view.os_name,
            "version": view.os_version,
            "kernel_name": "linux",
            "kernel_version": view.kernel,
            "arch": view.arch,
            "fqdn": view.hostname,
        },
        "networks": networks,
        "softwares": [{"name": name, "version": version, "from": "deb"} for name, version in view.packages],
        "drives": [{"type": mount, "filesystem": fs, "total": total, "free": free} for mount, fs, total, free in view.disks],
    }


def _device(asset: Asset) -> dict[str, Any]:
    device: dict[str, Any] = {"type": DEVICE_TYPES[asset.kind], "name": asset.label, "ips": asset.ips}
    if asset.macs:
        device["mac"] = asset.macs[0]
    if asset.location:
        device["location"] = asset.location
    if asset.model:
        device["model"] = asset.model
    if asset.description:
        device["description"] = asset.description
    return device


def _ports(asset: Asset, vlan_names: dict[int, str]) -> list[dict[str, Any]]:
    ports = []
    for number, port in enumerate(asset.switch_ports, start=1):
        entry: dict[str, Any] = {
            "ifnumber": number,
            "ifname": port.name,
            "ifdescr": port.name,
            "iftype": 6,  # ethernetCsmacd (IANA ifType)
            "ifstatus": 1,
            "trunk": len(port.vlans) > 1,
            "vlans": [{"id": v, "name": vlan_names.get(v, "")} for v in port.vlans],
        }
        if port.neighbour:
            entry |= {"lldp": True, "connections": [{"sysname": port.neighbour, "ifdescr": port.neighbour_port}]}
        elif port.macs:
            entry["connections"] = [{"mac": m} for m in port.macs]
        ports.append(entry)
    return ports


def document(asset: Asset, scan: Scan, vlan_names: dict[int, str] | None = None) -> dict[str, Any]:
    """The GLPI inventory document of one asset."""
    content: dict[str, Any] = {"versionclient": VERSION_CLIENT}
    if asset.agent is not None and asset.kind is AssetKind.COMPUTER:
        content |= _computer(asset, asset.agent)
        action, itemtype = "inventory", "Computer"
    elif asset.kind is AssetKind.NETWORK:
        content |= {"network_device": _device(asset), "network_ports": _ports(asset, vlan_names or {})}
        action, itemtype = "netinventory", "NetworkEquipment"
    else:
        content["network_device"] = _device(asset)
        action, itemtype = "netdiscovery", ITEMTYPES.get(asset.kind, asset.kind.value)
    return {"deviceid": f"{asset.label}-{_stamp(scan.started)}", "action": action, "itemtype": itemtype, "content": content}


def documents(scan: Scan, vlan_names: dict[int, str] | None = None) -> dict[str, dict[str, Any]]:
    """File name → document, for every asset found on the network (a device only the design has is no inventory)."""
    named: dict[str, dict[str, Any]] = {}
    for a in (a for a in scan.assets if a.sources - {Source.DESIGN}):
        name = a.label.replace(":", "-")
        if f"{name}.json" in named and a.macs:  # two devices announcing one name (field mode): the MAC tells them apart
            name = f"{name}-{a.macs[0].replace(':', '')}"
        named[f"{name}.json"] = document(a, scan, vlan_names)
    return named


def write_documents(scan: Scan, directory: Path, vlan_names: dict[int, str] | None = None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, doc in documents(scan, vlan_names).items():
        path = directory / name
        path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        written.append(path)
    return written


def to_csv(scan: Scan) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for a in scan.assets:
        writer.writerow(
            {
                "name": a.name,
                "design": a.design,
                "kind": a.kind.value,
                "vlan": "" if a.vlan is None else a.vlan,
                "vlan_name": a.vlan_name,
                "location": a.location,
                "ips": " ".join(a.ips),
                "macs": " ".join(a.macs),
                "owner": a.owner,
                "os": a.agent.os_name if a.agent else "",
                "ports": " ".join(map(str, a.ports)),
                "sources": " ".join(sorted(a.sources)),
            }
        )
    return buffer.getvalue()


def desk_rows(scan: Scan, vlan_names: dict[int, str] | None = None) -> list[AssetRow]:
    """The scan as the desk's inventory keeps it: each asset with its GLPI document and its difference, if any."""
    flagged: dict[str, list[str]] = {}
    for d in scan.differences:
        flagged.setdefault(d.asset, []).append(d.detail)
    return [
        AssetRow(
            label=a.label,
            kind=a.kind.value,
            design=a.design,
            vlan=a.vlan,
            location=a.location,
            ips=" ".join(a.ips),
            macs=" ".join(a.macs),
            owner=a.owner,
            difference="; ".join(flagged.get(a.label, [])),
            document=json.dumps(document(a, scan, vlan_names)) if a.sources - {Source.DESIGN} else "{}",
        )
        for a in scan.assets
    ]


def to_json(scan: Scan) -> dict[str, Any]:
    """The scan as JSON: assets (without the agent's package lists), differences, what was not scanned."""
    assets = []
    for a in scan.assets:
        entry = {k: v for k, v in vars(a).items() if k not in ("agent", "switch_ports", "sources", "kind")}
        entry |= {"kind": a.kind.value, "sources": sorted(a.sources), "label": a.label}
        if a.agent is not None:
            entry["os"], entry["packages"] = a.agent.os_name, len(a.agent.packages)
        assets.append(entry)
    return {
        "site": scan.site,
        "lab": scan.lab,
        "started": scan.started,
        "duration": scan.duration,
        "assets": assets,
        "differences": [vars(d) for d in scan.differences],
        "unscanned": [vars(u) for u in scan.unscanned],
    }
