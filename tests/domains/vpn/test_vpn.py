"""The user VPN without a lab: its section's model and validation (what OpenVPN or the firewall would refuse, refused
first with the field named), its facts, the firewall's VPN zone and `to: self` rule, and the derived checks and
faults' ground truths on the default site and the small VPN site."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest

from officelab.core.errors import SiteInvalid
from officelab.domains.firewall.facts import zone_of_address, zone_subnets
from officelab.domains.firewall.realise import realise as realise_firewall
from officelab.domains.network.model import PingProbe
from officelab.domains.vpn.facts import probe_node, public_address, pushed_dns, pushed_routes, search_domain, users_on
from officelab.domains.vpn.model import TUNNEL, VpnConnectProbe
from officelab.domains.vpn.realise import realise as realise_vpn
from officelab.faults import engine
from officelab.runtime.plan import LabPlan, NodePlan, PortListening, ProbeSucceeds
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site, load_text
from officelab.site.topology import Topology
from tests.domains.derived import alone, assert_sound

SMALL = Path(__file__).with_name("site-vpn.yaml")


def edited(old: str, new: str, text: str | None = None) -> str:
    text = text if text is not None else builtin_sites()["cabinet-martin"].read_text()
    assert old in text, old
    return text.replace(old, new, 1)


def refused(text: str, *words: str) -> str:
    with pytest.raises(SiteInvalid) as info:
        load_text(text, "site.yaml")
    said = str(info.value)
    for word in words:
        assert word in said, said
    return said


def test_facts_of_the_default_site() -> None:
    site = load_site("cabinet-martin")
    vpn = site.vpn
    assert vpn is not None
    assert public_address(site, vpn) == IPv4Address("198.51.100.2")
    assert pushed_routes(Topology(site), vpn) == [IPv4Network("10.10.40.0/24"), IPv4Network("10.10.99.0/24")]
    assert pushed_dns(site, vpn) == [IPv4Address("10.10.40.5")], "with AD, the DC is the DNS pushed"
    assert search_domain(site) == "ad.cabinet-martin.lan"
    assert vpn.server_address == IPv4Address("10.8.0.1")
    assert [u.name for u in vpn.connected()] == ["pdurand"]
    assert probe_node(site, vpn) == "teletravail"
    assert [u.name for u in users_on(site, vpn, "teletravail")] == ["pdurand", "amartin", "stagiaire"]
    assert users_on(site, vpn, "fw") == []


def test_the_firewall_knows_the_tunnel_and_its_pool() -> None:
    site = load_site("cabinet-martin")
    fw_node = site.node("fw")
    fw = fw_node.services.firewall
    assert fw is not None
    topo = Topology(site)
    assert zone_subnets(topo, fw_node, fw)["vpn"] == ["10.8.0.0/24"]
    assert zone_of_address(topo, fw_node, fw, IPv4Address("10.8.0.2")) == "vpn"


def test_ruleset_has_the_vpn_zone_and_the_port_opened_on_the_wan(tmp_path: Path) -> None:
    site = load_site("cabinet-martin")
    plan = LabPlan(lab="t", lab_dir=tmp_path, site=site)
    realise_firewall(plan, Topology(site), site.node("fw"))
    ruleset = next(f.content for f in plan.files if f.path == "firewall.nft")
    assert f'define zone_vpn = {{ "{TUNNEL}" }}' in ruleset
    forward, input_chain = ruleset.split("chain forward")[1], ruleset.split("chain input")[1].split("chain forward")[0]
    assert 'iifname $zone_wan meta l4proto udp th dport { 1194 } counter accept comment "rule vpn-in"' in input_chain
    assert "rule vpn-in" not in forward, "a rule to `self` is the firewall's input, not a forward"
    assert 'iifname $zone_vpn oifname $zone_servers counter accept comment "policy vpn -> servers"' in forward


def test_server_and_client_through_the_plan(tmp_path: Path) -> None:
    site = load_site("cabinet-martin")
    plan = LabPlan(lab="t", lab_dir=tmp_path, site=site)
    topo = Topology(site)
    for name in ("fw", "teletravail"):
        realise_vpn(plan, topo, site.node(name))
    files = {(f.node, f.path): f.content for f in plan.files}
    server = files[("fw", "run/officelab/vpn/server.conf")]
    for line in ("server 10.8.0.0 255.255.255.0", 'push "route 10.10.40.0 255.255.255.0"', 'push "route 10.10.99.0 255.255.255.0"'):
        assert line in server
    assert 'push "dhcp-option DNS 10.10.40.5"' in server and "crl-verify /run/officelab/vpn/crl.pem" in server
    client = files[("teletravail", "run/officelab/vpn/pdurand.conf")]
    assert "remote 198.51.100.2 1194" in client and "remote-cert-tls server" in client
    daemons = {d.key: d for d in plan.daemons}
    assert daemons["fw/openvpn"].ready == [PortListening("udp", 1194)]
    ready = daemons["teletravail/openvpn-pdurand"].ready[0]
    assert isinstance(ready, ProbeSucceeds) and ready.probe == PingProbe(target="10.8.0.1", timeout=1.0)
    assert set(daemons) == {"fw/openvpn", "teletravail/openvpn-pdurand"}, "a revoked or node-less user runs no client"
    assert len([h for h in plan.hooks if h.what.startswith("VPN")]) == 1


def test_checks_are_sound_on_the_default_site() -> None:
    assert_sound("vpn", "cabinet-martin", uses=("network", "directory", "files"), groups={"vpn", "shares"})
    checks = alone("vpn")
    assert set(checks) == {
        "vpn:tunnel:pdurand",
        "vpn:flow:pdurand:servers",
        "vpn:flow:pdurand:mgmt",
        "vpn:share:pdurand",
        "vpn:badpass:pdurand",
        "vpn:accepted:amartin",
        "vpn:refused:stagiaire",
    }
    assert checks["vpn:flow:pdurand:servers"].expect and not checks["vpn:flow:pdurand:mgmt"].expect, "as the policy says"
    share = checks["vpn:share:pdurand"]
    assert share.place == "teletravail" and "vpn:tunnel:pdurand" in share.depends
    assert getattr(share.probe, "server", "") == "srv-files.ad.cabinet-martin.lan", "by name, through the pushed DNS"
    revoked = checks["vpn:refused:stagiaire"]
    assert not revoked.expect and revoked.probe == VpnConnectProbe(user="stagiaire")
    assert revoked.depends == ("vpn:tunnel:pdurand",), "refused by a server shown to work"
    badpass = checks["vpn:badpass:pdurand"]
    assert not badpass.expect and badpass.probe == VpnConnectProbe(user="pdurand", password="not-Durand#2026")


def test_login_by_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = load_site("cabinet-martin")
    plan = LabPlan(lab="t", lab_dir=tmp_path, site=site)
    topo = Topology(site)
    for name in ("fw", "teletravail"):
        realise_vpn(plan, topo, site.node(name))
    files = {(f.node, f.path): f.content for f in plan.files}
    server = files[("fw", "run/officelab/vpn/server.conf")]
    assert '-m officelab.devices.vpn_ad_login 10.10.40.5 ad.cabinet-martin.lan" via-file' in server
    assert "auth-user-pass /run/officelab/vpn/pdurand.login" in files[("teletravail", "run/officelab/vpn/pdurand.conf")]
    assert files[("teletravail", "run/officelab/vpn/pdurand.login")] == "pdurand\nDurand#2026\n"
    refused(edited("    - {name: amartin}", "    - {name: inconnu}"), "vpn.users", "not a login of the directory")
    # The verifier refuses before any bind: an empty password (an anonymous bind would succeed), another's login.
    from officelab.devices import vpn_ad_login

    via = tmp_path / "via"
    monkeypatch.setenv("common_name", "pdurand")
    for content in ("pdurand\n\n", "amartin\nMartin#2026\n", "pdurand;x\npw\n"):
        via.write_text(content)
        monkeypatch.setattr("sys.argv", ["vpn_ad_login", "127.0.0.1", "ad.example.lan", str(via)])
        assert vpn_ad_login.main() == 1, content


def test_policy_change_changes_the_expected_flow() -> None:
    text = edited(
        "          - {from: vpn, to: servers, action: accept}\n",
        "          - {from: vpn, to: servers, action: accept}\n          - {from: vpn, to: mgmt, action: accept}\n",
    )
    checks = alone("vpn", load_text(text))
    assert checks["vpn:flow:pdurand:mgmt"].expect


def test_a_site_without_vpn_has_no_vpn_checks_nor_faults() -> None:
    site = load_site("tpe")
    assert alone("vpn", site) == {}
    assert all(cls.candidates(site) == [] for _, (domain, cls) in engine.catalogue().items() if domain == "vpn")


def test_faults_ground_truth() -> None:
    truths = {}
    for site in (load_site("cabinet-martin"), load_site(SMALL)):
        for kind, (domain, cls) in engine.catalogue().items():
            if domain == "vpn":
                truths[(site.name, kind)] = cls.candidates(site)[0].truth(site).fails
    assert truths[("cabinet-martin", "vpn-certificate-revoked")] == ("vpn:tunnel:pdurand",)
    assert truths[("cabinet-martin", "vpn-wrong-route")] == ("vpn:flow:pdurand:servers", "vpn:share:pdurand")
    assert truths[("cabinet-martin", "vpn-port-closed")] == ("vpn:tunnel:pdurand", "vpn:accepted:amartin")
    assert truths[("vpn-lab", "vpn-port-closed")] == ("vpn:tunnel:pdurand", "vpn:accepted:jpetit")


def test_validation_names_the_field() -> None:
    refused(edited("  server: fw ", "  server: srv-app "), "vpn.server", "not a router")
    refused(edited("  pool: 10.8.0.0/24", "  pool: 10.10.40.0/24"), "vpn.pool", "overlaps VLAN servers")
    refused(edited("  pool: 10.8.0.0/24", "  pool: 10.8.0.0/16"), "pool", "/24 to /29")
    refused(edited("  routes: [servers, mgmt]", "  routes: [servers, nowhere]"), "vpn.routes")
    refused(edited("{name: pdurand, node: teletravail}", "{name: pdurand, node: pc-paie}"), "vpn.users", "not a remote node")
    refused(edited("    - {name: amartin}", "    - {name: pdurand}"), "listed twice")
    refused(
        edited("          vpn: {interfaces: [tun-vpn]}", "          vpn: {interfaces: [tun0]}"),
        "no interface 'tun0'",
        "in no firewall zone",
    )
    closed = "          - {name: vpn-in, from: wan, to: self, proto: udp, ports: [1194]"
    refused(edited(closed, closed.replace("[1194]", "[1195]")), "vpn.port", "does not open UDP 1194")
    refused(edited("to: self, proto: udp", "to: nowhere, proto: udp"), "unknown zone 'nowhere'", "to: self")


def test_certificates_follow_the_site_across_ups(tmp_path: Path) -> None:
    """The lab's CA issues once and keeps its certificates; a user revoked then no longer revoked gets a new one."""
    from officelab.domains.vpn.realise import make_certificates
    from officelab.runtime import pki

    site = load_site("cabinet-martin")
    plan = LabPlan(lab="t", lab_dir=tmp_path, site=site)
    plan.nodes.extend(NodePlan(n.name, n.kind.value, n.name, n.kind.routes) for n in site.nodes if n.name in ("fw", "teletravail"))
    make_certificates(None, plan, lambda _: None)  # type: ignore[arg-type]
    issued = tmp_path / "pki" / "vpn"
    stagiaire = issued / "stagiaire.pem"
    assert pki.revoked(tmp_path / "pki", stagiaire) and not pki.revoked(tmp_path / "pki", issued / "pdurand.pem")
    assert (tmp_path / "nodes" / "fw" / "run/officelab/vpn/crl.pem").read_text().startswith("-----BEGIN X509 CRL")
    assert (tmp_path / "nodes" / "teletravail" / "run/officelab/vpn/pdurand.key").exists()
    assert not (tmp_path / "nodes" / "fw" / "run/officelab/vpn/pdurand.key").exists(), "the server never holds a user's key"
    ca, first = (tmp_path / "pki" / "ca.pem").read_bytes(), (issued / "pdurand.pem").read_bytes()
    text = builtin_sites()["cabinet-martin"].read_text().replace("{name: stagiaire, revoked: true}", "{name: stagiaire}")
    plan = LabPlan(lab="t", lab_dir=tmp_path, site=load_text(text))
    make_certificates(None, plan, lambda _: None)  # type: ignore[arg-type]
    assert (tmp_path / "pki" / "ca.pem").read_bytes() == ca and (issued / "pdurand.pem").read_bytes() == first
    assert not pki.revoked(tmp_path / "pki", stagiaire), "reinstated: a new certificate"
