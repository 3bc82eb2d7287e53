"""The built-in site, booted once for the module: what a technician would check by hand, live."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path

import pytest

from officelab.core.deadline import wait_for
from officelab.runtime.lab import Lab
from officelab.site.loader import load_site
from tests.conftest import SESSION_START, cli
from tests.live.leaks import booted, root_links

pytestmark = pytest.mark.live
LAB = "tdefault"
LAB_NETS = [IPv4Network(n) for n in ("10.10.0.0/16", "172.16.50.0/24", "198.51.100.0/24", "203.0.113.0/24")]


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    yield from booted(LAB)


def run(lab: Lab, node: str, *argv: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    return lab.run(node, list(argv), timeout=timeout)


def address(lab: Lab, node: str, ifname: str = "eth0") -> IPv4Interface:
    out = run(lab, node, "ip", "-4", "-o", "addr", "show", "dev", ifname).stdout
    return IPv4Interface(out.split()[3])


def http(lab: Lab, node: str, url: str, timeout: float = 3) -> tuple[int, str]:
    result = run(lab, node, "curl", "-s", "-m", str(timeout), "-w", "\n%{http_code}", url, timeout=timeout + 5)
    body, _, code = result.stdout.rpartition("\n")
    return (int(code) if code.isdigit() else 0), body


def test_every_node_and_link_is_up(lab: Lab) -> None:
    status = lab.status()
    assert status.state == "up"
    assert [n.name for n in status.nodes if n.state != "up"] == []
    assert [f"{lk.a}-{lk.b}" for lk in status.links if lk.state != "up"] == []


def test_the_audit_finds_the_default_sites_documented_weaknesses(lab: Lab) -> None:
    """docs/audit.md's table of what the default site's audit finds, exactly (each one really there)."""
    from officelab.audit.run import audit_lab

    result = audit_lab(lab)
    assert {(f.rule, f.target, f.detail) for f in result.findings} == {
        ("cleartext-service", "cam-entree:80", "HTTP"),
        ("cleartext-service", "cam-archives:80", "HTTP"),
        ("ldap-simple-bind-cleartext", "srv-ad:389", "simple bind accepted in clear"),
        ("print-admin-open", "srv-files:631", "CUPS-Get-Devices accepted anonymously"),
        ("password-policy", "srv-ad", "minimum length 8 < 12; complexity off (site file: min_length 8, complexity False)"),
        ("unused-port-enabled", "sw-core", "ge8, ge12"),
        ("unused-port-enabled", "sw-floor", "ge8, ge9, ge10, ge11, ge12"),
        ("firewall-allows-cleartext", "fw: rule servers-to-iot", "1883 (MQTT)"),
    }
    assert result.unprobed == []
    policy = next(f for f in result.findings if f.rule == "password-policy")
    assert policy.evidence[0].summary == "srv-ad says Password complexity: off; Minimum password length: 8"


def test_dhcp_clients_get_a_lease_in_their_vlan(lab: Lab) -> None:
    site = load_site("cabinet-martin")
    expected = {"pc-accueil": "users", "laptop-1": "users", "phone-101": "voice", "thermostat": "iot", "guest-1": "guests"}
    for node, vlan_name in expected.items():
        ifname = site.node(node).interfaces[0].name
        assert address(lab, node, ifname).network == site.vlan(vlan_name).subnet, node
    assert str(address(lab, "pc-direction").ip) == "10.10.10.30", "reservation"
    assert str(address(lab, "cam-entree").ip) == "10.10.30.10", "reservation"
    lease = (lab.dir.node_dir("pc-accueil") / "run" / "dhcp-eth0.lease").read_text()
    assert "router=10.10.10.1" in lease and "domain=cabinet-martin.lan" in lease
    assert "dns=10.10.40.5" in lease, "with a directory, the domain controller is the users' DNS"
    guest = (lab.dir.node_dir("guest-1") / "run" / "dhcp-wlan0.lease").read_text()
    assert "dns=10.10.50.1" in guest, "guests may not query the DC: they keep the router's DNS"


def test_hosts_reach_their_gateway(lab: Lab) -> None:
    for node, gateway in (
        ("pc-accueil", "10.10.10.1"),
        ("phone-101", "10.10.20.1"),
        ("srv-app", "10.10.40.1"),
        ("pc-admin", "10.10.99.1"),
        ("srv-web", "172.16.50.1"),
        ("tablet-1", "10.10.10.1"),
    ):
        assert run(lab, node, "ping", "-c1", "-W2", gateway).returncode == 0, node


def test_internal_and_public_names_resolve(lab: Lab) -> None:
    hosts = run(lab, "pc-compta-1", "getent", "hosts", "srv-app", "intranet.cabinet-martin.lan", "www.example.com", "pc-accueil").stdout
    assert "10.10.40.10" in hosts and "203.0.113.80" in hosts
    assert re.search(r"10\.10\.10\.\d+\s+pc-accueil", hosts), "DHCP client names are registered in DNS"
    ptr = run(lab, "pc-compta-1", "getent", "hosts", "10.10.40.10").stdout
    assert "srv-app.cabinet-martin.lan" in ptr
    assert run(lab, "pc-compta-1", "getent", "hosts", "nosuchname.example.org").returncode != 0


def test_web_through_nat_and_port_forward(lab: Lab) -> None:
    code, body = http(lab, "pc-accueil", "http://www.example.com/")
    assert code == 200 and "Example Domain" in body
    access_log = (lab.dir.node_dir("www") / "access.log").read_text()
    assert access_log.splitlines()[-1].startswith("198.51.100.2 "), "the firm's traffic leaves NATed to its public address"
    code, body = http(lab, "teletravail", "http://www.cabinet-martin.fr/")
    assert code == 200 and "Cabinet Martin" in body, "the DMZ web server answers from the internet via the port forward"
    code, body = http(lab, "laptop-1", "http://intranet.cabinet-martin.lan/")
    assert code == 200 and "Intranet" in body


def test_firewall_policy_is_enforced(lab: Lab) -> None:
    assert http(lab, "pc-admin", "http://www.example.com/", timeout=2)[0] == 0, "management VLAN has no internet"
    assert http(lab, "guest-1", "http://10.10.40.10/", timeout=2)[0] == 0, "guests cannot reach the servers"
    assert http(lab, "guest-1", "http://www.example.com/")[0] == 200, "guests do reach the internet"
    rejected = run(lab, "pc-accueil", "curl", "-s", "-m", "3", "http://10.10.30.10/")
    assert rejected.returncode == 7, "users -> iot is rejected at once (ICMP admin-prohibited), not dropped"
    assert run(lab, "www", "ping", "-c1", "-W1", "10.10.40.10").returncode != 0, "private addresses are not routed on the internet"
    via = run(lab, "teletravail", "ip", "-4", "route", "get", "10.10.40.10").stdout
    assert "dev tun-vpn" in via, f"the remote worker reaches them through its VPN only: {via}"
    assert http(lab, "teletravail", "http://198.51.100.2:8080/", timeout=2)[0] == 0, "nothing else is open on the WAN"
    counters = run(lab, "fw", "nft", "list", "chain", "inet", "officelab", "forward").stdout
    assert re.search(r"counter packets [1-9]\d* bytes \d+ drop comment \"default\"", counters), "the drops were counted"


def test_vlans_isolate_at_layer_2(lab: Lab) -> None:
    """Same subnet, different VLANs: no traffic. Same VLAN across a trunk and an access point: traffic."""
    extra = {"pc-accueil": "192.168.77.1", "phone-101": "192.168.77.2", "tablet-1": "192.168.77.3", "laptop-1": "192.168.77.4"}
    ifname = {"tablet-1": "wlan0"}
    try:
        for node, ip in extra.items():
            run(lab, node, "ip", "addr", "add", f"{ip}/24", "dev", ifname.get(node, "eth0"))
        assert run(lab, "pc-accueil", "ping", "-c1", "-W1", "192.168.77.4").returncode == 0, "same VLAN, same switch"
        assert run(lab, "pc-accueil", "ping", "-c1", "-W1", "192.168.77.3").returncode == 0, "same VLAN via the AP trunk"
        assert run(lab, "pc-accueil", "ping", "-c2", "-W1", "192.168.77.2").returncode != 0, "voice VLAN is isolated from users"
    finally:
        for node, ip in extra.items():
            run(lab, node, "ip", "addr", "del", f"{ip}/24", "dev", ifname.get(node, "eth0"))


def test_trunk_capture_shows_8021q_tags(lab: Lab, tmp_path: Path) -> None:
    pcap = tmp_path / "trunk.pcap"
    capture = subprocess.Popen(
        [*cli_argv(), "capture", "--lab", LAB, "sw-core:ge2", "-w", str(pcap), "-c", "4", "--filter", "icmp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert wait_for(lambda: pcap.exists() and pcap.stat().st_size >= 24, 10), "tcpdump started and wrote the pcap header"
    pinger = lab.popen("pc-accueil", ["ping", "-c", "20", "-i", "0.2", "srv-app"], stdout=subprocess.DEVNULL)
    try:
        _out, err = capture.communicate(timeout=20)
    finally:
        pinger.kill()
        pinger.wait()
    assert capture.returncode == 0, err
    assert pcap.read_bytes()[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"), "a classic pcap file (Wireshark reads it)"
    decoded = subprocess.run(["tcpdump", "-nn", "-e", "-r", str(pcap)], capture_output=True, text=True, check=True).stdout
    assert "802.1Q" in decoded and "vlan 10" in decoded, decoded


def test_pulled_cable_cuts_then_restores(lab: Lab) -> None:
    assert cli("link", "down", "--lab", LAB, "sw-floor:ge1").returncode == 0
    try:
        assert wait_for(lambda: "NO-CARRIER" in run(lab, "pc-accueil", "ip", "link", "show", "eth0").stdout, 5)
        assert run(lab, "pc-accueil", "ping", "-c1", "-W1", "10.10.10.1").returncode != 0
        assert next(lk for lk in lab.status().links if "pc-accueil" in lk.a).state == "down"
    finally:
        assert cli("link", "up", "--lab", LAB, "sw-floor:ge1").returncode == 0
    assert wait_for(lambda: run(lab, "pc-accueil", "ping", "-c1", "-W1", "10.10.10.1").returncode == 0, 10)
    assert "default via 10.10.10.1" in run(lab, "pc-accueil", "ip", "route").stdout, "a cable pull keeps the host's routes"


def test_link_command_rejects_bad_endpoints(lab: Lab) -> None:
    result = cli("link", "down", "--lab", LAB, "sw-floor:ge8")
    assert result.returncode == 1 and "no cable at sw-floor:ge8" in result.stderr and "Traceback" not in result.stderr
    result = cli("link", "sideways", "--lab", LAB, "sw-floor:ge1")
    assert result.returncode == 2 and "unknown action" in result.stderr


def test_exec_returns_the_command_exit_code_and_runs_on_the_node(lab: Lab) -> None:
    assert cli("exec", "--lab", LAB, "pc-accueil", "--", "sh", "-c", "exit 3").returncode == 3
    result = cli("exec", "--lab", LAB, "pc-paie", "--", "hostname")
    assert result.returncode == 0 and result.stdout.strip() == "pc-paie"
    result = cli("exec", "--lab", LAB, "pc-paie", "--", "cat", "/etc/resolv.conf")
    assert "nameserver 10.10.40.5" in result.stdout and "search cabinet-martin.lan ad.cabinet-martin.lan" in result.stdout
    result = cli("exec", "--lab", LAB, "nosuch", "--", "true")
    assert result.returncode == 1 and "has no node 'nosuch'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    result = cli("exec", "--lab", LAB, "pc-paie", "--", "no-such-command")
    assert result.returncode == 127


def test_status_json(lab: Lab) -> None:
    result = cli("status", "--lab", LAB, "--json")
    data = json.loads(result.stdout)
    assert data["state"] == "up" and data["site"] == "cabinet-martin"
    nodes = {n["name"]: n for n in data["nodes"]}
    assert nodes["fw"]["kind"] == "router" and nodes["fw"]["state"] == "up"
    assert {"ifname": "wan", "address": "198.51.100.2/29"} in nodes["fw"]["addresses"]
    assert {"a": "fw:lan", "b": "sw-core:ge1", "state": "up"} in data["links"]


def test_supervisor_restarts_a_crashed_daemon(lab: Lab) -> None:
    before = lab.daemons()["www/nginx"]["pid"]
    subprocess.run(["kill", "-9", str(before)], check=True)
    assert wait_for(lambda: lab.daemons()["www/nginx"]["state"] == "running" and lab.daemons()["www/nginx"]["pid"] != before, 10)
    assert wait_for(lambda: http(lab, "pc-accueil", "http://www.example.com/", timeout=1)[0] == 200, 10)


def test_lab_is_sealed_from_the_host(lab: Lab, tmp_path: Path) -> None:
    """No lab address, route or link in the root namespace, and no lab packet on the host's interfaces."""
    addresses = subprocess.run(["ip", "-j", "-4", "addr"], capture_output=True, text=True, check=True).stdout
    for entry in json.loads(addresses):
        for info in entry.get("addr_info", []):
            ip = IPv4Interface(f"{info['local']}/{info['prefixlen']}").ip
            assert not any(ip in net for net in LAB_NETS), f"lab address {ip} on the host's {entry['ifname']}"
    routes = subprocess.run(["ip", "-4", "route", "show", "table", "all"], capture_output=True, text=True, check=True).stdout
    assert not re.search(r"\b(10\.10\.|172\.16\.50\.|198\.51\.100\.|203\.0\.113\.)", routes), routes
    kinds = subprocess.run(["ip", "-o", "-d", "link", "show"], capture_output=True, text=True, check=True).stdout
    assert " veth " not in kinds and "bridge_id" not in kinds, "no veth or bridge in the root namespace"
    assert not any(name.startswith(("ge", "br0", "lan", "mgmt")) for name in root_links())

    lab_filter = "(net 10.10.0.0/16 or net 172.16.50.0/24 or net 198.51.100.0/24 or net 203.0.113.0/24)"
    # The host's own connections (its address to a public service that happens to sit in a documentation range,
    # as this sandbox's are) are not the lab's: only packets without a host address count.
    own = [info["local"] for entry in json.loads(addresses) for info in entry.get("addr_info", []) if not info["local"].startswith("127.")]
    if own:
        lab_filter += " and not (" + " or ".join(f"host {address}" for address in own) + ")"
    logs = {name: tmp_path / f"{name}.err" for name in ("host", "marker")}
    host_cap = subprocess.Popen(
        ["tcpdump", "-i", "any", "-nn", "-l", "-p", lab_filter], stdout=subprocess.PIPE, stderr=logs["host"].open("w"), text=True
    )
    marker = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-nn", "-l", "-c", "1", "udp port 47999"],
        stdout=subprocess.PIPE,
        stderr=logs["marker"].open("w"),
        text=True,
    )
    try:
        assert wait_for(lambda: all("listening on" in p.read_text() for p in logs.values()), 10), "host captures started"
        for node, target in (("pc-accueil", "203.0.113.80"), ("pc-admin", "203.0.113.53"), ("teletravail", "198.51.100.2")):
            run(lab, node, "ping", "-c3", "-i", "0.2", "-W1", target)
        http(lab, "laptop-1", "http://www.example.com/")
        # Positive control: the host capture machinery does see a packet that really is on the host.
        subprocess.run(["bash", "-c", "echo probe > /dev/udp/127.0.0.1/47999"], check=False)
        assert wait_for(lambda: marker.poll() is not None, 10), "the control packet on loopback was captured"
    finally:
        for proc in (host_cap, marker):
            if proc.poll() is None:
                proc.terminate()
        host_out, _ = host_cap.communicate(timeout=10)
        marker.communicate(timeout=10)
    assert host_out.strip() == "", f"lab packets seen on the host: {host_out[:500]}"


def cli_argv() -> list[str]:
    import sys

    return [sys.executable, "-m", "officelab.cli"]


def test_host_files_untouched(lab: Lab) -> None:
    """The lab's DHCP clients wrote their own resolv.conf, never the host's."""
    assert "10.10." not in Path("/etc/resolv.conf").read_text()
    assert "cabinet-martin" not in Path("/etc/hosts").read_text()
    keytab = Path("/etc/krb5.keytab")  # the members' joins write their own keytab (KRB5_KTNAME), never the host's
    assert not keytab.exists() or keytab.stat().st_mtime < SESSION_START, "a lab of this session wrote the host's keytab"
