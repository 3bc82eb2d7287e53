"""The agent's view parsed from what the host prints: OS, kernel, memory, interfaces, gateway, resolvers,
packages, and only real disks (not the tmpfs a node hides OfficeLab behind)."""

from __future__ import annotations

import json

from officelab.inventory.agent import MARK, SECTIONS, parse

ADDRESSES = [
    {
        "ifname": "lo",
        "flags": ["LOOPBACK", "UP"],
        "address": "00:00:00:00:00:00",
        "addr_info": [{"family": "inet", "local": "127.0.0.1", "prefixlen": 8}],
    },
    {
        "ifname": "eth0",
        "flags": ["BROADCAST", "UP", "LOWER_UP"],
        "address": "02:78:C5:C5:EF:8A",
        "addr_info": [{"family": "inet", "local": "10.10.10.101", "prefixlen": 24, "dynamic": True}],
    },
]
OUTPUTS = {
    "hostname": "pc-compta-1",
    "os": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"',
    "kernel": "6.1.0-test",
    "arch": "x86_64",
    "machine": "3d1219c7c4c5404aaa1f6d2a48adfda4",
    "memory": "MemTotal:       24624100 kB",
    "addresses": json.dumps(ADDRESSES),
    "routes": json.dumps([{"dst": "default", "gateway": "10.10.10.1", "dev": "eth0"}]),
    "resolv": "search cabinet-martin.lan\nnameserver 10.10.40.5",
    "packages": "samba\t2:4.17.12\nbash\t5.2.15-2+b2",
    "disks": "Filesystem Type 1M-blocks Used Available Capacity Mounted on\n"
    "/dev/vda ext4 258020M 23978M 79920M 24% /\n"
    "tmpfs tmpfs 1M 0M 1M 0% /work/officelab",
}


def output(**changes: str) -> str:
    values = OUTPUTS | changes
    return "\n".join(f"{MARK} {name}\n{values[name]}" for name in SECTIONS)


def test_the_agent_reads_the_host() -> None:
    view = parse(output())
    assert view.hostname == "pc-compta-1" and view.os_name == "Debian GNU/Linux 12 (bookworm)" and view.os_version == "12"
    assert view.memory_mib == 24624100 // 1024
    assert [(i.name, i.mac, i.addresses, i.dhcp) for i in view.interfaces] == [("eth0", "02:78:c5:c5:ef:8a", ["10.10.10.101/24"], True)]
    assert view.gateway == "10.10.10.1" and view.dns == ["10.10.40.5"]
    assert view.packages == [("samba", "2:4.17.12"), ("bash", "5.2.15-2+b2")]
    assert view.disks == [("/", "ext4", 258020, 79920)]


def test_hosts_sharing_a_machine_id_get_their_own_identifier() -> None:
    one, other = parse(output()), parse(output(hostname="pc-compta-2"))
    assert one.uuid and other.uuid and one.uuid != other.uuid
    assert parse(output(machine="")).uuid == ""
