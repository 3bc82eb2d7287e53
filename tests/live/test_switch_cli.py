"""The switches' command line on the live default site, with real clients: netmiko parsed by ntc-templates, an
Oxidized-style backup with OpenSSH, and configuration that changes the live network (the recette sees it)."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from officelab.core.deadline import wait_for
from officelab.core.vlan import PortVlan
from officelab.domains.network.faults.links import TrunkVlanMissing
from officelab.domains.switchcli.facts import startup_text
from officelab.faults import engine
from officelab.recette.derive import derive_suite
from officelab.recette.model import Status, SuiteResult
from officelab.recette.run import run_on_lab, select
from officelab.runtime import management
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace
from officelab.runtime.ports import port_behaviour
from officelab.site.loader import load_site
from officelab.site.model import split_endpoint
from officelab.site.topology import mac_for
from tests.conftest import cli
from tests.live.leaks import booted

pytestmark = pytest.mark.live
LAB = "tswitch"
ADMIN = {"user": "admin", "password": "Sw1tch-Adm1n", "secret": "En4ble-Cab1net"}
SWITCHES = {"sw-core": "10.10.99.2", "sw-floor": "10.10.99.3", "ap-1": "10.10.99.4"}
TFTP = "10.10.99.10"
CLIENT = Path(__file__).with_name("switch_client.py")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    for lab in booted(LAB):
        tftp = lab.dir.node_dir("pc-admin") / "tftp"
        for switch in SWITCHES:  # the design, where the technician keeps it: restored after each test
            (tftp / f"{switch}-design.cfg").write_text(startup_text(lab.site(), lab.site().node(switch)))
        shutil.copy(CLIENT, lab.dir.node_dir("pc-admin") / "fs/tmp/switch_client.py")
        yield lab


@pytest.fixture(autouse=True)
def design(lab: Lab) -> Iterator[None]:
    """Every test starts from the site's design and leaves the switches as it found them (configure replace)."""
    yield
    for switch in SWITCHES:
        out = management.run(lab, switch, f"configure replace tftp://{TFTP}/{switch}-design.cfg force")
        assert "Rollback Done" in out, out
        assert "[OK]" in management.run(lab, switch, "write memory")


def netmiko(lab: Lab, host: str, ops: list[dict[str, Any]], account: dict[str, str] = ADMIN) -> list[Any]:
    """A netmiko session from pc-admin (the management VLAN): each operation's result."""
    args = json.dumps({**account, "ops": ops})
    done = lab.run("pc-admin", [sys.executable, "/tmp/switch_client.py", host, args], timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    results: list[Any] = json.loads(done.stdout)
    assert results[0]["prompt"].endswith(("#", ">"))
    return [r["result"] for r in results[1:]]


PROMPTED = r"[>#] ?$|--More-- $|\]\? ?$|\[confirm\]$|Password: $"
"""What a terminal shows when the switch waits for the next key: a prompt, a pager, a question."""


def interactive(lab: Lab, host: str, keys: list[str | tuple[str, str]], user: str = "admin", password: str = "Sw1tch-Adm1n") -> str:
    """What a person's terminal shows for these keystrokes (a PTY session from pc-admin, raw bytes). Each key is sent
    once the screen shows what it waits for: a prompt (`PROMPTED`), or the pattern given with the key."""

    async def session() -> str:
        async with asyncssh.connect(host, username=user, password=password, known_hosts=None) as conn:
            process = await conn.create_process(term_type="vt100", term_size=(120, 40))
            seen = ""
            for item in [("", PROMPTED), *keys]:
                key, until = (item, PROMPTED) if isinstance(item, str) else item
                if key:
                    process.stdin.write(key)
                start = len(seen)
                while not re.search(until, seen[start:]):
                    chunk = await asyncio.wait_for(process.stdout.read(65536), 10)
                    if not chunk:
                        return seen
                    seen += chunk
            return seen

    with NodePlace("pc-admin", lab.context("pc-admin")).inside():
        return asyncio.run(session())


def failed(result: SuiteResult) -> dict[str, str]:
    return {o.check.id: o.cause for o in result.outcomes if o.status is Status.FAIL}


def recette(lab: Lab, *ids: str) -> dict[str, str]:
    return failed(run_on_lab(lab, select(derive_suite(lab.site()), ids=set(ids))))


def test_netmiko_parses_every_show_with_ntc_templates(lab: Lab) -> None:
    parsed = netmiko(
        lab,
        SWITCHES["sw-floor"],
        [{"show": c, "textfsm": True} for c in ("show version", "show vlan", "show interfaces status", "show ip interface brief")]
        + [{"show": "show mac address-table", "textfsm": True}, {"show": "show interfaces switchport", "textfsm": True}]
        + [{"show": "show interfaces trunk"}, {"config": ["interface ge9", "description posté par netmiko"]}, {"save": True}]
        + [{"show": "show startup-config | include description"}],
    )
    version, vlans, status, brief, macs, switchport, trunk, config, saved, startup = parsed
    assert version[0]["hostname"] == "sw-floor" and version[0]["version"] == "15.2"
    assert {int(v["vlan_id"]) for v in vlans} >= {1, 10, 20, 30, 40, 50, 99}
    users = next(v for v in vlans if v["vlan_id"] == "10")
    assert users["vlan_name"] == "users" and "ge3" in users["interfaces"] and "ge24" not in users["interfaces"]
    ports = {p["port"]: p for p in status}
    assert len(ports) == 24 and ports["ge3"]["status"] == "connected" and ports["ge3"]["vlan_id"] == "10"
    assert ports["ge24"]["vlan_id"] == "trunk" and ports["ge8"]["status"] == "notconnect"
    svi = next(i for i in brief if i["interface"] == "Vlan99")
    assert svi["ip_address"] == "10.10.99.3" and svi["status"] == "up"
    compta2 = mac_for("pc-compta-2", "eth0").replace(":", "")
    dotted = f"{compta2[:4]}.{compta2[4:8]}.{compta2[8:]}"
    assert any(m["destination_address"] == dotted and m["destination_port"] == ["ge3"] for m in macs), macs
    ge24 = next(p for p in switchport if p["interface"] == "ge24")
    assert ge24["admin_mode"] == "trunk" and set(re.findall(r"\d+", ",".join(ge24["trunking_vlans"]))) == {
        "10",
        "20",
        "30",
        "40",
        "50",
        "99",
    }
    assert re.search(r"^ge24\s+on\s+802\.1q\s+trunking\s+1$", trunk, re.M), trunk
    assert "description posté par netmiko" in config and "[OK]" in saved
    assert "description posté par netmiko" in startup
    assert "vty" not in management.run(lab, "sw-floor", "show users"), "a session ended is forgotten"


def test_a_privilege_1_account_needs_enable(lab: Lab) -> None:
    account = {"user": "support", "password": "Supp0rt-N1v1", "secret": "En4ble-Cab1net"}
    prompt, shown = netmiko(lab, SWITCHES["sw-core"], [{"enable": True}, {"show": "show running-config | include ^hostname"}], account)
    assert prompt == "sw-core#" and shown.strip() == "hostname sw-core"
    keys = ["enable\r", "wrong-1\r", "wrong-2\r", "wrong-3\r", "configure terminal\r"]
    refused = interactive(lab, SWITCHES["sw-core"], keys, "support", "Supp0rt-N1v1")
    assert refused.count("Password: ") == 3 and "% Bad secrets" in refused and "wrong-" not in refused, "secrets are not echoed"
    assert "% Invalid input detected at '^' marker." in refused and refused.rstrip().endswith("sw-core>"), refused[-300:]


def test_an_oxidized_style_backup_with_openssh(lab: Lab) -> None:
    """Plain OpenSSH with a PTY, `terminal length 0`, `show running-config`: the header backup tools cut, exact bytes."""
    node_tmp = lab.dir.node_dir("pc-admin") / "fs/tmp"
    askpass = node_tmp / "askpass.sh"
    askpass.write_text(f"#!/bin/sh\necho {ADMIN['password']}\n")
    askpass.chmod(0o700)
    env = {"SSH_ASKPASS": "/tmp/askpass.sh", "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": "none", "HOME": "/root"}
    argv = ["ssh", "-tt", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]
    lines = "terminal length 0\nterminal width 0\nshow version\nshow running-config\nexit\n"
    done = lab.run("pc-admin", [*argv, f"admin@{SWITCHES['sw-floor']}"], input=lines, env={**os.environ, **env}, timeout=60)
    text = done.stdout.replace("\r\n", "\n")
    assert "sw-floor uptime is" in text
    header = re.search(r"Building configuration\.\.\.\n\nCurrent configuration : (\d+) bytes\n", text)
    assert header is not None, text[-1500:]
    body = text[header.end() :]
    body = body[: body.index("\nend\n") + 5]
    running = (lab.dir.node_dir("sw-floor") / "switchos/running-config").read_text()
    assert body == running and int(header[1]) == len(running.encode())


def test_a_port_moved_to_another_vlan_is_named_by_the_recette(lab: Lab) -> None:
    wanted = ("ip:pc-compta-2:eth0", "conf:sw-floor", "saved:sw-floor")
    netmiko(lab, SWITCHES["sw-floor"], [{"config": ["interface ge3", "switchport access vlan 20"]}])
    assert port_behaviour(lab, "sw-floor:ge3") == PortVlan.access_port(20), "the data plane follows the CLI at once"
    during = recette(lab, *wanted)
    assert "wrong VLAN" in during["ip:pc-compta-2:eth0"], during
    assert "ge3 is access 20, the design says access 10" in during["conf:sw-floor"]
    assert "not saved" in during["saved:sw-floor"]
    netmiko(lab, SWITCHES["sw-floor"], [{"config": ["interface ge3", "switchport access vlan 10"]}])
    assert recette(lab, *wanted) == {}


def test_a_vlan_pruned_from_a_trunk_fails_exactly_the_hosts_behind(lab: Lab) -> None:
    truth = TrunkVlanMissing(port="sw-core:ge2", vlan=30).truth(lab.site())
    assert "conf:sw-core" in truth.fails, "a pruned trunk is also a configuration that differs from the design"
    netmiko(lab, SWITCHES["sw-core"], [{"config": ["interface ge2", "switchport trunk allowed vlan remove 30"]}])
    during = failed(run_on_lab(lab))
    assert set(truth.fails) <= set(during), f"missing: {set(truth.fails) - set(during)}"
    unexplained = {i: c for i, c in during.items() if i not in truth.fails and not any(fnmatch.fnmatchcase(i, p) for p in truth.may_fail)}
    assert unexplained == {}, unexplained
    site = lab.site()
    iot_behind = {  # the hosts of VLAN 30 cabled to the floor switch and the access point, counted from the site
        split_endpoint(end)[0]
        for link in site.links
        for here, end in ((link.a, link.b), (link.b, link.a))
        if split_endpoint(here)[0] in ("sw-floor", "ap-1") and _access_vlan(lab, here) == 30
    }
    ping = ["ping", "-c", "1", "-W", "1", "10.10.30.1"]
    cut = {n.name for n in site.nodes if n.name in iot_behind | {"cam-archives"} and lab.run(n.name, ping).returncode != 0}
    assert iot_behind and cut == iot_behind, f"{sorted(cut)} lost their gateway; the VLAN 30 hosts behind are {sorted(iot_behind)}"
    assert lab.run("pc-compta-1", ["ping", "-c", "1", "-W", "1", "10.10.10.1"]).returncode == 0, "the trunk's other VLANs go on"


def _access_vlan(lab: Lab, endpoint: str) -> int | None:
    node, port = split_endpoint(endpoint)
    found = next((p for p in lab.site().node(node).ports if port in p.names()), None)
    return lab.site().vlan(found.vlan).id if found is not None and found.vlan is not None else None


def test_port_security_err_disables_and_shutdown_no_shutdown_recovers(lab: Lab) -> None:
    host, port, mac = "pc-compta-3", "ge4", mac_for("pc-compta-3", "eth0")
    ping = ["ping", "-c", "1", "-W", "1", "10.10.10.1"]
    assert lab.run(host, ping).returncode == 0
    netmiko(
        lab,
        SWITCHES["sw-floor"],
        [
            {
                "config": [
                    f"interface {port}",
                    "switchport port-security maximum 1",
                    "switchport port-security violation shutdown",
                    "switchport port-security",
                ]
            }
        ],
    )
    try:
        lab.run(host, ["ip", "link", "set", "eth0", "address", "02:aa:bb:cc:dd:ee"])
        lab.run(host, ping)
        status = lambda: management.run(lab, "sw-floor", f"show interfaces status | include ^{port} ")  # noqa: E731
        assert wait_for(lambda: "err-disabled" in status(), 10), status()
        assert lab.run(host, ping).returncode != 0, "an err-disabled port forwards nothing"
        log = management.run(lab, "sw-floor", "show logging")
        assert f"%PM-4-ERR_DISABLE: psecure-violation error detected on {port}" in log
        assert "caused by MAC address 02aa.bbcc.ddee" in log
        assert "Secure-shutdown" in management.run(lab, "sw-floor", f"show port-security interface {port}")
    finally:
        lab.run(host, ["ip", "link", "set", "eth0", "address", mac])
    netmiko(lab, SWITCHES["sw-floor"], [{"config": [f"interface {port}", "shutdown", "no shutdown"]}])
    assert wait_for(lambda: "connected" in status(), 10), status()
    assert wait_for(lambda: lab.run(host, ping).returncode == 0, 10)


def test_reload_without_write_memory_loses_the_change(lab: Lab) -> None:
    change = ["configure terminal\r", "interface ge6\r", "switchport access vlan 30\r", "end\r"]
    shown = interactive(lab, SWITCHES["sw-floor"], [*change, "reload\r", "\r"])
    assert "Proceed with reload? [confirm]" in shown and "System configuration has been modified" in shown
    reloaded = lambda: re.search(r"%SYS-5-RELOAD(?![\s\S]*CONFIG_I)", management.run(lab, "sw-floor", "show logging"))  # noqa: E731
    assert wait_for(reloaded, 20), "the log starts again at the reload"
    assert port_behaviour(lab, "sw-floor:ge6") == PortVlan.access_port(10), "back on the startup configuration"
    interactive(lab, SWITCHES["sw-floor"], [*change, "write memory\r", "reload\r", "\r"])
    assert wait_for(reloaded, 20)
    assert port_behaviour(lab, "sw-floor:ge6") == PortVlan.access_port(30), "saved, the change survives the reload"


def test_a_tftp_backup_restores_the_configuration_byte_for_byte(lab: Lab) -> None:
    tftp = lab.dir.node_dir("pc-admin") / "tftp"
    copied = netmiko(
        lab,
        SWITCHES["sw-floor"],
        [
            {"show": f"copy running-config tftp://{TFTP}/sw-floor-backup.cfg"},
            {"timing": "copy running-config tftp:", "answers": [TFTP, "sw-floor-prompted.cfg"]},
        ],
    )
    running = (lab.dir.node_dir("sw-floor") / "switchos/running-config").read_text()
    assert "bytes copied" in copied[0] and (tftp / "sw-floor-backup.cfg").read_text() == running
    assert (tftp / "sw-floor-prompted.cfg").read_text() == running
    netmiko(lab, SWITCHES["sw-floor"], [{"config": ["vlan 77", "name essai", "interface ge5", "description temporaire", "shutdown"]}])
    assert (lab.dir.node_dir("sw-floor") / "switchos/running-config").read_text() != running
    restored = netmiko(lab, SWITCHES["sw-floor"], [{"show": f"configure replace tftp://{TFTP}/sw-floor-backup.cfg force"}])
    assert "Rollback Done" in restored[0]
    assert (lab.dir.node_dir("sw-floor") / "switchos/running-config").read_text() == running
    (tftp / "merge.cfg").write_text("interface ge5\n description fusionné\n")
    merged = netmiko(lab, SWITCHES["sw-floor"], [{"timing": "copy tftp: running-config", "answers": [TFTP, "merge.cfg", ""]}])
    assert "[OK" in merged[0] and "description fusionné" in management.run(lab, "sw-floor", "show running-config interface ge5")


def test_site_export_validates_and_boots_to_the_same_network(lab: Lab, tmp_path: Path) -> None:
    netmiko(lab, SWITCHES["sw-floor"], [{"config": ["interface ge3", "switchport access vlan 20", "interface ge10", "shutdown"]}])
    exported = tmp_path / "export.yaml"
    done = cli("site", "export", "--lab", LAB, "-o", str(exported))
    assert done.returncode == 0, done.stdout + done.stderr
    assert cli("validate", str(exported)).returncode == 0
    text = exported.read_text()
    assert "{name: ge3, vlan: voice}" in text and "{name: ge10, vlan: users, shutdown: true}" in text
    conform = cli("check", "--lab", LAB, "--site", str(exported), "--criterion", "TRI-CP3-C4", "--json", str(tmp_path / "r.json"))
    results = {c["id"]: c["status"] for c in json.loads((tmp_path / "r.json").read_text())["checks"]}
    assert results["conf:sw-floor"] == "pass", conform.stdout[-2000:]
    assert recette(lab, "conf:sw-floor") != {}, "against the booted site's design, the change is a difference"
    twin = Lab("tswexp")
    try:
        twin_site = load_site(exported)
        twin.up(twin_site, text)
        for name in [f"ge{i}" for i in range(1, 25)]:
            if ("sw-floor", name) in {tuple(p.split(":")) for link in twin_site.links for p in (link.a, link.b)} and name != "ge10":
                assert port_behaviour(twin, f"sw-floor:{name}") == port_behaviour(lab, f"sw-floor:{name}"), name
        assert "disabled" in management.run(twin, "sw-floor", "show interfaces status | include ^ge10 ")
    finally:
        twin.down()


def test_a_fault_is_a_configuration_change_the_switch_shows(lab: Lab) -> None:
    entry = engine.inject(lab, engine.make(lab.site(), "port-wrong-vlan", {"port": "sw-floor:ge2", "vlan": "20"}))
    try:
        assert "switchport access vlan 20" in management.run(lab, "sw-floor", "show running-config interface ge2")
        assert "Configured from OfficeLab" in management.run(lab, "sw-floor", "show logging")
    finally:
        engine.clear(lab, [entry.id])
    assert "switchport access vlan 10" in management.run(lab, "sw-floor", "show running-config interface ge2")
    assert recette(lab, "saved:sw-floor", "conf:sw-floor") == {}, "undone, the configuration is the saved one again"


def test_help_completion_and_errors_in_a_terminal(lab: Lab) -> None:
    keys: list[str | tuple[str, str]] = [
        "terminal length 0\r",  # IOS's default is 24 lines: the status table would stop at --More--
        ("sh?", r"sw-floor#sh$"),
        ("ow int\t", r"interfaces $"),
        "status\r",
        "shw vlan\r",
        "terminal length 5\r",
        ("show vlan brief\r", r"--More-- $"),
        "q",
    ]
    shown = interactive(lab, SWITCHES["sw-floor"], keys)
    assert re.search(r"sw-floor#sh\?\r\n.*show", shown), "`?` after a partial word lists the keywords it may be"
    assert "show interfaces status" in shown and "ge24" in shown, "Tab completed the word, and the command ran"
    caret = re.search(r"sw-floor#shw vlan\r\n( *)\^\r\n% Invalid input detected at '\^' marker\.", shown)
    assert caret is not None and len(caret[1]) == len("sw-floor#"), shown[-600:]
    paged = shown[shown.index("show vlan brief") :]
    assert " --More-- " in paged and "1005 trnet-default" not in paged, "the pager stopped at q"


def test_an_ssid_mapped_to_another_vlan_moves_its_clients(lab: Lab) -> None:
    assert port_behaviour(lab, "ap-1:wlan-guest") == PortVlan.access_port(50)
    netmiko(lab, SWITCHES["ap-1"], [{"config": ["dot11 ssid Cabinet-Invites", "vlan 10"]}])
    assert port_behaviour(lab, "ap-1:wlan-guest") == PortVlan.access_port(10)
    assert "   vlan 10" in management.run(lab, "ap-1", "show running-config | section dot11 ssid Cabinet-Invites")


class _ScpAccount(asyncssh.SSHServer):
    """A backup server's account, for the test: one user, one password."""

    def begin_auth(self, username: str) -> bool:
        return True

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return (username, password) == ("sauvegarde", "Scp-Backup-2026")


def test_a_configuration_copied_by_scp_and_back(lab: Lab, tmp_path: Path) -> None:
    """`copy running-config scp://…` and `copy scp://… running-config` against an SCP server in the management VLAN
    (asyncssh's, started by the test on pc-admin, files under a directory of the test)."""
    served = tmp_path / "scp"
    served.mkdir()
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve() -> None:
        async def start() -> asyncssh.SSHAcceptor:
            key = asyncssh.generate_private_key("ssh-ed25519")
            return await asyncssh.create_server(
                _ScpAccount,
                TFTP,
                2222,
                server_host_keys=[key],
                allow_scp=True,
                sftp_factory=lambda chan: asyncssh.SFTPServer(chan, chroot=str(served).encode()),
            )

        acceptor = loop.run_until_complete(start())
        started.set()
        loop.run_forever()
        acceptor.close()
        loop.run_until_complete(acceptor.wait_closed())

    with NodePlace("pc-admin", lab.context("pc-admin")).inside():  # the thread inherits pc-admin's network
        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
    try:
        assert started.wait(10)
        url = f"scp://sauvegarde:Scp-Backup-2026@{TFTP}:2222/sw-floor.cfg"
        copied = management.run(lab, "sw-floor", f"copy running-config {url}")
        assert "bytes copied" in copied and "Scp-Backup-2026" not in copied, copied
        running = (lab.dir.node_dir("sw-floor") / "switchos/running-config").read_text()
        assert (served / "sw-floor.cfg").read_text() == running
        (served / "sw-floor.cfg").write_text("interface ge7\n description arrivé par scp\n")
        merged = management.run(lab, "sw-floor", f"copy {url} running-config")
        assert "[OK" in merged, merged
        assert "description arrivé par scp" in management.run(lab, "sw-floor", "show running-config interface ge7")
        refused = management.run(lab, "sw-floor", f"copy running-config {url.replace('Scp-Backup-2026', 'faux')}")
        assert refused.startswith("%Error opening scp://sauvegarde:***@") and "faux" not in refused, refused
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
