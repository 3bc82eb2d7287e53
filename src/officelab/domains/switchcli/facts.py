"""What follows from the site for a managed switch: its startup configuration, as IOS text, and its hardware.

The startup configuration is the site's design written the way the switch holds it; the switch boots on it
(`officelab.devices.switchos`). `design_of` reads a running configuration back into the site's terms, which is
how ``officelab site export`` writes a live network as a site file.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

from officelab.devices.switchos.config import (
    InterfaceConfig,
    LineConfig,
    SsidConfig,
    SviConfig,
    SwitchConfig,
    UserConfig,
    render,
    type9,
    vlan_list,
)
from officelab.devices.switchos.files import SwitchFiles
from officelab.site.model import Node, NodeKind, PortMode, Site
from officelab.site.topology import Topology, mac_for

SSH_PORT = 22
MODELS = {NodeKind.SWITCH: "OL-2960-24TT", NodeKind.ACCESS_POINT: "OL-AIR-AP1832"}


def managed(site: Site) -> list[Node]:
    """The switches and access points with a command line: a management address and a ``cli:`` section."""
    return [n for n in site.nodes if n.kind.bridges and n.management is not None and n.cli is not None]


def _salt(*parts: str) -> str:
    """A salt that is the same at every boot, so the startup configuration is the same text for the same site."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return base64.b64encode(digest, altchars=b"./").decode()[:14]


def _vid(topo: Topology, ref: int | str | None, default: int = 1) -> int:
    vid = topo.vlan_id(ref)
    return vid if vid is not None else default


def startup_config(site: Site, node: Node) -> SwitchConfig:
    """The switch's configuration as the site designs it."""
    topo = Topology(site)
    assert node.cli is not None and node.management is not None
    config = SwitchConfig(hostname=node.name, access_point=node.kind is NodeKind.ACCESS_POINT, domain_name=site.site.domain)
    used: set[int] = {_vid(topo, node.management.vlan)}
    for name, port in topo.switch_ports[node.name].items():
        conf = InterfaceConfig(name, description=port.description, shutdown=port.shutdown)
        if port.mode is PortMode.TRUNK:
            conf.mode = "trunk"
            conf.trunk_allowed = sorted({_vid(topo, r) for r in port.vlans})
            conf.native_vlan = _vid(topo, port.native)
            used |= set(conf.trunk_allowed) | ({conf.native_vlan} if port.native is not None else set())
        else:
            conf.access_vlan = _vid(topo, port.vlan)
            used.add(conf.access_vlan)
        config.interfaces[name] = conf
    for vlan in site.vlans:
        if vlan.id in used:
            config.vlans[vlan.id] = vlan.name
    mgmt = node.management
    vid = _vid(topo, mgmt.vlan)
    config.svis[vid] = SviConfig(vid, str(mgmt.address))
    config.default_gateway = str(mgmt.gateway) if mgmt.gateway is not None else None
    cli = node.cli
    for user in cli.users:
        config.users[user.name] = UserConfig(user.name, user.privilege, type9(user.secret, _salt(site.name, node.name, user.name)))
    config.enable_secret = type9(cli.enable_secret, _salt(site.name, node.name, "enable"))
    config.banner_motd = cli.banner
    config.vty = LineConfig(exec_timeout=(cli.exec_timeout, 0))
    for ssid in cli.ssids:
        radio = topo.switch_ports[node.name].get(ssid.port)
        ssid_vlan = _vid(topo, radio.vlan) if radio is not None else None
        config.ssids[ssid.name] = SsidConfig(ssid.name, ssid_vlan, ssid.security, ssid.passphrase)
    if cli.ssids:
        config.radio_ssids = {"Dot11Radio0": [s.name for s in cli.ssids]}
    return config


def startup_text(site: Site, node: Node) -> str:
    return render(startup_config(site, node))


def _capability(node: Node) -> tuple[str, str]:
    """CDP's capability letters and a platform for a neighbour."""
    return {
        NodeKind.SWITCH: ("S I", MODELS[NodeKind.SWITCH]),
        NodeKind.ACCESS_POINT: ("T", MODELS[NodeKind.ACCESS_POINT]),
        NodeKind.ROUTER: ("R S I", "Linux-router"),
        NodeKind.BOX: ("R S I", "Internet-box"),
        NodeKind.PHONE: ("H P", "SIP-phone"),
        NodeKind.PRINTER: ("H", "IPP-printer"),
        NodeKind.CAMERA: ("H", "IP-camera"),
    }.get(node.kind, ("H", "Linux"))


def hardware(site: Site, node: Node, node_dir: Path) -> dict[str, Any]:
    """``hardware.json``: what the switch is (ports, neighbours by the cabling, its files)."""
    topo = Topology(site)
    paths = SwitchFiles(node_dir)
    neighbors = []
    for name in topo.switch_ports[node.name]:
        peer = topo.peers.get((node.name, name))
        if peer is None:
            continue
        other = topo.nodes[peer[0]]
        capability, platform = _capability(other)
        address = ""
        if other.management is not None:
            address = str(other.management.address.ip)
        else:
            iface = topo.interface(other.name, peer[1])
            address = str(iface.address.ip) if iface is not None and iface.address is not None else ""
        neighbors.append(
            {
                "local_port": name,
                "device": other.name,
                "remote_port": peer[1],
                "capability": capability,
                "platform": platform,
                "address": address,
            }
        )
    trunk_vlans: dict[str, int] = {}
    for other in site.nodes:
        for name, _iface, vid in topo.l3_interfaces(other):
            if vid is not None:
                trunk_vlans[topo.mac(other.name, name)] = vid
        if other.management is not None:
            trunk_vlans[mac_for(other.name, "mgmt")] = _vid(topo, other.management.vlan)
    for hp in topo.hosts:
        if hp.vlan is not None:
            trunk_vlans[topo.mac(hp.node.name, hp.iface.name)] = hp.vlan.id
    digest = hashlib.sha256(f"{site.name}/{node.name}".encode()).hexdigest().upper()
    assert node.cli is not None
    return {
        "hostname": node.name,
        "ports": list(topo.switch_ports[node.name]),
        "model": MODELS.get(node.kind, MODELS[NodeKind.SWITCH]),
        "serial": f"OLB{digest[:8]}",
        "base_mac": mac_for(node.name, "base"),
        "management": "mgmt",
        "management_port": "mgmt-p",
        "neighbors": neighbors,
        "ssid_ports": {s.name: s.port for s in node.cli.ssids},
        "trunk_vlans": trunk_vlans,
        "access_point": node.kind is NodeKind.ACCESS_POINT,
        "nvram": str(paths.nvram),
        "state_dir": str(paths.base),
        "listen": "0.0.0.0",
        "ssh_port": SSH_PORT,
        "host_key": str(paths.base / "ssh_host_key"),
        "control": str(paths.control),
        "cache": str(paths.cache),
    }


def login(node: Node) -> tuple[str, str]:
    """The first local account: OfficeLab's own way in for its checks."""
    assert node.cli is not None
    return node.cli.users[0].name, node.cli.users[0].secret


def describe_port(port: InterfaceConfig) -> str:
    """A port in the design's terms: ``access 10``, ``trunk 10,20,99 native 99``, ``… shutdown``."""
    if port.mode == "trunk":
        allowed = "all" if port.trunk_allowed is None else vlan_list(port.trunk_allowed) or "none"
        text = f"trunk {allowed} native {port.native_vlan}"
    else:
        text = f"access {port.access_vlan}"
    return text + (" shutdown" if port.shutdown else "")


def design(site: Site, node: Node) -> tuple[dict[str, str], list[int]]:
    """What the site says each port of a managed switch does, and the VLANs it must know."""
    config = startup_config(site, node)
    return {name: describe_port(port) for name, port in config.interfaces.items()}, sorted(config.vlans)


class _Unplugged:
    """The data plane of a configuration read on paper: there is none."""

    def links(self) -> dict[str, Any]:
        return {}


def parse_running(text: str, hostname: str, ports: list[str]) -> tuple[SwitchConfig, list[str]]:
    """A configuration's text read as the switch would read it (the same commands), with the lines it refuses."""
    from officelab.devices.switchos.shell import SHELL
    from officelab.devices.switchos.switch import Hardware, Switch

    access_point = any(line.startswith("dot11 ssid ") for line in text.splitlines())
    switch = Switch(Hardware(hostname=hostname, ports=ports, access_point=access_point), _Unplugged(), SHELL)  # type: ignore[arg-type]
    return SHELL.load(switch, text)


def ports_of(text: str) -> list[str]:
    """The ports a configuration's text names (``interface X`` lines, not VLAN interfaces)."""
    found = [line.split(None, 1)[1].strip() for line in text.splitlines() if line.startswith("interface ")]
    return [p for p in found if not p.lower().startswith(("vlan", "dot11radio"))]
