"""The inventory agent's view of a host, read on the host itself as GLPI's agent reads it: hostname, operating
system, kernel, memory, interfaces, default gateway and resolvers, installed packages, disks. One shell run per
host, its sections split by markers."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from subprocess import CompletedProcess

from officelab.inventory.model import AgentView, Interface

SECTIONS = {
    "hostname": "hostname",
    "os": "cat /etc/os-release",
    "kernel": "uname -r",
    "arch": "uname -m",
    "machine": "cat /etc/machine-id",
    "memory": "grep MemTotal /proc/meminfo",
    "addresses": "ip -j addr show",
    "routes": "ip -j route show default",
    "resolv": "cat /etc/resolv.conf",
    "packages": "dpkg-query -W -f '${Package}\\t${Version}\\n'",
    "disks": "df -PT -BM",
}
MARK = "@@officelab-agent@@"
DISK_TYPES = frozenset({"ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "ntfs", "zfs", "f2fs"})
"""Real disks' filesystems: the tmpfs a lab node hides OfficeLab's own files behind is no disk of the host."""
Runner = Callable[[list[str]], CompletedProcess[str]]


def script() -> str:
    return "\n".join(f"echo '{MARK} {name}'; {command} 2>/dev/null" for name, command in SECTIONS.items())


def split(output: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in output.splitlines():
        if line.startswith(MARK):
            current = sections.setdefault(line.removeprefix(MARK).strip(), [])
        elif current is not None:
            current.append(line)
    return {name: "\n".join(lines) for name, lines in sections.items()}


def _os_release(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {k: v.strip().strip('"') for k, v in pairs}


def _interfaces(text: str) -> list[Interface]:
    try:
        links = json.loads(text or "[]")
    except json.JSONDecodeError:
        return []
    found = []
    for link in links:
        if link.get("ifname") == "lo":
            continue
        addresses = [f"{a['local']}/{a['prefixlen']}" for a in link.get("addr_info", []) if a.get("family") == "inet"]
        dynamic = any(a.get("dynamic") for a in link.get("addr_info", []) if a.get("family") == "inet")
        up = "UP" in link.get("flags", [])
        found.append(Interface(link["ifname"], str(link.get("address", "")).lower(), addresses, up, dynamic))
    return found


def _disks(text: str) -> list[tuple[str, str, int, int]]:
    found = []
    for line in text.splitlines()[1:]:
        cols = line.split()
        if len(cols) >= 7 and cols[1] in DISK_TYPES:
            found.append((cols[6], cols[1], int(cols[2].rstrip("M")), int(cols[4].rstrip("M"))))
    return found


def parse(output: str) -> AgentView:
    s = split(output)
    release = _os_release(s.get("os", ""))
    hostname = s.get("hostname", "").strip()
    machine = s.get("machine", "").strip()
    try:
        routes = json.loads(s.get("routes") or "[]")
    except json.JSONDecodeError:
        routes = []
    memory = s.get("memory", "").split()
    return AgentView(
        hostname=hostname,
        os_name=release.get("PRETTY_NAME", release.get("NAME", "")),
        os_version=release.get("VERSION_ID", ""),
        kernel=s.get("kernel", "").strip(),
        arch=s.get("arch", "").strip(),
        # Lab nodes share the machine's /etc/machine-id and have no DMI: the host's identifier is named from both.
        uuid=str(uuid.uuid5(uuid.UUID(machine), hostname)) if len(machine) == 32 else "",
        memory_mib=int(memory[1]) // 1024 if len(memory) >= 2 and memory[1].isdigit() else 0,
        interfaces=_interfaces(s.get("addresses", "")),
        gateway=next((str(r.get("gateway", "")) for r in routes if r.get("gateway")), ""),
        dns=[line.split()[1] for line in s.get("resolv", "").splitlines() if line.startswith("nameserver ") and len(line.split()) > 1],
        packages=[(p[0], p[1]) for p in (line.split("\t") for line in s.get("packages", "").splitlines()) if len(p) == 2],
        disks=_disks(s.get("disks", "")),
    )


def agent_view(run: Runner) -> AgentView | str:
    """The agent's view of the host ``run`` executes on, or why it could not be read."""
    done = run(["sh", "-c", script()])
    if MARK not in done.stdout:
        return f"the agent did not run: {(done.stderr or done.stdout).strip()[:200]}"
    return parse(done.stdout)
