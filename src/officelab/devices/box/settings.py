"""The box's settings file: what the admin page changes, kept in the box node's directory (JSON), with the admin
password as a scrypt hash; and the checks of what the page is given, in the words a box's page uses."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
LEASE = re.compile(r"^[1-9][0-9]{0,4}[mhd]$")


class Refused(ValueError):
    """What the page refuses, in French, as the page shows it."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    _, salt, digest = stored.split("$")
    return hmac.compare_digest(hash_password(password, bytes.fromhex(salt)).split("$")[2], digest)


@dataclass
class Forward:
    name: str
    proto: str
    port: int
    to: str
    to_port: int

    def rule(self, wan: str) -> str:
        """The nftables rule, in the form of the firewall's own port forwards (its prerouting chain)."""
        return f'iifname "{wan}" {self.proto} dport {self.port} dnat ip to {self.to}:{self.to_port} comment "box forward {self.name}"'


@dataclass
class Settings:
    password: str
    dhcp_start: str
    dhcp_end: str
    dhcp_lease: str
    forwards: list[Forward] = field(default_factory=list)
    ssid: str = ""
    wifi_key: str = ""
    remote_admin: bool = False

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Settings:
        forwards = [Forward(**f) for f in data.get("forwards", [])]
        return cls(**{**data, "forwards": forwards})

    def save(self, path: Path) -> None:
        """Written whole then renamed: a crash never leaves half a settings file."""
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n")
        os.chmod(tmp, 0o600)
        tmp.replace(path)


def load(path: Path, initial: dict[str, Any]) -> Settings:
    """The saved settings, or the box's initial ones (its factory or configured state) on first start."""
    if path.exists():
        return Settings.from_json(json.loads(path.read_text()))
    data = dict(initial)
    data["password"] = hash_password(data.pop("password_plain"))
    settings = Settings.from_json(data)
    settings.save(path)
    return settings


def check_range(subnet: str, box: str, start: str, end: str, lease: str) -> None:
    net = ipaddress.ip_network(subnet)
    try:
        first, last = ipaddress.ip_address(start), ipaddress.ip_address(end)
    except ValueError as exc:
        raise Refused(f"adresse invalide : {exc}") from None
    if first not in net or last not in net:
        raise Refused(f"la plage doit rester dans le réseau local {net}")
    if int(first) > int(last):
        raise Refused("le début de la plage est après sa fin")
    if first in (net.network_address, net.broadcast_address) or last in (net.network_address, net.broadcast_address):
        raise Refused("la plage ne peut pas contenir l'adresse du réseau ni celle de diffusion")
    if int(first) <= int(ipaddress.ip_address(box)) <= int(last):
        raise Refused(f"la plage ne doit pas contenir l'adresse de la box ({box})")
    if not LEASE.match(lease):
        raise Refused("durée de bail invalide : par exemple 12h, 30m ou 1d")


def check_forward(subnet: str, box: str, taken: list[Forward], fwd: Forward) -> None:
    if not NAME.match(fwd.name):
        raise Refused("nom invalide : minuscules, chiffres et tirets")
    if fwd.proto not in ("tcp", "udp"):
        raise Refused("protocole : tcp ou udp")
    for port in (fwd.port, fwd.to_port):
        if not 1 <= port <= 65535:
            raise Refused("un port est entre 1 et 65535")
    try:
        target = ipaddress.ip_address(fwd.to)
    except ValueError:
        raise Refused(f"adresse invalide : {fwd.to}") from None
    if target not in ipaddress.ip_network(subnet) or str(target) == box:
        raise Refused(f"la redirection va vers un appareil du réseau local {subnet} (pas la box)")
    if any(f.name == fwd.name for f in taken):
        raise Refused(f"une redirection s'appelle déjà {fwd.name}")
    if any(f.proto == fwd.proto and f.port == fwd.port for f in taken):
        raise Refused(f"le port {fwd.proto}/{fwd.port} est déjà redirigé")


def check_password(new: str, confirm: str, factory: str) -> None:
    if new != confirm:
        raise Refused("les deux mots de passe diffèrent")
    if new == factory:
        raise Refused("choisissez un autre mot de passe que celui d'usine")
    if len(new) < 8:
        raise Refused("le mot de passe fait au moins 8 caractères")


def check_wifi(ssid: str, key: str) -> None:
    if not 1 <= len(ssid.encode()) <= 32:
        raise Refused("le nom du réseau (SSID) fait 1 à 32 octets")
    if not 8 <= len(key) <= 63 or not key.isprintable():
        raise Refused("la clé WPA2 fait 8 à 63 caractères imprimables")
