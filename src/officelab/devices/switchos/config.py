"""A switch's configuration, as IOS holds it: the data behind ``show running-config``.

The same text is the startup configuration OfficeLab writes for a switch from its site file, the file
``write memory`` saves, and what ``copy … tftp:`` sends; reading it back is typing it in configuration mode
(`officelab.devices.switchos.commands`), as a real switch does at boot. `render` gives the text.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field

VERSION = "15.2"
"""The IOS release the switch claims (`show version`, the config's first line)."""

_IOS64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_STD64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _ios_b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=").translate(str.maketrans(_STD64, _IOS64))


def type9(secret: str, salt: str | None = None) -> str:
    """A type 9 secret (scrypt, N=16384 r=1 p=1, IOS's base64 alphabet): ``$9$<14-char salt>$<43-char hash>``."""
    salt = salt or _ios_b64(os.urandom(11))[:14]
    digest = hashlib.scrypt(secret.encode(), salt=salt.encode(), n=16384, r=1, p=1, dklen=32)
    return f"$9${salt}${_ios_b64(digest)}"


def secret_matches(stored: str, typed: str) -> bool:
    """Does ``typed`` match a stored type 9 secret (or a type 0 one, as written in clear)?"""
    if stored.startswith("$9$"):
        parts = stored.split("$")
        return len(parts) == 4 and type9(typed, parts[2]) == stored
    return stored == typed


@dataclass
class PortSecurity:
    enabled: bool = False
    maximum: int = 1
    violation: str = "shutdown"  # shutdown | restrict | protect
    sticky: bool = False
    macs: list[str] = field(default_factory=list)
    """Secure addresses written in the configuration (sticky or static), as ``xxxx.xxxx.xxxx``."""


@dataclass
class InterfaceConfig:
    """A switch port (``interface ge3``)."""

    name: str
    description: str = ""
    mode: str = "access"  # access | trunk
    access_vlan: int = 1
    trunk_allowed: list[int] | None = None
    """None: every VLAN (IOS's default, ``switchport trunk allowed vlan all``)."""
    native_vlan: int = 1
    shutdown: bool = False
    portfast: bool = False
    security: PortSecurity = field(default_factory=PortSecurity)


@dataclass
class SviConfig:
    """A VLAN interface (``interface Vlan99``): the switch's own address."""

    vid: int
    address: str | None = None
    """``10.10.99.3/24``, or None (``no ip address``)."""
    shutdown: bool = False


@dataclass
class UserConfig:
    name: str
    privilege: int
    secret: str
    """A type 9 hash, or clear text when configured with ``secret 0`` (rendered hashed)."""


@dataclass
class SsidConfig:
    """An access point's SSID (``dot11 ssid NAME``) and the VLAN its clients are put in."""

    name: str
    vlan: int | None = None
    authentication: str = "open"  # open | wpa2-psk | wpa3-sae | wpa2-enterprise
    passphrase: str = ""
    guest_mode: bool = True


@dataclass
class LineConfig:
    exec_timeout: tuple[int, int] = (10, 0)
    """Minutes and seconds of idle before the session is closed (``exec-timeout 0 0``: never)."""
    login_local: bool = True
    transport: str = "ssh"  # ssh | telnet | all | none


@dataclass
class SwitchConfig:
    hostname: str
    vlans: dict[int, str] = field(default_factory=lambda: {1: "default"})
    interfaces: dict[str, InterfaceConfig] = field(default_factory=dict)
    svis: dict[int, SviConfig] = field(default_factory=dict)
    default_gateway: str | None = None
    domain_name: str = ""
    users: dict[str, UserConfig] = field(default_factory=dict)
    enable_secret: str = ""
    banner_motd: str = ""
    vty: LineConfig = field(default_factory=LineConfig)
    http_server: bool = False
    ssids: dict[str, SsidConfig] = field(default_factory=dict)
    radio_ssids: dict[str, list[str]] = field(default_factory=dict)
    """Radio interface → the SSIDs it offers (``interface Dot11Radio0`` / ``ssid NAME``)."""
    access_point: bool = False

    def vlan_name(self, vid: int) -> str:
        return self.vlans.get(vid, f"VLAN{vid:04d}")

    @property
    def management(self) -> SviConfig | None:
        """The SVI that holds the switch's address (this switch has one management interface)."""
        return next((s for s in self.svis.values() if s.address), None)


def vlan_list(vids: list[int]) -> str:
    """``[10, 11, 12, 20]`` → ``10-12,20``, as IOS writes allowed lists."""
    out: list[str] = []
    ordered = sorted(set(vids))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(str(ordered[i]) if j == i else f"{ordered[i]}-{ordered[j]}" if j > i + 1 else f"{ordered[i]},{ordered[j]}")
        i = j + 1
    return ",".join(out)


def parse_vlan_list(text: str) -> list[int]:
    """``10-12,20`` → ``[10, 11, 12, 20]``; raises ValueError on anything else (or ids outside 1-4094)."""
    vids: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        lo, hi = int(first), int(last or first)
        if not (1 <= lo <= hi <= 4094):
            raise ValueError(part)
        vids.update(range(lo, hi + 1))
    return sorted(vids)


def _mask(prefix: int) -> str:
    bits = (0xFFFFFFFF << (32 - prefix)) & 0xFFFFFFFF
    return ".".join(str((bits >> s) & 0xFF) for s in (24, 16, 8, 0))


def address_words(cidr: str) -> str:
    """``10.10.99.3/24`` → ``10.10.99.3 255.255.255.0``."""
    ip, _, prefix = cidr.partition("/")
    return f"{ip} {_mask(int(prefix or 32))}"


def _port_key(name: str) -> tuple[str, int, str]:
    head = name.rstrip("0123456789")
    tail = name[len(head) :]
    return (head, int(tail) if tail else -1, name)


def sorted_ports(names: object) -> list[str]:
    """Port names in a switch's order: ``ge2`` before ``ge10``."""
    return sorted((str(n) for n in names), key=_port_key)  # type: ignore[attr-defined]


def interface_block(port: InterfaceConfig) -> list[str]:
    lines = [f"interface {port.name}"]
    if port.description:
        lines.append(f" description {port.description}")
    if port.mode == "trunk":
        if port.native_vlan != 1:
            lines.append(f" switchport trunk native vlan {port.native_vlan}")
        if port.trunk_allowed is not None:
            lines.append(f" switchport trunk allowed vlan {vlan_list(port.trunk_allowed) or 'none'}")
        lines.append(" switchport mode trunk")
    else:
        if port.access_vlan != 1:
            lines.append(f" switchport access vlan {port.access_vlan}")
        lines.append(" switchport mode access")
    sec = port.security
    if sec.maximum != 1:
        lines.append(f" switchport port-security maximum {sec.maximum}")
    if sec.violation != "shutdown":
        lines.append(f" switchport port-security violation {sec.violation}")
    if sec.sticky:
        lines.append(" switchport port-security mac-address sticky")
    for mac in sec.macs:
        lines.append(f" switchport port-security mac-address {'sticky ' if sec.sticky else ''}{mac}")
    if sec.enabled:
        lines.append(" switchport port-security")
    if port.portfast:
        lines.append(" spanning-tree portfast")
    if port.shutdown:
        lines.append(" shutdown")
    return [*lines, "!"]


def render(config: SwitchConfig) -> str:
    """The configuration as IOS writes it (``show running-config`` without its three header lines)."""
    lines = [
        "!",
        f"version {VERSION}",
        "no service pad",
        "service timestamps debug datetime msec",
        "service timestamps log datetime msec",
        "no service password-encryption",
        "!",
        f"hostname {config.hostname}",
        "!",
        "boot-start-marker",
        "boot-end-marker",
        "!",
    ]
    if config.enable_secret:
        lines += [f"enable secret {_secret_words(config.enable_secret)}", "!"]
    for user in config.users.values():
        lines.append(f"username {user.name} privilege {user.privilege} secret {_secret_words(user.secret)}")
    lines += ["no aaa new-model", "!"]
    if config.domain_name:
        lines += [f"ip domain-name {config.domain_name}", "!"]
    for ssid in config.ssids.values():
        lines.append(f"dot11 ssid {ssid.name}")
        if ssid.vlan is not None:
            lines.append(f"   vlan {ssid.vlan}")
        lines.append("   authentication open")
        if ssid.authentication == "wpa2-psk":
            lines += ["   authentication key-management wpa version 2", f"   wpa-psk ascii 0 {ssid.passphrase}"]
        elif ssid.authentication == "wpa3-sae":
            lines += ["   authentication key-management sae", f"   wpa-psk ascii 0 {ssid.passphrase}"]
        elif ssid.authentication == "wpa2-enterprise":
            lines += ["   authentication network-eap eap_methods", "   authentication key-management wpa version 2"]
        if ssid.guest_mode:
            lines.append("   guest-mode")
        lines.append("!")
    if not config.access_point:
        lines += ["spanning-tree mode rapid-pvst", "spanning-tree extend system-id", "!"]
    for vid in sorted(config.vlans):
        if vid == 1:
            continue
        lines += [f"vlan {vid}", f" name {config.vlans[vid]}", "!"]
    for radio, ssids in sorted(config.radio_ssids.items()):
        lines += [f"interface {radio}", *(f" ssid {s}" for s in ssids), "!"]
    for name in sorted_ports(config.interfaces):
        lines += interface_block(config.interfaces[name])
    for vid in sorted(config.svis):
        svi = config.svis[vid]
        lines.append(f"interface Vlan{vid}")
        lines.append(f" ip address {address_words(svi.address)}" if svi.address else " no ip address")
        if svi.shutdown:
            lines.append(" shutdown")
        lines.append("!")
    if config.default_gateway:
        lines.append(f"ip default-gateway {config.default_gateway}")
    lines += ["ip http server" if config.http_server else "no ip http server", "no ip http secure-server", "!"]
    if config.banner_motd:
        lines += ["banner motd ^C", *config.banner_motd.splitlines(), "^C", "!"]
    minutes, seconds = config.vty.exec_timeout
    vty = [f" exec-timeout {minutes} {seconds}"] if (minutes, seconds) != (10, 0) else []
    vty += [" login local" if config.vty.login_local else " login", f" transport input {config.vty.transport}"]
    lines += ["line con 0", "line vty 0 4", *vty, "line vty 5 15", *vty, "!", "end", ""]
    return "\n".join(lines)


def _secret_words(secret: str) -> str:
    return f"9 {secret}" if secret.startswith("$9$") else f"9 {type9(secret)}"


def header(text: str) -> str:
    """``show running-config``'s first lines, which backup tools (Oxidized's ``cut_head(3)``) expect."""
    return f"Building configuration...\n\nCurrent configuration : {len(text.encode())} bytes\n"
