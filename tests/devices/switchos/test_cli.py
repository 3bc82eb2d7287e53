"""The switch's command interpreter, typed into as a technician would, on a switch booted from the built-in site.

The data plane is an in-memory fake (`FakePlane`): what is tested is that each command says what IOS says and
leaves the data plane as the configuration wants it, at once. No root, no network, no waiting.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from ntc_templates.parse import parse_output

from officelab.core.vlan import PortVlan
from officelab.devices.switchos import control
from officelab.devices.switchos.config import render, secret_matches
from officelab.devices.switchos.dataplane import Link
from officelab.devices.switchos.session import CliSession
from officelab.devices.switchos.shell import SHELL
from officelab.devices.switchos.switch import INACTIVE, Hardware, Switch
from officelab.domains.switchcli import facts
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site
from officelab.site.model import Node

SITE = load_site(builtin_sites()["cabinet-martin"])
NODES: dict[str, Node] = {n.name: n for n in facts.managed(SITE)}
PEER = "10.10.99.10"
INVALID = "% Invalid input detected at '^' marker."
TYPE9 = re.compile(r"^\$9\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}$")


def cli_of(name: str) -> tuple[str, str, str]:
    """The node's first privileged user, its password, and the enable secret, as the site file writes them."""
    cli = NODES[name].cli
    assert cli is not None
    admin = next(u for u in cli.users if u.privilege == 15)
    return admin.name, admin.secret, cli.enable_secret


ADMIN, ADMIN_SECRET, ENABLE_SECRET = cli_of("sw-floor")


# ---------------------------------------------------------------------------------------------- the fake data plane


@dataclass
class FakePlane:
    """The `Dataplane` protocol in memory: what the switch asked it, kept to be looked at."""

    state: dict[str, Link]
    vlans: dict[str, PortVlan] = field(default_factory=dict)
    entries: list[tuple[str, str]] = field(default_factory=list)
    blocked: dict[str, set[str]] = field(default_factory=dict)
    addresses: dict[str, str | None] = field(default_factory=dict)
    gateway: str | None = None
    unplugged: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, ports: list[str]) -> FakePlane:
        return cls({p: Link(p, admin_up=True, oper_up=True, mac=f"52:54:00:10:00:{i:02x}") for i, p in enumerate(ports)})

    def links(self) -> dict[str, Link]:
        return {name: dataclasses.replace(link) for name, link in self.state.items()}

    def set_admin(self, port: str, up: bool) -> None:
        self.state[port].admin_up = up
        self.state[port].oper_up = up and port not in self.unplugged

    def set_vlan(self, port: str, behaviour: PortVlan) -> None:
        self.vlans[port] = behaviour

    def has_vlan_programs(self) -> bool:
        return bool(self.vlans)

    def fdb(self) -> list[tuple[str, str]]:
        return list(self.entries)

    def forget(self, port: str) -> None:
        self.entries = [(mac, p) for mac, p in self.entries if p != port]

    def block(self, port: str, mac: str) -> None:
        self.blocked.setdefault(port, set()).add(mac)

    def unblock(self, port: str) -> None:
        self.blocked.pop(port, None)

    def set_address(self, iface: str, cidr: str | None) -> None:
        self.addresses[iface] = cidr

    def set_gateway(self, gateway: str | None) -> None:
        self.gateway = gateway

    def watch(self, on_fdb: Callable[[str, str], None], on_link: Callable[[str, bool], None]) -> None:
        raise AssertionError("the interpreter never watches the bridge itself")


@dataclass
class Rig:
    """A switch of the built-in site, booted on its startup configuration over a `FakePlane`."""

    switch: Switch
    plane: FakePlane
    refused: list[str]

    @classmethod
    def boot(cls, name: str, tmp_path: Path) -> Rig:
        node = NODES[name]
        hw = facts.hardware(SITE, node, tmp_path / name)
        nvram = Path(hw["nvram"])
        nvram.parent.mkdir(parents=True, exist_ok=True)
        nvram.write_text(facts.startup_text(SITE, node))
        plane = FakePlane.of([*hw["ports"], hw["management"], hw["management_port"]])
        switch = Switch(Hardware(**hw), plane, SHELL)
        return cls(switch, plane, switch.boot())

    @property
    def hw(self) -> Hardware:
        return self.switch.hw

    def session(self, privilege: int = 15, user: str = ADMIN) -> CliSession:
        return SHELL.session(self.switch, user, PEER, privilege)

    def link(self, port: str) -> str:
        return self.switch.view().ports[port].link

    def logs(self) -> list[str]:
        return [entry.line() for entry in self.switch.logs]


def typed(session: CliSession, *lines: str) -> str:
    """Type ``lines``, each of which must be accepted (no ``%`` message); the last one's output."""
    outputs = [session.run(line).output for line in lines]
    refused = [(line, out) for line, out in zip(lines, outputs, strict=True) if out.lstrip(" ^\n").startswith("%")]
    assert refused == []
    return outputs[-1]


def caret(session: CliSession, line: str, word: str) -> str:
    """IOS's answer to ``line`` when ``word`` in it is wrong: the ``^`` under the word's first character."""
    return " " * (len(session.prompt) + line.index(word)) + "^\n" + INVALID


@pytest.fixture
def floor(tmp_path: Path) -> Rig:
    return Rig.boot("sw-floor", tmp_path)


@pytest.fixture
def ap(tmp_path: Path) -> Rig:
    return Rig.boot("ap-1", tmp_path)


@pytest.fixture
def cli(floor: Rig) -> CliSession:
    """A privileged session on sw-floor."""
    return floor.session()


@pytest.fixture
def conf(cli: CliSession) -> CliSession:
    """The same, in global configuration."""
    typed(cli, "configure terminal")
    return cli


# ---------------------------------------------------------------------------------------------- modes and prompts


def test_boot_reads_the_whole_startup_configuration(floor: Rig) -> None:
    assert floor.refused == []
    assert floor.plane.vlans["ge3"] == PortVlan.access_port(10)
    assert floor.plane.vlans["ge24"] == PortVlan.trunk_port([10, 20, 30, 40, 50, 99], None)
    assert floor.plane.addresses == {"mgmt": "10.10.99.3/24"} and floor.plane.gateway == "10.10.99.1"
    assert "%SYS-5-RESTART: System restarted --" in floor.logs()[-1]


def test_prompts_of_each_mode(floor: Rig) -> None:
    user = floor.session(privilege=1, user="support")
    assert user.prompt == "sw-floor>"
    s = floor.session()
    assert s.prompt == "sw-floor#"
    assert s.run("configure terminal").output == "Enter configuration commands, one per line.  End with CNTL/Z."
    assert s.prompt == "sw-floor(config)#"
    steps = [
        ("interface ge3", "sw-floor(config-if)#"),
        ("exit", "sw-floor(config)#"),
        ("interface range ge1 - 3, ge5", "sw-floor(config-if-range)#"),
        ("exit", "sw-floor(config)#"),
        ("vlan 30", "sw-floor(config-vlan)#"),
        ("exit", "sw-floor(config)#"),
        ("line vty 0 4", "sw-floor(config-line)#"),
        ("exit", "sw-floor(config)#"),
        ("interface vlan 99", "sw-floor(config-if)#"),
        ("end", "sw-floor#"),
    ]
    for line, prompt in steps:
        typed(s, line)
        assert (line, s.prompt) == (line, prompt)
    assert s.context.ports == []


def test_ssid_mode_on_the_access_point(ap: Rig) -> None:
    s = ap.session()
    typed(s, "conf t", "dot11 ssid Cabinet-Invites")
    assert s.prompt == "ap-1(config-ssid)#"
    typed(s, "interface Dot11Radio0")
    assert s.prompt == "ap-1(config-if)#" and s.context.radio == "Dot11Radio0"


def test_exit_leaves_one_mode_and_ends_the_session_at_the_top(floor: Rig) -> None:
    s = floor.session()
    typed(s, "conf t", "interface ge3")
    assert not s.run("exit").close and s.mode == "config"
    assert not s.run("exit").close and s.mode == "enable"
    assert s.run("exit").close
    assert floor.session(privilege=1, user="support").run("logout").close


def test_ctrl_z_goes_back_to_privileged_mode_and_logs_the_change(floor: Rig, conf: CliSession) -> None:
    typed(conf, "vlan 30", "name iot-batiment")
    assert conf.prompt == "sw-floor(config-vlan)#"
    assert conf.end() == "\n"
    assert conf.prompt == "sw-floor#"
    assert conf.end() == ""  # nothing to leave
    assert floor.logs()[-1].endswith(f"%SYS-5-CONFIG_I: Configured from console by admin on vty{conf.number} ({PEER})")


def test_end_from_a_sub_mode(conf: CliSession) -> None:
    typed(conf, "interface range ge1 - 2", "end")
    assert conf.prompt == "sw-floor#"


def test_do_runs_an_exec_command_from_any_configuration_mode(conf: CliSession) -> None:
    for where in ("interface ge3", "vlan 10", "line vty 0 4"):
        typed(conf, where)
        mode = conf.mode
        out = conf.run("do show running-config | include ^hostname").output
        assert out == "hostname sw-floor"
        assert conf.mode == mode
    assert conf.run("do sh vlan br | i ^10 ").output.startswith("10   users ")


def test_a_global_command_typed_in_a_sub_mode_goes_to_global_configuration(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge3", "vlan 70")
    assert conf.prompt == "sw-floor(config-vlan)#"
    assert conf.context.vlans == [70]
    typed(conf, "name imprimantes")
    assert floor.switch.config.vlans[70] == "imprimantes"
    typed(conf, "interface ge4", "hostname SW-ETAGE")
    assert conf.prompt == "SW-ETAGE(config)#"
    typed(conf, "interface ge5", "interface ge6")  # another port: still interface configuration, of the new port
    assert conf.mode == "config-if" and conf.context.ports == ["ge6"]


# ---------------------------------------------------------------------------------------------- parsing


def test_abbreviations(floor: Rig, cli: CliSession) -> None:
    assert cli.run("sh int st").output == cli.run("show interfaces status").output
    assert cli.run("sh run").output == cli.run("show running-config").output
    typed(cli, "conf t")
    assert cli.mode == "config"
    typed(cli, "int ge3", "sw acc vl 20")
    assert floor.switch.config.interfaces["ge3"].access_vlan == 20
    assert floor.plane.vlans["ge3"] == PortVlan.access_port(20)
    typed(cli, "int Gi5", "sw acc vl 20")  # IOS's own name for the port, abbreviated
    assert floor.plane.vlans["ge5"] == PortVlan.access_port(20)


@pytest.mark.parametrize(
    ("mode_lines", "line", "word"),
    [
        ((), "show vlan brif", "brif"),
        ((), "show interfacx", "interfacx"),
        ((), "   show   vlan   brif", "brif"),
        ((), "terminal length 600", "600"),
        (("conf t",), "hostnme sw-x", "hostnme"),
        (("conf t", "interface ge3"), "switchport access vlan 5000", "5000"),
        (("conf t", "interface ge3"), "switchport mode dynamic", "dynamic"),
        (("conf t", "interface vlan 99"), "ip address 10.10.99.300 255.255.255.0", "10.10.99.300"),
    ],
)
def test_invalid_input_marks_the_bad_word(cli: CliSession, mode_lines: tuple[str, ...], line: str, word: str) -> None:
    for before in mode_lines:
        typed(cli, before)
    out = cli.run(line).output
    assert out == caret(cli, line, word)
    assert out.index("^") == len(cli.prompt) + line.index(word)


def test_invalid_input_in_user_mode(floor: Rig) -> None:
    user = floor.session(privilege=1, user="support")
    assert user.run("conf t").output == "         ^\n" + INVALID  # under the c, after "sw-floor>"
    assert user.run("show running-config").output == caret(user, "show running-config", "running-config")


def test_incomplete_and_ambiguous(cli: CliSession) -> None:
    assert cli.run("show").output == "% Incomplete command."
    assert cli.run("show vlan brief extra").output == caret(cli, "show vlan brief extra", "extra")
    typed(cli, "conf t")
    assert cli.run("s").output == '% Ambiguous command:  "s"'
    assert cli.run("interface").output == "% Incomplete command."
    typed(cli, "interface ge3")
    assert cli.run("s").output == '% Ambiguous command:  "s"'
    assert cli.run("switchport access").output == "% Incomplete command."
    assert cli.run("switchport trunk allowed vlan").output == "% Incomplete command."
    assert cli.mode == "config-if"  # an error leaves the mode as it was


def test_ambiguous_in_user_mode(floor: Rig) -> None:
    assert floor.session(privilege=1, user="support").run("e").output == '% Ambiguous command:  "e"'


def test_keywords_are_read_in_any_case(cli: CliSession) -> None:
    assert cli.run("SHOW VLAN BRIEF").output == cli.run("show vlan brief").output
    assert cli.run("Show Run | Include ^hostname").output == "hostname sw-floor"


# ---------------------------------------------------------------------------------------------- help and completion


def test_question_mark_lists_the_next_words(cli: CliSession) -> None:
    lines = cli.help("show vlan ").splitlines()
    assert lines[0].split(None, 1) == ["brief", "VTP all VLAN status in brief"]
    assert lines[-1] == "  <cr>"
    top = cli.help("")
    assert "  show       Show running system information" in top.splitlines()
    assert "  configure  Enter configuration mode" in top.splitlines()
    assert cli.help("terminal length ") == "  <0-512>  Number of lines on screen (0 for no pausing)"
    assert cli.help("configure terminal ") == "  <cr>"
    assert cli.help("bogus ") == "% Unrecognized command"
    keywords = [line.split()[0] for line in cli.help("show ").splitlines()]
    assert {"interfaces", "vlan", "running-config", "mac", "port-security", "version"} <= set(keywords)
    assert keywords == sorted(keywords)


def test_question_mark_in_configuration_modes(conf: CliSession) -> None:
    assert conf.help("hostname ") == "  WORD  This system's network name"
    typed(conf, "interface ge3")
    assert conf.help("switchport mode ").splitlines() == [
        "  access  Set trunking mode to ACCESS unconditionally",
        "  trunk   Set trunking mode to TRUNK unconditionally",
    ]
    assert conf.help("switchport access vlan ") == "  <1-4094>  VLAN ID"
    assert conf.help("switchport access vlan 10 ") == "  <cr>"
    assert conf.help("description ") == "  LINE  Characters describing this interface"


def test_question_mark_after_do(conf: CliSession) -> None:
    assert "  show       Show running system information" in conf.help("do ").splitlines()


def test_question_mark_after_part_of_a_word(cli: CliSession) -> None:
    assert cli.help("sh") == "show"
    assert cli.help("c").split() == ["clear", "configure", "copy"]
    assert cli.help("show int") == "interfaces"
    assert cli.help("show vl") == "vlan"
    assert cli.help("xyz") == "% Unrecognized command"


def test_tab_completes_one_keyword(conf: CliSession) -> None:
    assert conf.complete("ho") == "hostname "
    assert conf.complete("interface ran") == "interface range "
    typed(conf, "interface ge3")
    assert conf.complete("sw") == "switchport "
    assert conf.complete("sw acc vl") == "sw acc vlan "
    assert conf.complete("switchport mode t") == "switchport mode trunk "
    assert conf.complete("s") == "s"  # shutdown, switchport, spanning-tree: nothing to complete
    assert conf.complete("switchport ") == "switchport "


# ---------------------------------------------------------------------------------------------- privileges


def test_enable_asks_the_enable_secret(floor: Rig) -> None:
    s = floor.session(privilege=1, user="support")
    reply = s.run("enable")
    assert (reply.ask_secret, reply.output) == ("Password: ", "")
    again = s.answer("not-the-secret")
    assert again.ask_secret == "Password: " and s.prompt == "sw-floor>"
    done = s.answer(ENABLE_SECRET)
    assert (done.ask_secret, done.output) == ("", "")
    assert s.prompt == "sw-floor#" and s.level == 15
    typed(s, "conf t")  # privileged commands now work
    assert s.mode == "config"


def test_enable_gives_up_after_three_wrong_secrets(floor: Rig) -> None:
    s = floor.session(privilege=1, user="support")
    s.run("enable")
    assert s.answer("one").ask_secret == "Password: "
    assert s.answer("two").ask_secret == "Password: "
    last = s.answer(ENABLE_SECRET + "x")
    assert last.output.strip() == "% Bad secrets" and not last.ask_secret
    assert s.prompt == "sw-floor>" and s.level == 1
    assert s.answer(ENABLE_SECRET).output == ""  # nothing is asked any more
    assert s.prompt == "sw-floor>"


def test_privilege_15_lands_in_privileged_mode_and_disable_leaves_it(floor: Rig) -> None:
    s = floor.session(privilege=15)
    assert s.prompt == "sw-floor#"
    assert s.run("enable").ask_secret == ""  # already privileged
    typed(s, "disable")
    assert s.prompt == "sw-floor>" and s.level == 1
    assert s.run("enable").ask_secret == "Password: "  # privilege 15 is not given back without the secret
    s.answer(ENABLE_SECRET)
    assert s.prompt == "sw-floor#"


def test_terminal_length_and_width(floor: Rig) -> None:
    s = floor.session(privilege=1, user="support")
    assert (s.length, s.width) == (24, 80)
    typed(s, "terminal length 0", "terminal width 511")
    assert (s.length, s.width) == (0, 511)
    typed(s, "term len 40")
    assert s.length == 40


def test_exec_timeout_sets_the_idle_timeout(floor: Rig, conf: CliSession) -> None:
    assert conf.idle_timeout == 15 * 60  # the site's exec_timeout
    typed(conf, "line vty 0 4", "exec-timeout 5 30")
    assert conf.idle_timeout == 330
    typed(conf, "exec-timeout 0 0")
    assert conf.idle_timeout == 0
    assert " exec-timeout 0 0" in render(floor.switch.config).splitlines()


def test_enable_without_an_enable_secret(floor: Rig, conf: CliSession) -> None:
    typed(conf, "no enable secret", "end")
    user = floor.session(privilege=1, user="support")
    assert user.run("enable").output == "% No password set"
    assert user.prompt == "sw-floor>"


# ---------------------------------------------------------------------------------------------- output filters


@pytest.mark.parametrize("how", ["include", "i", "inc"])
def test_include(cli: CliSession, how: str) -> None:
    assert cli.run(f"show running-config | {how} ^hostname").output == "hostname sw-floor"


@pytest.mark.parametrize("how", ["exclude", "ex", "e"])
def test_exclude(cli: CliSession, how: str) -> None:
    full = cli.run("show running-config").output.splitlines()
    out = cli.run(f"show running-config | {how} interface").output.splitlines()
    assert out == [line for line in full if "interface" not in line]
    assert len(out) < len(full)


@pytest.mark.parametrize("how", ["begin", "b", "beg"])
def test_begin(cli: CliSession, how: str) -> None:
    full = cli.run("show running-config").output.splitlines()
    out = cli.run(f"show running-config | {how} ^interface Vlan").output.splitlines()
    assert out[0] == "interface Vlan99"
    assert out == full[full.index("interface Vlan99") :]


@pytest.mark.parametrize("how", ["section", "s", "sec"])
def test_section(cli: CliSession, how: str) -> None:
    assert cli.run(f"show running-config | {how} ^interface ge23").output.splitlines() == [
        "interface ge23",
        " description vers ap-1",
        " switchport trunk native vlan 99",
        " switchport trunk allowed vlan 10,50,99",
        " switchport mode trunk",
    ]


def test_an_unknown_filter_is_marked(cli: CliSession) -> None:
    assert cli.run("show vlan brief | grep users").output == caret(cli, "show vlan brief | grep users", "grep")


def test_a_filter_does_not_hide_an_error(cli: CliSession) -> None:
    assert cli.run("show vlan brif | include users").output == caret(cli, "show vlan brif | include users", "brif")


# ---------------------------------------------------------------------------------------------- configuration → data plane


def test_access_vlan_moves_the_port_at_once(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge3", "switchport access vlan 20")
    assert floor.plane.vlans["ge3"] == PortVlan.access_port(20)
    assert floor.plane.vlans["ge2"] == PortVlan.access_port(10)
    assert conf.run("do show vlan brief | include ^20 ").output.endswith("active    ge3, ge17, ge18, ge19, ge20")


def test_an_access_vlan_that_does_not_exist_is_created(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge3")
    assert conf.run("switchport access vlan 70").output == "% Access VLAN does not exist. Creating vlan 70"
    assert floor.switch.config.vlans[70] == "VLAN0070"
    assert floor.plane.vlans["ge3"] == PortVlan.access_port(70)
    assert floor.link("ge3") == "connected"


def test_no_vlan_makes_its_ports_inactive(floor: Rig, conf: CliSession) -> None:
    typed(conf, "no vlan 20")
    assert 20 not in floor.switch.config.vlans
    for port in ("ge17", "ge18", "ge19", "ge20"):
        assert floor.link(port) == "inactive"
        assert floor.plane.vlans[port] == INACTIVE
        assert floor.plane.vlans[port].allowed == ()
    assert floor.plane.vlans["ge24"] == PortVlan.trunk_port([10, 30, 40, 50, 99], None)  # the trunk stops carrying it
    [row] = [line for line in conf.run("do show interfaces status").output.splitlines() if line.startswith("ge17 ")]
    assert row.split()[1:3] == ["inactive", "20"]
    assert conf.run("no vlan 1").output == "%Default VLAN 1 may not be deleted."
    typed(conf, "vlan 20")  # back: its ports forward again
    assert floor.plane.vlans["ge17"] == PortVlan.access_port(20) and floor.link("ge17") == "connected"


def test_trunk_allowed_vlans(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge24")
    port = floor.switch.config.interfaces["ge24"]

    def allowed() -> tuple[int, ...]:
        return floor.plane.vlans["ge24"].allowed

    typed(conf, "switchport trunk allowed vlan remove 20,30")
    assert (port.trunk_allowed, allowed()) == ([10, 40, 50, 99], (10, 40, 50, 99))
    typed(conf, "switchport trunk allowed vlan add 30")
    assert allowed() == (10, 30, 40, 50, 99)
    typed(conf, "switchport trunk allowed vlan except 10")
    assert allowed() == (1, 20, 30, 40, 50, 99)  # every VLAN the switch has but 10
    assert conf.run("do show running-config interface ge24 | include allowed").output == " switchport trunk allowed vlan 1-9,11-4094"
    typed(conf, "switchport trunk allowed vlan none")
    assert (port.trunk_allowed, allowed()) == ([], ())
    typed(conf, "switchport trunk allowed vlan all")
    assert port.trunk_allowed is None
    assert allowed() == (1, 10, 20, 30, 40, 50, 99)
    typed(conf, "switchport trunk allowed vlan 10,99", "switchport trunk native vlan 99")
    assert floor.plane.vlans["ge24"] == PortVlan.trunk_port([10, 99], 99)
    typed(conf, "no switchport trunk native vlan")
    assert floor.plane.vlans["ge24"] == PortVlan.trunk_port([10, 99], None)  # native 1 is not allowed: everything tagged


def test_mode_trunk_and_back(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge3", "switchport mode trunk", "switchport trunk allowed vlan 10,20")
    assert floor.plane.vlans["ge3"] == PortVlan.trunk_port([10, 20], None)
    typed(conf, "switchport mode access")
    assert floor.plane.vlans["ge3"] == PortVlan.access_port(10)
    typed(conf, "no switchport access vlan")
    assert floor.plane.vlans["ge3"] == PortVlan.access_port(1)


def test_a_range_of_vlans(floor: Rig, conf: CliSession) -> None:
    typed(conf, "vlan 60-62,65")
    assert conf.prompt == "sw-floor(config-vlan)#" and conf.context.vlans == [60, 61, 62, 65]
    typed(conf, "name labo")
    assert {v: floor.switch.config.vlans[v] for v in (60, 61, 62, 65)} == dict.fromkeys((60, 61, 62, 65), "labo")
    typed(conf, "no vlan 60-62")
    assert sorted(floor.switch.config.vlans) == [1, 10, 20, 30, 40, 50, 65, 99]


def test_interface_range(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface range ge1 - 3, ge5")
    assert conf.context.ports == ["ge1", "ge2", "ge3", "ge5"]
    typed(conf, "switchport access vlan 30", "shutdown")
    for port in ("ge1", "ge2", "ge3", "ge5"):
        assert floor.plane.vlans[port] == PortVlan.access_port(30)
        assert not floor.plane.state[port].admin_up
        assert floor.link(port) == "disabled"
    assert floor.plane.vlans["ge4"] == PortVlan.access_port(10) and floor.plane.state["ge4"].admin_up
    typed(conf, "interface range ge7-8")
    assert conf.context.ports == ["ge7", "ge8"]
    assert conf.run("interface range ge20 - 30").output == "% Invalid interface range: no port ge25"
    assert floor.switch.config.interfaces["ge20"].access_vlan == 20


def test_shutdown_and_no_shutdown(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge3", "shutdown")
    assert not floor.plane.state["ge3"].admin_up
    assert floor.switch.config.interfaces["ge3"].shutdown
    assert floor.link("ge3") == "disabled"
    assert conf.run("do show interfaces ge3").output.splitlines()[0] == "ge3 is administratively down, line protocol is down (disabled)"
    typed(conf, "no shutdown")
    assert floor.plane.state["ge3"].admin_up and floor.link("ge3") == "connected"


def test_no_shutdown_does_not_plug_a_pulled_cable(floor: Rig, conf: CliSession) -> None:
    floor.plane.state["ge7"] = dataclasses.replace(floor.plane.state["ge7"], admin_up=False, oper_up=False, alias="officelab: cable pulled")
    typed(conf, "interface ge7", "no shutdown")
    assert not floor.plane.state["ge7"].admin_up
    assert floor.link("ge7") == "notconnect"


def test_description(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge3", "description poste accueil 2")
    assert floor.switch.config.interfaces["ge3"].description == "poste accueil 2"
    [row] = [line for line in conf.run("do show interfaces status").output.splitlines() if line.startswith("ge3 ")]
    assert row.startswith("ge3       poste accueil 2    connected    10 ")
    assert " description poste accueil 2" in conf.run("do show running-config interface ge3").output.splitlines()
    typed(conf, "no description")
    assert floor.switch.config.interfaces["ge3"].description == ""


def test_hostname_changes_the_prompt(floor: Rig, conf: CliSession) -> None:
    typed(conf, "hostname SW-ETAGE-1")
    assert conf.prompt == "SW-ETAGE-1(config)#"
    typed(conf, "end")
    assert conf.prompt == "SW-ETAGE-1#"
    assert "hostname SW-ETAGE-1" in render(floor.switch.config).splitlines()


def test_management_address_and_gateway(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface vlan 99", "ip address 10.10.99.33 255.255.255.0")
    assert floor.plane.addresses["mgmt"] == "10.10.99.33/24"
    typed(conf, "ip default-gateway 10.10.99.254")
    assert floor.plane.gateway == "10.10.99.254"
    brief = conf.run("do show ip interface brief | include ^Vlan99").output
    assert brief.split()[:2] == ["Vlan99", "10.10.99.33"]
    typed(conf, "interface vlan 99", "shutdown")
    assert floor.plane.addresses["mgmt"] is None
    typed(conf, "no shutdown")
    assert floor.plane.addresses["mgmt"] == "10.10.99.33/24"
    typed(conf, "no ip default-gateway")
    assert floor.plane.gateway is None
    typed(conf, "interface vlan 99", "no ip address")
    assert floor.plane.addresses["mgmt"] is None


def test_show_interfaces_vlan_with_a_space(cli: CliSession) -> None:
    assert cli.run("show interfaces vlan 99").output.splitlines()[0] == "Vlan99 is up, line protocol is up"


def test_ip_address_on_a_port_is_refused(conf: CliSession) -> None:
    typed(conf, "interface ge3")
    assert conf.run("ip address 10.0.0.1 255.255.255.0").output == "% IP addresses may not be configured on L2 links."


def test_an_unknown_interface_is_refused(conf: CliSession) -> None:
    out = conf.run("interface ge99").output
    assert out.startswith("% Invalid interface ge99")
    assert conf.mode == "config"


# ---------------------------------------------------------------------------------------------- port security

MAC_1, MAC_2, MAC_3 = "52:54:00:aa:00:01", "52:54:00:aa:00:02", "52:54:00:aa:00:03"


def test_port_security_violation_err_disables_the_port(floor: Rig, conf: CliSession) -> None:
    typed(
        conf,
        "interface ge3",
        "switchport port-security maximum 1",
        "switchport port-security violation shutdown",
        "switchport port-security",
        "end",
    )
    floor.switch.learned(MAC_1, "ge3")
    assert floor.link("ge3") == "connected"
    floor.switch.learned(MAC_1, "ge3")  # the same address again: no violation
    assert floor.link("ge3") == "connected"
    floor.switch.learned(MAC_2, "ge3")
    assert floor.link("ge3") == "err-disabled"
    assert not floor.plane.state["ge3"].admin_up
    logs = floor.logs()
    assert any(
        line.endswith("%PM-4-ERR_DISABLE: psecure-violation error detected on ge3, putting ge3 in err-disable state") for line in logs
    )
    assert any(
        line.endswith("%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address 5254.00aa.0002 on port ge3.")
        for line in logs
    )
    assert conf.run("show interfaces status err-disabled").output.splitlines()[-1].split() == ["ge3", "err-disabled", "psecure-violation"]
    assert conf.run("show interfaces ge3").output.splitlines()[0] == "ge3 is down, line protocol is down (err-disabled)"
    # shutdown, no shutdown: the port comes back and forgets the addresses it had learned
    typed(conf, "conf t", "interface ge3", "shutdown", "no shutdown")
    assert floor.link("ge3") == "connected"
    assert floor.plane.state["ge3"].admin_up
    assert floor.switch.err_disabled == {}
    floor.switch.learned(MAC_2, "ge3")
    assert floor.link("ge3") == "connected"


def test_no_shutdown_alone_does_not_recover_an_err_disabled_port(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge3", "switchport port-security")
    floor.switch.learned(MAC_1, "ge3")
    floor.switch.learned(MAC_2, "ge3")
    typed(conf, "no shutdown")
    assert floor.link("ge3") == "err-disabled" and not floor.plane.state["ge3"].admin_up


def test_show_port_security_interface(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge3", "switchport port-security", "end")
    floor.switch.learned(MAC_1, "ge3")
    floor.switch.learned(MAC_2, "ge3")
    lines = conf.run("show port-security interface ge3").output.splitlines()
    assert "Port Security              : Enabled" in lines
    assert "Port Status                : Secure-shutdown" in lines
    assert "Last Source Address:Vlan   : 5254.00aa.0002:10" in lines


def test_port_security_restrict_blocks_the_address(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge4", "switchport port-security violation restrict", "switchport port-security")
    floor.switch.learned(MAC_1, "ge4")
    floor.switch.learned(MAC_2, "ge4")
    assert floor.link("ge4") == "connected" and floor.plane.state["ge4"].admin_up
    assert floor.plane.blocked == {"ge4": {MAC_2}}
    assert any(line.endswith("caused by MAC address 5254.00aa.0002 on port ge4.") for line in floor.logs())
    assert not any("ERR_DISABLE" in line for line in floor.logs())
    summary = conf.run("do show port-security").output.splitlines()
    assert [line.split() for line in summary if line.strip().startswith("ge4")] == [["ge4", "1", "1", "1", "Restrict"]]


def test_shutdown_forgets_the_addresses_of_a_restrict_port(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge4", "switchport port-security violation restrict", "switchport port-security")
    floor.switch.learned(MAC_1, "ge4")
    floor.switch.learned(MAC_2, "ge4")
    typed(conf, "shutdown", "no shutdown")  # IOS: a port that goes down forgets its dynamic secure addresses
    assert floor.plane.blocked == {}
    floor.switch.learned(MAC_2, "ge4")
    assert floor.switch.secure["ge4"].addresses == ["5254.00aa.0002"]


def test_port_security_protect_blocks_without_a_log(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge4", "switchport port-security violation protect", "switchport port-security")
    floor.switch.learned(MAC_1, "ge4")
    floor.switch.learned(MAC_2, "ge4")
    assert floor.plane.blocked == {"ge4": {MAC_2}}
    assert not any("PSECURE_VIOLATION" in line for line in floor.logs())


def test_sticky_addresses_are_configuration_and_survive_a_reload(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge5", "switchport port-security mac-address sticky", "switchport port-security", "end")
    floor.switch.learned(MAC_1, "ge5")
    block = conf.run("show running-config interface ge5").output.splitlines()
    assert block[4:-1] == [
        "interface ge5",
        " switchport access vlan 10",
        " switchport mode access",
        " switchport port-security mac-address sticky",
        " switchport port-security mac-address sticky 5254.00aa.0001",
        " switchport port-security",
    ]
    assert "switchport port-security mac-address sticky 5254.00aa.0001" in (Path(floor.hw.state_dir) / "running-config").read_text()
    typed(conf, "write memory")
    reply = conf.run("reload")
    assert reply.confirm == "Proceed with reload? [confirm]"
    assert conf.answer("").close
    assert floor.switch.config.interfaces["ge5"].security.macs == ["5254.00aa.0001"]
    floor.switch.learned(MAC_1, "ge5")
    assert floor.link("ge5") == "connected"
    floor.switch.learned(MAC_2, "ge5")  # the sticky address holds the one place
    assert floor.link("ge5") == "err-disabled"
    plane_entries = [("52:54:00:aa:00:01", "ge5")]
    floor.plane.entries = plane_entries
    rows = floor.session().run("show mac address-table").output.splitlines()
    assert "  10    5254.00aa.0001    STATIC      ge5" in rows


def test_a_static_secure_address(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge6", "switchport port-security mac-address 5254.00aa.0003", "switchport port-security")
    floor.switch.learned(MAC_3, "ge6")
    assert floor.link("ge6") == "connected"
    floor.switch.learned(MAC_1, "ge6")
    assert floor.link("ge6") == "err-disabled"
    assert " switchport port-security mac-address 5254.00aa.0003" in render(floor.switch.config).splitlines()


# ---------------------------------------------------------------------------------------------- saving and reloading


def test_write_memory_then_reload_keeps_the_change(floor: Rig, cli: CliSession) -> None:
    typed(cli, "conf t", "interface ge6", "switchport access vlan 30", "end")
    assert cli.run("write memory").output == "Building configuration...\n[OK]"
    assert Path(floor.hw.nvram).read_text() == render(floor.switch.config)
    reply = cli.run("reload")
    assert (reply.output, reply.confirm) == ("", "Proceed with reload? [confirm]")
    assert cli.answer("").close
    assert floor.switch.config.interfaces["ge6"].access_vlan == 30
    assert floor.plane.vlans["ge6"] == PortVlan.access_port(30)
    assert any("%SYS-5-RELOAD: Reload requested by console." in line for line in floor.logs())


def test_reload_without_write_memory_loses_the_change(floor: Rig, cli: CliSession) -> None:
    typed(cli, "conf t", "interface ge6", "switchport access vlan 30", "shutdown", "exit", "hostname PERDU", "end")
    assert floor.plane.vlans["ge6"] == PortVlan.access_port(30) and not floor.plane.state["ge6"].admin_up
    reply = cli.run("reload")
    assert reply.output == "System configuration has been modified. Save? [yes/no]: no"
    assert reply.confirm == "Proceed with reload? [confirm]"
    assert cli.answer("y").close
    assert floor.switch.config.interfaces["ge6"].access_vlan == 10
    assert floor.plane.vlans["ge6"] == PortVlan.access_port(10)
    assert floor.plane.state["ge6"].admin_up
    assert floor.session().prompt == "sw-floor#"


def test_reload_can_be_cancelled(floor: Rig, cli: CliSession) -> None:
    typed(cli, "conf t", "interface ge6", "switchport access vlan 30", "end")
    cli.run("reload")
    assert not cli.answer("n").close
    assert floor.plane.vlans["ge6"] == PortVlan.access_port(30)


def test_reload_clears_err_disabled_ports(floor: Rig, cli: CliSession) -> None:
    typed(cli, "conf t", "interface ge3", "switchport port-security", "end", "write")
    floor.switch.learned(MAC_1, "ge3")
    floor.switch.learned(MAC_2, "ge3")
    assert floor.link("ge3") == "err-disabled"
    cli.run("reload")
    cli.answer("")
    assert floor.link("ge3") == "connected" and floor.plane.state["ge3"].admin_up


def test_copy_running_config_startup_config(floor: Rig, cli: CliSession) -> None:
    typed(cli, "conf t", "hostname SW-COPIE", "end")
    reply = cli.run("copy running-config startup-config")
    assert reply.confirm == "Destination filename [startup-config]? "
    assert cli.answer("").output == "Building configuration...\n[OK]"
    assert "hostname SW-COPIE" in Path(floor.hw.nvram).read_text().splitlines()


def test_show_startup_config_after_write(floor: Rig, cli: CliSession) -> None:
    typed(cli, "conf t", "interface ge6", "description salle-reunion", "end")
    assert " description salle-reunion" not in cli.run("show startup-config").output.splitlines()
    typed(cli, "write memory")
    text = render(floor.switch.config)
    out = cli.run("show startup-config").output
    assert out == f"Using {len(text.encode())} out of 524288 bytes\n{text}"
    assert " description salle-reunion" in out.splitlines()


# ---------------------------------------------------------------------------------------------- reading a configuration back


@pytest.mark.parametrize("name", sorted(NODES))
def test_every_startup_configuration_reads_back_byte_for_byte(tmp_path: Path, name: str) -> None:
    rig = Rig.boot(name, tmp_path)
    assert rig.refused == []
    text = facts.startup_text(SITE, NODES[name])
    config, refused = SHELL.load(rig.switch, text)
    assert refused == []
    assert render(config) == text
    assert render(rig.switch.config) == text


def test_a_configuration_changed_through_the_cli_reads_back(floor: Rig, conf: CliSession) -> None:
    typed(
        conf,
        "hostname SW-ETAGE",
        "vlan 70",
        "name imprimantes",
        "interface range ge1 - 2",
        "switchport access vlan 70",
        "interface ge3",
        "description poste du fond",
        "shutdown",
        "interface ge4",
        "switchport port-security maximum 2",
        "switchport port-security violation restrict",
        "switchport port-security mac-address sticky",
        "switchport port-security mac-address sticky 5254.00aa.0004",
        "switchport port-security",
        "spanning-tree portfast",
        "interface ge23",
        "switchport trunk allowed vlan remove 50",
        "interface ge24",
        "switchport trunk allowed vlan except 30",
        "switchport trunk native vlan 99",
        "no vlan 40",
        "username tech privilege 1 secret Tech-2026",
        "enable secret 0 Nouveau-Enable",
        "banner motd ^CAcces reserve\\nDeuxieme ligne^C",
        "ip http server",
        "ip domain-name etage.lan",
        "line vty 0 4",
        "exec-timeout 0 0",
        "transport input all",
        "interface vlan 99",
        "ip address 10.10.99.30 255.255.255.0",
        "ip default-gateway 10.10.99.254",
        "end",
    )
    floor.switch.learned(MAC_1, "ge4")
    text = render(floor.switch.config)
    config, refused = SHELL.load(floor.switch, text)
    assert refused == []
    assert render(config) == text
    assert config == floor.switch.config
    assert config.banner_motd == "Acces reserve\nDeuxieme ligne"
    assert config.interfaces["ge4"].security.macs == ["5254.00aa.0004", "5254.00aa.0001"]


def test_a_refused_line_is_reported(floor: Rig) -> None:
    text = render(floor.switch.config).replace("hostname sw-floor\n", "hostname sw-floor\nfrobnicate now\n")
    config, refused = SHELL.load(floor.switch, text)
    assert refused == [f"line {text.splitlines().index('frobnicate now') + 1}: frobnicate now: {INVALID}"]
    assert config.hostname == "sw-floor"


# ---------------------------------------------------------------------------------------------- secrets and banners


def test_secrets_are_type_9_hashes_never_clear_text(floor: Rig, cli: CliSession) -> None:
    typed(cli, "conf t", "username tech privilege 15 secret Cl4ir-Tech", "enable secret 0 Nouveau-Enable", "end")
    run = cli.run("show running-config").output
    assert "Cl4ir-Tech" not in run and "Nouveau-Enable" not in run
    assert ADMIN_SECRET not in run and ENABLE_SECRET not in run
    users = [line.split() for line in run.splitlines() if line.startswith("username ")]
    assert [u[:5] for u in users] == [
        ["username", u.name, "privilege", str(u.privilege), "secret"] for u in floor.switch.config.users.values()
    ]
    assert all(u[5] == "9" and TYPE9.match(u[6]) for u in users)
    [enable] = [line.split() for line in run.splitlines() if line.startswith("enable secret ")]
    assert enable[2] == "9" and TYPE9.match(enable[3])
    config = floor.switch.config
    assert secret_matches(config.users["tech"].secret, "Cl4ir-Tech")
    assert not secret_matches(config.users["tech"].secret, "cl4ir-tech")
    assert secret_matches(config.enable_secret, "Nouveau-Enable")
    assert secret_matches(config.users[ADMIN].secret, ADMIN_SECRET)
    user = floor.session(privilege=1, user="support")
    user.run("enable")
    user.answer("Nouveau-Enable")
    assert user.prompt == "sw-floor#"


def test_a_hashed_secret_is_kept_as_typed(floor: Rig, conf: CliSession) -> None:
    stored = floor.switch.config.users[ADMIN].secret
    typed(conf, f"username copie privilege 1 secret 9 {stored}")
    assert floor.switch.config.users["copie"].secret == stored
    assert conf.run("username faux secret 9 notahash").output == "% Invalid encrypted secret."
    assert "faux" not in floor.switch.config.users


def test_banner_on_one_line(floor: Rig, conf: CliSession) -> None:
    typed(conf, "banner motd ^CAcces reserve au cabinet^C")
    assert floor.switch.config.banner_motd == "Acces reserve au cabinet"
    run = render(floor.switch.config).splitlines()
    start = run.index("banner motd ^C")
    assert run[start : start + 3] == ["banner motd ^C", "Acces reserve au cabinet", "^C"]
    typed(conf, "banner motd #Autre delimiteur#")
    assert floor.switch.config.banner_motd == "Autre delimiteur"
    assert conf.run("banner motd ^Csans fin").output.startswith("% ")
    assert floor.switch.config.banner_motd == "Autre delimiteur"


@pytest.mark.parametrize(("opening", "closing"), [("^C", "^C"), ("#", "#")])
def test_a_multi_line_banner_loads_from_a_file(floor: Rig, opening: str, closing: str) -> None:
    body = "Acces reserve\n  au personnel\n\ndu cabinet Martin"
    text = render(floor.switch.config)
    banner = "banner motd ^C\nAcces reserve au personnel autorise du cabinet Martin\n^C"
    assert banner in text
    config, refused = SHELL.load(floor.switch, text.replace(banner, f"banner motd {opening}\n{body}\n{closing}"))
    assert refused == []
    assert config.banner_motd == body
    assert config.hostname == "sw-floor" and config.vty.exec_timeout == (15, 0)  # the lines after it are read too
    again, refused = SHELL.load(floor.switch, render(config))
    assert refused == [] and again.banner_motd == body


# ---------------------------------------------------------------------------------------------- access point


def test_ssid_vlan_moves_its_port(ap: Rig) -> None:
    port = ap.hw.ssid_ports["Cabinet-Invites"]
    assert ap.plane.vlans[port] == PortVlan.access_port(50)
    s = ap.session()
    typed(s, "configure terminal", "dot11 ssid Cabinet-Invites", "vlan 10")
    assert ap.plane.vlans[port] == PortVlan.access_port(10)
    assert ap.switch.config.ssids["Cabinet-Invites"].vlan == 10
    assert ap.switch.config.interfaces[port].access_vlan == 10
    staff = ap.hw.ssid_ports["Cabinet-Martin"]
    assert ap.plane.vlans[staff] == PortVlan.access_port(10)
    section = s.run("do show running-config | section ^dot11 ssid Cabinet-Invites").output.splitlines()
    assert section[:2] == ["dot11 ssid Cabinet-Invites", "   vlan 10"]


def test_ssid_on_the_radio_must_exist(ap: Rig) -> None:
    s = ap.session()
    typed(s, "conf t", "interface Dot11Radio0")
    assert s.run("ssid Inconnu").output.startswith("% SSID Inconnu is not configured")
    typed(s, "no ssid Cabinet-Invites")
    assert ap.switch.config.radio_ssids["Dot11Radio0"] == ["Cabinet-Martin", "Cabinet-Martin-Pro"]


# ---------------------------------------------------------------------------------------------- the management socket


def test_control_configure(floor: Rig) -> None:
    answer = control._answer(
        floor.switch, {"configure": ["interface ge7", "switchport access vlan 20", "exit", "interface ge8", " shutdown"]}
    )
    assert answer == {"ok": True, "output": "", "refused": []}
    assert floor.plane.vlans["ge7"] == PortVlan.access_port(20)
    assert not floor.plane.state["ge8"].admin_up
    assert floor.logs()[-1].endswith("%SYS-5-CONFIG_I: Configured from OfficeLab (management socket)")


def test_control_configure_reports_a_refused_line(floor: Rig) -> None:
    answer = control._answer(floor.switch, {"configure": ["interface ge7", "switchport access vlan 9999", "shutdown"]})
    assert answer["ok"] is False
    assert answer["refused"] == [f"line 2: switchport access vlan 9999: {INVALID}"]
    assert floor.plane.vlans["ge7"] == PortVlan.access_port(10)
    assert not floor.plane.state["ge7"].admin_up  # the other lines are applied


def test_control_exec(floor: Rig) -> None:
    answer = control._answer(floor.switch, {"exec": "show vlan brief"})
    assert answer["ok"] is True and answer["refused"] == []
    rows = parse_output(platform="cisco_ios", command="show vlan brief", data=answer["output"])
    assert {r["vlan_id"]: r["vlan_name"] for r in rows} == {
        "1": "default",
        "10": "users",
        "20": "voice",
        "30": "iot",
        "40": "servers",
        "50": "guests",
        "99": "mgmt",
        "1002": "fddi-default",
        "1003": "token-ring-default",
        "1004": "fddinet-default",
        "1005": "trnet-default",
    }


def test_control_exec_refused(floor: Rig) -> None:
    answer = control._answer(floor.switch, {"exec": "show vlan brieff"})
    assert answer["output"].endswith(INVALID)
    assert answer["ok"] is False


# ---------------------------------------------------------------------------------------------- show commands through the CLI


def test_show_running_config_interface(cli: CliSession) -> None:
    lines = cli.run("show running-config interface ge3").output.splitlines()
    assert lines[:2] == ["Building configuration...", ""]
    assert re.fullmatch(r"Current configuration : \d+ bytes", lines[2])
    assert lines[3:] == ["!", "interface ge3", " switchport access vlan 10", " switchport mode access", "end"]
    assert cli.run("sh run int Gi3").output.splitlines() == lines


def test_show_running_config_has_the_header_backup_tools_cut(floor: Rig, cli: CliSession) -> None:
    out = cli.run("show running-config").output
    text = render(floor.switch.config)
    assert out == f"Building configuration...\n\nCurrent configuration : {len(text.encode())} bytes\n{text}"


def test_show_mac_address_table(floor: Rig, cli: CliSession) -> None:
    voice_mac, voice_vid = next((m, v) for m, v in floor.hw.trunk_vlans.items() if v == 20)
    floor.plane.entries = [("52:54:00:aa:00:03", "ge3"), (voice_mac, "ge24"), ("02:00:00:00:99:99", "ge24"), (MAC_1, "mgmt-p")]
    out = cli.run("show mac address-table").output
    dotted = voice_mac.replace(":", "")
    dotted = f"{dotted[0:4]}.{dotted[4:8]}.{dotted[8:12]}"
    assert out.splitlines()[5:] == [
        "   1    0200.0000.9999    DYNAMIC     ge24",  # not a lab address: the trunk's native VLAN
        "  10    5254.00aa.0003    DYNAMIC     ge3",
        f"  {voice_vid}    {dotted}    DYNAMIC     ge24",  # learned on the trunk: its VLAN from the lab's addresses
        "Total Mac Addresses for this criterion: 3",
    ]
    rows = parse_output(platform="cisco_ios", command="show mac address-table", data=out)
    assert {(r["destination_address"], r["vlan_id"]) for r in rows} == {
        ("0200.0000.9999", "1"),
        ("5254.00aa.0003", "10"),
        (dotted, str(voice_vid)),
    }
    vlan20 = cli.run("show mac address-table vlan 20").output.splitlines()
    assert vlan20[5:] == [f"  {voice_vid}    {dotted}    DYNAMIC     ge24", "Total Mac Addresses for this criterion: 1"]
    typed(cli, "clear mac address-table dynamic")
    assert floor.plane.entries == [(MAC_1, "mgmt-p")]  # the switch's own port is not a switch port: kept
    assert cli.run("show mac address-table").output.splitlines()[-1] == "Total Mac Addresses for this criterion: 0"


def test_show_mac_address_table_interface(floor: Rig, cli: CliSession) -> None:
    floor.plane.entries = [("52:54:00:aa:00:03", "ge3"), ("52:54:00:aa:00:04", "ge4")]
    out = cli.run("show mac address-table interface ge3").output.splitlines()
    assert out[5:] == ["  10    5254.00aa.0003    DYNAMIC     ge3", "Total Mac Addresses for this criterion: 1"]


def test_show_interfaces_switchport(floor: Rig, conf: CliSession) -> None:
    typed(conf, "interface ge23", "switchport trunk allowed vlan add 20", "end")
    [trunk] = parse_output(platform="cisco_ios", command="show interfaces ge23 switchport", data=conf.run("sh int ge23 sw").output)
    assert (trunk["interface"], trunk["admin_mode"], trunk["mode"]) == ("ge23", "trunk", "trunk")
    assert (trunk["native_vlan"], trunk["trunking_vlans"]) == ("99", ["10", "20", "50", "99"])
    rows = parse_output(platform="cisco_ios", command="show interfaces switchport", data=conf.run("show interfaces switchport").output)
    assert [r["interface"] for r in rows] == floor.hw.ports
    access = {r["interface"]: r for r in rows}["ge17"]
    assert (access["admin_mode"], access["mode"], access["access_vlan"]) == ("static access", "static access", "20")
    assert "Access Mode VLAN: 20 (voice)" in conf.run("show interfaces gi17 switchport").output.splitlines()


def test_show_for_an_unknown_port_is_an_error_not_a_crash(cli: CliSession) -> None:
    for line in ("show interfaces ge99", "show interfaces ge99 switchport", "show running-config interface ge99"):
        out = cli.run(line).output
        assert out.startswith("%") and "ge99" in out
    assert cli.prompt == "sw-floor#"


def test_show_users_marks_the_session_that_asks(floor: Rig) -> None:
    me, other = floor.session(), floor.session(privilege=1, user="support")
    rows = me.run("show users").output.splitlines()
    assert rows[1].split() == ["*", "1", "vty", str(me.number), ADMIN, "idle", "00:00:00", PEER]
    assert rows[2].split() == ["2", "vty", str(other.number), "support", "idle", "00:00:00", PEER]
    other.close()
    assert len([r for r in me.run("show users").output.splitlines() if " vty " in r]) == 1
