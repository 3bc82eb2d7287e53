"""The audit on a small live site: designed clean (no finding of the rules in scope), then weaknesses planted with
their real mechanisms (a switch account typed into the switch, a port enabled, mosquitto reconfigured and
restarted, a clear-text HTTP server started, the firewall opened): each is found with its evidence, nothing else."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.audit.field import FIELD_PORTS, audit_here
from officelab.audit.model import AuditResult
from officelab.audit.report import render_html
from officelab.audit.run import audit_lab
from officelab.core.deadline import wait_for
from officelab.faults import mechanisms
from officelab.runtime import management
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace
from officelab.site.loader import load_site
from tests.conftest import cli
from tests.live.leaks import Snapshot, assert_nothing_left, netns_inodes

pytestmark = pytest.mark.live
LAB = "taudit"
SITE = """\
site:
  name: audit-small
  domain: audit.lan
vlans:
  - {id: 10, name: users, subnet: 10.20.10.0/24, gateway: 10.20.10.1, dhcp: {start: 10.20.10.100, end: 10.20.10.150}}
  - {id: 30, name: iot, subnet: 10.20.30.0/24, gateway: 10.20.30.1}
  - {id: 50, name: guests, subnet: 10.20.50.0/24, gateway: 10.20.50.1, dhcp: {start: 10.20.50.100, end: 10.20.50.150}}
  - {id: 99, name: mgmt, subnet: 10.20.99.0/24, gateway: 10.20.99.1}
nodes:
  - name: fw
    kind: router
    interfaces:
      - {name: lan, vlans: [users, iot, guests, mgmt]}
    services:
      dhcp: {}
      firewall:
        zones:
          users: {vlans: [users]}
          iot: {vlans: [iot]}
          guests: {vlans: [guests]}
          mgmt: {vlans: [mgmt], input: accept}
        policies:
          - {from: mgmt, to: users, action: accept}
          - {from: mgmt, to: iot, action: accept}
  - name: sw
    kind: switch
    management: {vlan: mgmt, address: 10.20.99.2/24, gateway: 10.20.99.1}
    cli:
      users: [{name: tech, secret: Tech-Sw1tch-2026!, privilege: 15}]
      enable_secret: En4ble-Audit-2026
    ports:
      - {name: ge1, mode: trunk, vlans: [users, iot, guests, mgmt]}
      - {name: ge2, vlan: users}
      - {name: ge3, vlan: guests}
      - {name: ge4, vlan: mgmt}
      - {name: ge5, vlan: iot}
      - {name: ge6, vlan: users, shutdown: true}
  - {name: pc-1, kind: workstation, interfaces: [{name: eth0, dhcp: true}]}
  - {name: guest-1, kind: laptop, interfaces: [{name: eth0, dhcp: true}]}
  - {name: pc-admin, kind: workstation, interfaces: [{name: eth0, address: 10.20.99.10/24, gateway: 10.20.99.1}]}
  - {name: gtb, kind: server, interfaces: [{name: eth0, address: 10.20.30.5/24, gateway: 10.20.30.1}]}
automation:
  broker: gtb
  controller: gtb
  controller_password: "Gtb#Controle2026"
links:
  - [fw:lan, sw:ge1]
  - [pc-1:eth0, sw:ge2]
  - [guest-1:eth0, sw:ge3]
  - [pc-admin:eth0, sw:ge4]
  - [gtb:eth0, sw:ge5]
"""
IN_SCOPE = {
    "switch-default-credentials",
    "mqtt-anonymous",
    "cleartext-service",
    "admin-from-user-vlan",
    "guest-isolation",
    "unused-port-enabled",
    "port-outside-design",
    "firewall-allows-cleartext",
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    path = tmp_path_factory.mktemp("audit") / "audit-small.yaml"
    path.write_text(SITE)
    before = Snapshot()
    lab = Lab(LAB)
    lab.up(load_site(path), SITE)
    inodes = netns_inodes(LAB)
    yield lab
    lab.down()
    assert_nothing_left(LAB, lab.dir.path, before, inodes)


def found(result: AuditResult) -> set[tuple[str, str]]:
    return {(f.rule, f.target) for f in result.findings}


def test_the_clean_site_has_no_finding_and_says_what_it_could_not_probe(lab: Lab) -> None:
    result = audit_lab(lab)
    assert found(result) == set()
    assert {u.rule for u in result.unprobed}.isdisjoint(IN_SCOPE), result.unprobed
    assert {u.rule for u in result.unprobed} >= {"ldap-simple-bind-cleartext", "password-policy"}  # no AD here
    assert result.probes > 20


@pytest.fixture()
def http_server(lab: Lab) -> Iterator[subprocess.Popen[bytes]]:
    """A clear-text HTTP page on the GTB controller (busybox httpd), stopped by its PID afterwards."""
    server = lab.popen("gtb", ["busybox", "httpd", "-f", "-p", "80", "-h", "/tmp"])
    assert wait_for(lambda: ":80 " in lab.run("gtb", ["ss", "-Hltn"]).stdout, 5), "busybox httpd does not listen on gtb:80"
    yield server
    server.terminate()
    server.wait(5)


def test_planted_weaknesses_are_each_found_with_evidence_and_nothing_else(
    lab: Lab, http_server: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    management.configure(lab, "sw", ["username admin privilege 15 secret admin", "interface ge6", "no shutdown"])
    conf = "mosquitto/mosquitto.conf"
    mechanisms.edit_file(lab, "gtb", conf, "allow_anonymous false", "allow_anonymous true")
    mechanisms.edit_file(lab, "gtb", conf, "tls_version tlsv1.2\n", "tls_version tlsv1.2\nlistener 1883 0.0.0.0\n")
    mechanisms.restart(lab, "gtb/mosquitto")
    for rule in (
        'ip saddr 10.20.10.0/24 ip daddr 10.20.99.0/24 accept comment "users-to-mgmt"',
        'ip saddr 10.20.50.0/24 ip daddr 10.20.30.0/24 tcp dport { 80, 1883, 8883 } accept comment "guests-to-gtb"',
    ):
        mechanisms.run(lab, "fw", ["nft", "insert", "rule", "inet", "officelab", "forward", *rule.split()], "open the firewall")

    result = audit_lab(lab)

    assert found(result) == {
        ("switch-default-credentials", "sw"),
        ("unused-port-enabled", "sw"),
        ("mqtt-anonymous", "gtb:8883"),
        ("mqtt-anonymous", "gtb:1883"),
        ("cleartext-service", "gtb:1883"),
        ("cleartext-service", "gtb:80"),
        ("admin-from-user-vlan", "sw 10.20.99.2:22"),
        ("guest-isolation", "10.20.30.5:80"),
        ("guest-isolation", "10.20.30.5:1883"),
        ("guest-isolation", "10.20.30.5:8883"),
        ("port-outside-design", "gtb"),
        ("firewall-allows-cleartext", "fw: guests-to-gtb"),
    }
    by = {(f.rule, f.target): f for f in result.findings}
    login = by["switch-default-credentials", "sw"]
    assert login.detail == "admin/admin" and login.evidence[0].probe == "ssh-cli" and login.evidence[0].vantage == "pc-admin"
    assert "prompt sw#" in login.evidence[0].summary
    assert by["unused-port-enabled", "sw"].detail == "ge6"
    assert "CONNACK" in by["mqtt-anonymous", "gtb:1883"].evidence[0].received
    assert [e.probe for e in by["cleartext-service", "gtb:80"].evidence] == ["ss -ltn", "tcp"]
    assert by["admin-from-user-vlan", "sw 10.20.99.2:22"].evidence[0].vantage == "pc-1"
    assert {by[k].evidence[0].vantage for k in by if k[0] == "guest-isolation"} == {"guest-1"}
    assert by["port-outside-design", "gtb"].detail == "TCP 80, 1883 (design: [8883])"
    assert by["firewall-allows-cleartext", "fw: guests-to-gtb"].detail == "1883 (MQTT)"
    page = render_html(result, "fr")
    assert page.count('class="finding"') == 12 and "Utiliser des protocoles réseaux sécurisés" in page

    out = cli("audit", "--lab", LAB, "--json", "--lang", "en")
    assert out.returncode == 1, out.stderr
    assert '"rule": "switch-default-credentials"' in out.stdout


def test_field_mode_from_a_node_finds_the_default_login_without_the_site(lab: Lab) -> None:
    """`audit --here`'s engine, run from pc-admin inside the lab (never from this machine's own network)."""
    management.configure(lab, "sw", ["username admin privilege 15 secret admin"])
    result = audit_here("10.20.99.0/29", NodePlace("pc-admin", lab.context("pc-admin")))
    assert found(result) == {("ssh-default-credentials", "10.20.99.2")}
    login = result.findings[0]
    assert login.detail == "admin/admin" and login.evidence[0].vantage == "pc-admin"
    assert "password-policy" in {u.rule for u in result.unprobed}
    assert result.probes == 6 * len(FIELD_PORTS) + 5  # each host × each port, then 5 default logins on the one SSH
