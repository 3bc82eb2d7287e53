"""The lab plan, computed without root: what will be created for a site."""

from __future__ import annotations

import shutil
import subprocess
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path

import pytest

from officelab.domains.directory.model import LdapProbe
from officelab.runtime.plan import ProbeSucceeds, compile_plan
from officelab.runtime.state import netns_prefix
from officelab.runtime.vlan import PortVlan
from officelab.site.loader import load_site


def plan(name: str = "cabinet-martin"):  # type: ignore[no-untyped-def]
    return compile_plan(load_site(name), "t", Path("/var/lib/officelab/labs/t"))


def test_one_namespace_per_node_named_after_lab() -> None:
    p = plan()
    assert [n.netns for n in p.nodes] == [f"{netns_prefix('t')}{n.name}" for n in p.site.nodes]
    assert all(n.netns.startswith("ol") and n.netns.endswith(f"-t-{n.name}") for n in p.nodes)
    assert {n.name for n in p.nodes if n.forward} == {"fw", "isp", "teletravail"}


def test_every_cable_is_a_veth_between_lab_nodes() -> None:
    p = plan()
    cables = [v for v in p.veths if v.cable]
    assert len(cables) == len(p.site.links)
    names = {n.name for n in p.nodes}
    assert all(v.a.node in names and v.b.node in names for v in p.veths)


def test_switch_ports_get_vlan_behaviour() -> None:
    p = plan()
    floor = next(b for b in p.bridges if b.node == "sw-floor")
    assert floor.vlans["ge1"] == PortVlan.access_port(10)
    assert floor.vlans["ge17"] == PortVlan.access_port(20)
    assert floor.vlans["ge23"] == PortVlan(allowed=(10, 50, 99), native=99, access=False)
    assert floor.vlans["ge24"].allowed == (10, 20, 30, 40, 50, 99) and floor.vlans["ge24"].native is None
    assert "ge8" not in floor.ports, "uncabled ports are not created"


def test_unmanaged_switch_has_no_vlan_filters() -> None:
    p = plan()
    inet = next(b for b in p.bridges if b.node == "inet-sw")
    assert inet.ports and not inet.vlans


def test_router_on_a_stick_subinterfaces() -> None:
    p = plan()
    addresses = {(a.ifname, a.cidr) for a in p.addresses if a.node == "fw"}
    assert ("lan.10", "10.10.10.1/24") in addresses and ("lan.99", "10.10.99.1/24") in addresses
    trunk = next(b for b in p.bridges if b.node == "fw")
    assert trunk.vlans["lan"].allowed == (10, 20, 30, 40, 50, 99)


def test_services_become_daemons_and_files() -> None:
    p = plan()
    daemons = {d.key: d for d in p.daemons}
    assert {"fw/dnsmasq", "dns-public/unbound", "www/nginx", "srv-web/nginx", "pc-accueil/dhcp-eth0"} <= set(daemons)
    assert daemons["pc-accueil/dhcp-eth0"].stage > daemons["fw/dnsmasq"].stage
    files = {(f.node, f.path): f.content for f in p.files}
    dnsmasq = files[("fw", "dnsmasq.conf")]
    assert "dhcp-range=set:vlan10,10.10.10.100,10.10.10.199,255.255.255.0,12h" in dnsmasq
    assert "interface=wan" not in dnsmasq, "DNS/DHCP is never served towards the ISP"
    nft = files[("fw", "firewall.nft")]
    assert "dnat ip to 172.16.50.10:80" in nft and "masquerade" in nft and "policy drop" in nft
    assert "nameserver 10.10.40.5" in files[("srv-app", "etc/resolv.conf")], "the domain controller is the DNS"
    assert "nameserver 172.16.50.1" in files[("srv-web", "etc/resolv.conf")], "the DMZ may not query the DC"
    assert "nameserver 203.0.113.53" in files[("www", "etc/resolv.conf")]


def test_public_addresses_are_documentation_ranges_only() -> None:
    for name in ("cabinet-martin", "tpe"):
        p = plan(name)
        for a in p.addresses:
            first = int(a.cidr.split(".")[0])
            assert IPv4Interface(a.cidr).ip not in IPv4Network("192.0.2" + ".0/24"), a  # the machine's own uplink range
            if first not in (10, 172, 192):
                assert a.cidr.startswith(("198.51.100.", "203.0.113.")), a


def test_port_vlan_program_key_is_stable_and_distinct() -> None:
    assert PortVlan.access_port(10).key == PortVlan.access_port(10).key
    assert PortVlan.access_port(10).key != PortVlan.access_port(20).key
    assert PortVlan.trunk_port([20, 10], None) == PortVlan.trunk_port([10, 20], None)


def test_namespace_prefix_depends_on_the_home(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OFFICELAB_HOME", raising=False)
    assert netns_prefix("alice") == "ol-alice-"
    monkeypatch.setenv("OFFICELAB_HOME", "/srv/other-officelab")
    other = netns_prefix("alice")
    assert other.startswith("ol") and other.endswith("-alice-") and other != "ol-alice-"


def test_scheduler_reads_a_crontab(tmp_path: Path) -> None:
    from datetime import datetime

    from croniter import croniter

    from officelab.runtime.scheduler import parse

    crontab = tmp_path / "crontab"
    crontab.write_text("# backups\n0 20 * * * sh /run/officelab/backup-partages.sh run\n")
    [(schedule, command)] = parse(crontab)
    assert command == "sh /run/officelab/backup-partages.sh run"
    assert croniter(schedule, datetime(2026, 11, 22, 9, 0)).get_next(datetime) == datetime(2026, 11, 22, 20, 0)
    crontab.write_text("every day at eight\n")
    with pytest.raises(ValueError, match="not a crontab line"):
        parse(crontab)


def test_data_services_are_planned() -> None:
    p = plan()
    daemons = {d.key: d for d in p.daemons}
    assert {
        "srv-ad/samba",
        "srv-files/winbindd",
        "srv-files/smbd",
        "srv-files/cupsd",
        "prn-1/ippeveprinter",
        "srv-backup/sshd",
        "srv-files/cron",
    } <= set(daemons)
    assert daemons["srv-files/smbd"].stage > daemons["srv-ad/samba"].stage
    assert any(isinstance(r, ProbeSucceeds) and isinstance(r.probe, LdapProbe) for r in daemons["srv-ad/samba"].ready), (
        "the DC is ready when it authenticates"
    )
    files = {(f.node, f.path): f.content for f in p.files}
    member = files[("srv-files", "etc/samba/smb.conf")]
    shares = files[("srv-files", "etc/samba/shares.conf")]
    assert "include = " + str(p.node_dir("srv-files") / "etc/samba/shares.conf") in member, "the file server includes its shares"
    assert "[compta]" in shares and 'write list = @"CABINET\\Comptabilite"' in shares and "guest ok = no" in shares
    assert "include" not in files[("pc-compta-1", "etc/samba/smb.conf")], "a workstation serves no share"
    assert "realm = AD.CABINET-MARTIN.LAN" in files[("srv-ad", "etc/samba/smb.conf")]
    assert ("pc-compta-2", "etc/samba/smb.conf") in files, "unjoined workstations can be joined live"
    assert "srv-files/winbindd" in daemons and "pc-compta-1/winbindd" not in daemons
    assert p.env["srv-files"]["CUPS_SERVER"].endswith("cups/state/cups.sock")


def test_domain_template_key_follows_what_shapes_the_domain(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from officelab.domains.directory import realise as samba
    from officelab.site.catalog import builtin_sites
    from officelab.site.loader import load_text

    monkeypatch.setattr(samba, "samba_version", lambda: "Version 4.17.12-Debian")
    text = builtin_sites()["cabinet-martin"].read_text()
    key = samba.template_key(load_text(text))
    assert samba.template_key(load_text(text.replace("Durand#2026", "Durand#2027"))) != key, "a user's password is in the domain"
    assert samba.template_key(load_text(text.replace("10.10.40.20/24", "10.10.40.21/24"))) != key, "a member's address is in DNS"
    assert samba.template_key(load_text(text.replace("title: Intranet du cabinet Martin", "title: Intranet"))) == key, "unrelated"


def test_trunk_is_planned_behind_the_nat() -> None:
    p = plan()
    files = {(f.node, f.path): f.content for f in p.files}
    rtpengine = next(d for d in p.daemons if d.node == "srv-ipbx" and d.name == "rtpengine")
    assert "--interface=external/10.10.20.10!198.51.100.2" in rtpengine.argv, "media advertised with the router's NAT address"
    assert "--table=-1" in rtpengine.argv, "userspace relay: no kernel module"
    pbx = files[("srv-ipbx", "kamailio/kamailio.cfg")]
    assert "listen=udp:10.10.20.10:5062 advertise 198.51.100.2:5062" in pbx
    assert "route[GROUP_600]" in pbx and 'append_branch("sip:101@pbx.cabinet-martin.lan")' in pbx
    assert '$sht(did=>0123456702) = "102";' in pbx and '$sht(cfna=>104) = "101";' in pbx
    row = files[("srv-ipbx", "kamailio/db/uacreg")].splitlines()[1]
    assert r"sip\:203.0.113.60\:5060" in row and r"udp\:10.10.20.10\:5062" in row, "db_text colons escaped"
    operator = files[("operateur", "kamailio/kamailio.cfg")]
    assert '$sht(line=>0555123456) = "sip:0555123456@203.0.113.60:5080";' in operator
    assert any(d.node == "operateur" and d.name == "line-0555123456" for d in p.daemons)
    ruleset = files[("fw", "firewall.nft")]
    assert 'udp dport 30000-30099 dnat ip to 10.10.20.10 comment "forward voip-rtp"' in ruleset


@pytest.mark.skipif(shutil.which("kamailio") is None, reason="kamailio is not installed")
@pytest.mark.parametrize("node", ["srv-ipbx", "operateur"])
def test_generated_kamailio_configs_parse(tmp_path: Path, node: str) -> None:
    config = tmp_path / "kamailio.cfg"
    config.write_text(next(f.content for f in plan().files if f.node == node and f.path == "kamailio/kamailio.cfg"))
    result = subprocess.run(["kamailio", "-c", "-f", str(config)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr[-2000:]
