"""The rules' logic without a lab: a prober that answers from a table stands for the nodes, the site is real."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

import pytest

from officelab.audit import checks
from officelab.audit.checks import policy_weaknesses, unused_ports
from officelab.audit.context import Audit, parse_listening
from officelab.audit.design import design_ports, outside_design
from officelab.audit.rules import BY_ID, RULES, SECURITY, Rule, Severity
from officelab.core.probe import ProbeSpecBase
from officelab.criteria import catalogue
from officelab.domains.automation.model import MqttProbe
from officelab.domains.network.model import CommandProbe, TcpProbe
from officelab.domains.switchcli.model import SshCliProbe
from officelab.probes import Layer, ProbeResult
from officelab.site.loader import load_site

SS = """\
LISTEN 0      100          0.0.0.0:8883      0.0.0.0:*
LISTEN 0      5            0.0.0.0:23        0.0.0.0:*
LISTEN 0      128        127.0.0.1:631       0.0.0.0:*
LISTEN 0      128             [::]:22           [::]:*
LISTEN 0      32   10.10.40.5%eth0:53        0.0.0.0:*
"""

STATUS = """
Port      Name               Status       Vlan       Duplex  Speed Type
ge1       vers fw:lan        connected    trunk      a-full a-1000 10/100/1000BaseTX
ge2                          connected    10         a-full a-1000 10/100/1000BaseTX
ge3                          notconnect   10           auto   auto 10/100/1000BaseTX
ge4                          disabled     10           auto   auto 10/100/1000BaseTX
ge5                          notconnect   trunk        auto   auto 10/100/1000BaseTX
"""

PASSWORDS = """Password information for domain 'DC=ad,DC=cabinet-martin,DC=lan'

Password complexity: off
Store plaintext passwords: off
Password history length: 24
Minimum password length: 8
Minimum password age (days): 0
"""


@dataclass
class TableProber:
    """Answers ``ok`` to the probes ``accept`` says yes to, and ``ss`` with ``listening``."""

    accept: object
    listening: dict[str, str] = field(default_factory=dict)
    asked: list[tuple[str, ProbeSpecBase]] = field(default_factory=list)

    def probe(self, node: str, spec: ProbeSpecBase) -> ProbeResult:
        self.asked.append((node, spec))
        ok = bool(self.accept(node, spec))  # type: ignore[operator]
        return ProbeResult(ok, Layer.APPLICATION, "accepted" if ok else "refused", f"{spec.kind}", "CONNACK Success" if ok else "")

    def run(self, node: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(argv, 0, self.listening.get(node, ""), "")


def audit(accept: object, listening: dict[str, str] | None = None) -> tuple[Audit, TableProber]:
    prober = TableProber(accept, listening or {})
    return Audit(load_site("cabinet-martin"), prober), prober


def test_listening_sockets_leave_loopback_out() -> None:
    assert parse_listening(SS) == {("0.0.0.0", 8883), ("0.0.0.0", 23), ("::", 22), ("10.10.40.5", 53)}


def test_unused_ports_are_the_access_ports_enabled_with_no_link() -> None:
    assert unused_ports(STATUS) == ["ge3"]


def test_password_policy_is_measured_against_twelve_characters_and_complexity() -> None:
    assert policy_weaknesses(PASSWORDS) == ["minimum length 8 < 12", "complexity off"]
    assert policy_weaknesses(PASSWORDS.replace(": off\nStore", ": on\nStore").replace("length: 8", "length: 14")) == []


def test_a_default_switch_login_that_works_is_a_finding_from_the_management_vlan() -> None:
    a, prober = audit(lambda node, spec: isinstance(spec, SshCliProbe) and spec.username == "cisco" and spec.hostname == "sw-floor")
    checks.switch_default_credentials(a)
    assert [(f.target, f.detail) for f in a.findings] == [("sw-floor", "cisco/cisco")]
    assert {node for node, _ in prober.asked} == {"pc-admin"}  # the default site's management host
    assert a.findings[0].evidence[0].probe == "ssh-cli"


def test_an_anonymous_broker_is_found_on_each_port_it_accepts() -> None:
    a, _ = audit(lambda node, spec: isinstance(spec, MqttProbe) and spec.port == 1883)
    checks.mqtt_anonymous(a)
    assert [(f.rule, f.target) for f in a.findings] == [("mqtt-anonymous", "gtb:1883")]


def test_clear_text_ports_come_from_what_listens_and_http_only_off_web_servers() -> None:
    listening = {
        "gtb": "LISTEN 0 5 0.0.0.0:23 0.0.0.0:*\n",
        "srv-app": "LISTEN 0 5 0.0.0.0:80 0.0.0.0:*\n",
        "nvr": "LISTEN 0 5 0.0.0.0:80 0.0.0.0:*\n",
    }
    a, _ = audit(lambda node, spec: isinstance(spec, TcpProbe), listening)
    checks.cleartext_service(a)
    assert sorted(f.target for f in a.findings) == ["gtb:23", "nvr:80"]  # srv-app serves the intranet: its design


def test_admin_ports_are_probed_from_users_and_guests_not_from_the_management_vlan() -> None:
    a, prober = audit(lambda node, spec: isinstance(spec, TcpProbe) and spec.host == "10.10.99.2" and spec.port == 22 and node == "guest-1")
    checks.admin_from_user_vlan(a)
    assert {node for node, _ in prober.asked} == {"pc-accueil", "guest-1"}  # users (the first PC) and guests
    assert [(f.target, f.detail) for f in a.findings] == [("sw-core 10.10.99.2:22", "SSH from guest-1")]


def test_guest_isolation_probes_only_listening_services_of_internal_vlans() -> None:
    listening = {"srv-app": "LISTEN 0 5 0.0.0.0:80 0.0.0.0:*\n", "srv-web": "LISTEN 0 5 0.0.0.0:80 0.0.0.0:*\n"}
    a, _ = audit(lambda node, spec: True, listening)
    checks.guest_isolation(a)
    assert [(f.target, f.detail) for f in a.findings] == [("10.10.40.10:80", "from guest-1")]  # the DMZ is no VLAN


def test_a_site_without_a_service_says_the_rule_was_not_probed() -> None:
    a = Audit(load_site("tpe"), TableProber(lambda node, spec: False))
    checks.run_rules(a)
    assert a.findings == []
    assert {u.rule for u in a.unprobed} >= {"mqtt-anonymous", "switch-default-credentials", "password-policy"}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_cites_a_measure_a_fix_and_real_criteria(rule: Rule) -> None:
    known = {c.id for comp in catalogue().competencies for c in comp.criteria}
    assert rule.measure.title and rule.fix("fr") and rule.fix("en") and rule.probed("en")
    assert rule.criteria and set(rule.criteria) <= set(SECURITY) <= known
    assert isinstance(rule.severity, Severity)
    assert BY_ID[rule.id] is rule


RULESET = """\
table inet officelab {
	chain forward {
		iifname "lan.40" oifname "lan.30" tcp dport { 554, 1883, 8883 } counter packets 8 bytes 480 accept comment "rule servers-to-iot"
		iifname "lan.50" oifname "lan.10" tcp dport 23 accept
		iifname "lan.10" oifname "lan.30" tcp dport 21 counter reject comment "rule no-ftp"
	}
}
"""


def test_clear_text_ports_let_through_by_accept_rules_only() -> None:
    assert checks.cleartext_allowed(RULESET) == [
        (1883, "rule servers-to-iot"),
        (23, 'iifname "lan.50" oifname "lan.10" tcp dport 23 accept'),
    ]


def test_smb1_is_accepted_only_past_the_negotiation() -> None:
    def said(ok: bool, received: str) -> ProbeResult:
        return ProbeResult(ok, Layer.APPLICATION, "", "smbclient", received)

    assert checks.smb1_accepted(said(True, "Anonymous login successful\n\tSharename       Type"))
    assert checks.smb1_accepted(said(False, "session setup failed: NT_STATUS_ACCESS_DENIED"))
    assert not checks.smb1_accepted(said(False, "smbXcli_negprot_smb1_done: No compatible protocol selected by server."))
    assert not checks.smb1_accepted(said(False, "Connection to 10.0.0.1 failed (Error NT_STATUS_CONNECTION_REFUSED)"))


def test_the_default_sites_design_ports() -> None:
    site = load_site("cabinet-martin")
    assert design_ports(site, site.node("srv-files")) == {139, 445, 631}
    assert design_ports(site, site.node("gtb")) == {8883}
    assert design_ports(site, site.node("sw-core")) == {22}
    assert outside_design(site, site.node("srv-ad"), {389, 49153, 8080}) == [8080]  # RPC's dynamic ports are the DC's


def test_print_administration_is_tried_from_a_users_device_on_each_print_server() -> None:
    a, prober = audit(lambda node, spec: isinstance(spec, CommandProbe) and spec.argv[0] == "lpinfo")
    checks.print_admin_open(a)
    assert [(node, spec.argv[:3]) for node, spec in prober.asked] == [("pc-accueil", ["lpinfo", "-h", "10.10.40.20:631"])]  # type: ignore[attr-defined]
    assert [(f.rule, f.target) for f in a.findings] == [("print-admin-open", "srv-files:631")]


def test_the_rules_together_evidence_the_four_security_criteria() -> None:
    assert {c for r in RULES for c in r.criteria} == set(SECURITY)
    assert BY_ID["mqtt-anonymous"].criteria == ("TRI-CP7-C4", "TRI-CP1-C4")  # building automation's competency
