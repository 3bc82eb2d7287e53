"""What the box's page changes in the live box: the port forwards and remote administration as rules of the
firewall's own nftables table (one transaction each time), the DHCP range in dnsmasq's configuration (dnsmasq
restarted: it reads its ranges only at start), and what the page shows (WAN status, the DHCP leases)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from officelab.devices.box.settings import Settings

TABLE = "inet officelab"
"""The firewall's table (the firewall domain's ruleset): the box's forwards sit beside the site's own."""


def nft(script: str) -> None:
    result = subprocess.run(["nft", "-f", "-"], input=script, capture_output=True, text=True, timeout=10)
    if result.returncode != 0:
        raise RuntimeError(f"nft refused the change: {result.stderr.strip()}")


def _handles(chain: str, prefix: str) -> list[int]:
    listing = subprocess.run(["nft", "-j", "-a", "list", "chain", *TABLE.split(), chain], capture_output=True, text=True, timeout=10)
    if listing.returncode != 0:
        raise RuntimeError(f"the firewall has no chain {chain}: {listing.stderr.strip()}")
    rules = [item["rule"] for item in json.loads(listing.stdout)["nftables"] if "rule" in item]
    return [r["handle"] for r in rules if str(r.get("comment", "")).startswith(prefix)]


def apply_firewall(config: dict[str, Any], settings: Settings) -> None:
    """The box's forwards and its remote administration, made exactly what the settings say, in one transaction."""
    wan = config["wan_iface"]
    if not config["firewall"]:
        if settings.forwards or settings.remote_admin:
            raise RuntimeError("cette box n'a pas de pare-feu : pas de redirection de ports")
        return
    lines = [f"delete rule {TABLE} prerouting handle {h}" for h in _handles("prerouting", "box forward ")]
    lines += [f"delete rule {TABLE} input handle {h}" for h in _handles("input", "box remote admin")]
    lines += [f"add rule {TABLE} prerouting {f.rule(wan)}" for f in settings.forwards]
    if settings.remote_admin:
        lines.append(f'insert rule {TABLE} input iifname "{wan}" tcp dport {config["port"]} accept comment "box remote admin"')
    if lines:
        nft("\n".join(lines) + "\n")


def _pids(program: bytes, conf: str) -> list[int]:
    """The processes of ``program`` started with ``conf`` (in the box's own process namespace)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argv and argv[0].endswith(program) and conf.encode() in argv:
                pids.append(int(entry.name))
    return pids


def apply_dhcp(config: dict[str, Any], settings: Settings) -> bool:
    """The range and lease time in dnsmasq's configuration; dnsmasq restarted (by its supervisor) when they
    changed. True when it was restarted."""
    conf = Path(config["dnsmasq_conf"])
    text = conf.read_text()
    tag = config["dhcp_tag"]
    line = f"dhcp-range=set:{tag},{settings.dhcp_start},{settings.dhcp_end},{config['netmask']},{settings.dhcp_lease}"
    new, count = re.subn(rf"^dhcp-range=set:{re.escape(tag)},.*$", line, text, flags=re.M)
    if count != 1:
        raise RuntimeError(f"{conf} has no DHCP range for {tag}")
    if new == text:
        return False
    conf.write_text(new)
    old = _pids(b"dnsmasq", str(conf))
    for pid in old:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:  # the supervisor starts it again; the page answers once it serves
        now = _pids(b"dnsmasq", str(conf))
        if now and not set(now) & set(old):
            return True
        time.sleep(0.1)
    raise RuntimeError("dnsmasq did not start again with the new range")


def apply_wifi(config: dict[str, Any], settings: Settings) -> bool:
    """The SSID and WPA2 passphrase written into the box's hostapd configuration, and hostapd told (SIGHUP: it
    reads its configuration again), when the box has a radio (``hostapd_conf`` in its configuration). True when
    the configuration changed."""
    path = config.get("hostapd_conf")
    if not path or not settings.ssid:
        return False
    conf = Path(path)
    text = conf.read_text()
    new = text
    for key, value in (("ssid", settings.ssid), ("wpa_passphrase", settings.wifi_key)):
        line = f"{key}={value}"
        lines = [line if old.startswith(f"{key}=") else old for old in new.splitlines()]
        new = "\n".join(lines if line in lines else [*lines, line]) + "\n"
    if new == text:
        return False
    conf.write_text(new)
    for pid in _pids(b"hostapd", path):
        os.kill(pid, signal.SIGHUP)
    return True


def leases(path: str) -> list[dict[str, str]]:
    """dnsmasq's leases file: expiry, MAC, address, name, client id, one lease a line."""
    try:
        lines = Path(path).read_text().splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in lines:
        parts = line.split()
        if len(parts) >= 4:
            expiry = int(parts[0])
            left = "illimité" if expiry == 0 else f"{max(0, expiry - int(time.time())) // 60} min"
            found.append({"mac": parts[1], "address": parts[2], "name": "" if parts[3] == "*" else parts[3], "left": left})
    return sorted(found, key=lambda lease: tuple(int(x) for x in lease["address"].split(".")))


def _ip(*args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(subprocess.run(["ip", "-j", *args], capture_output=True, text=True, timeout=5).stdout or "[]")
    return found


def wan_status(iface: str) -> dict[str, str]:
    """The WAN interface's link, address and default gateway, read from the kernel."""
    link = json.loads(subprocess.run(["ip", "-j", "link", "show", "dev", iface], capture_output=True, text=True, timeout=5).stdout or "[]")
    addr = json.loads(
        subprocess.run(["ip", "-j", "-4", "addr", "show", "dev", iface], capture_output=True, text=True, timeout=5).stdout or "[]"
    )
    route = json.loads(
        subprocess.run(["ip", "-j", "-4", "route", "show", "default"], capture_output=True, text=True, timeout=5).stdout or "[]"
    )
    up = bool(link) and "LOWER_UP" in link[0].get("flags", []) and link[0].get("operstate") in ("UP", "UNKNOWN")
    infos = [i for a in addr for i in a.get("addr_info", [])]
    return {
        "link": "connecté" if up else "déconnecté",
        "address": f"{infos[0]['local']}/{infos[0]['prefixlen']}" if infos else "aucune",
        "gateway": route[0].get("gateway", "aucune") if route else "aucune",
    }


def uptime(since: float) -> str:
    seconds = int(time.monotonic() - since)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return (f"{days} j " if days else "") + f"{hours} h {rest // 60:02d} min {rest % 60:02d} s"
