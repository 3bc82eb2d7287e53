"""`officelab inventory scan` on the live default site: every node of the design found, each host at its switch
port and in its VLAN, the printer's SNMP agent read, no difference; a device plugged in live (a second MAC behind the printer's port, as a
mini-switch under a desk) is flagged unknown at that port; every GLPI document validates against GLPI's published
schema; the saved inventory lets a ticket name the unknown device (worked with a remote session on the user's
workstation), and the network documentation of the live lab
shows it; the field mode sweeps the management VLAN
from the technician's workstation."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from officelab.core.deadline import wait_for
from officelab.inventory.design import planned
from officelab.inventory.field import scan_here
from officelab.inventory.model import Scan, Source
from officelab.inventory.scan import scan_lab
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site
from tests.conftest import cli
from tests.live.leaks import Snapshot, assert_nothing_left, netns_inodes

pytestmark = pytest.mark.live
LAB = "tinv"
SCHEMA = json.loads((Path(__file__).parents[1] / "inventory" / "glpi" / "inventory.schema.json").read_text())
INTRUDER = "02:aa:bb:cc:dd:01"
PRINTER = "OfficeLab IPP Everywhere printer"


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    path = builtin_sites()["cabinet-martin"]
    before = Snapshot()
    lab = Lab(LAB)
    lab.up(load_site(path), path.read_text())
    inodes = netns_inodes(LAB)
    yield lab
    lab.down()
    assert_nothing_left(LAB, lab.dir.path, before, inodes)


@pytest.fixture(scope="module")
def clean(lab: Lab) -> Iterator[Scan]:
    """The scan of the site as designed, the printer offering SNMP as a network printer does (a real snmpd)."""
    agent = ["snmpd", "-f", "-Lo", "-C", "-I", "-smux", "--rocommunity=public", "--sysName=prn-1", f"--sysDescr={PRINTER}", "udp:161"]
    snmpd = lab.popen("prn-1", agent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: "0.0.0.0:161 " in lab.run("prn-1", ["ss", "-Hlun"]).stdout, 10), "snmpd does not listen on prn-1"
        yield scan_lab(lab)
    finally:
        snmpd.terminate()
        snmpd.wait(10)


def test_every_node_is_found_at_its_port_and_in_its_vlan(lab: Lab, clean: Scan) -> None:
    site = lab.site()
    assert clean.differences == [], clean.differences
    assert clean.unscanned == [], clean.unscanned
    expected = {n.name for n in site.nodes if not n.kind.on_internet and (n.interfaces or n.management)}
    found = {a.design for a in clean.assets if a.sources - {Source.DESIGN}}
    assert found == expected
    for mac, p in planned(site).items():
        asset = clean.asset(p.node)
        assert asset is not None and mac in asset.macs, p
        if p.port:  # cabled to a switch or an access point: its location and VLAN, from the switches' tables
            assert asset.location == p.port, (p, asset.location)
            if len({q.vlan for q in planned(site).values() if q.node == p.node}) == 1:  # not a router's trunk
                assert asset.vlan == p.vlan, (p, asset.vlan)
    printer = clean.asset("prn-1")
    assert printer is not None and Source.SNMP in printer.sources and printer.description == PRINTER
    assert not [a.label for a in clean.assets if Source.SNMP in a.sources and a.label != "prn-1"]
    dc = clean.asset("srv-ad")
    assert dc is not None and {88, 389, 445} <= set(dc.ports) and Source.AD in dc.sources and dc.agent is not None
    assert dc.agent.hostname == "srv-ad" and any(name == "samba" for name, _ in dc.agent.packages)
    owner = next(u for u in site.directory.users if u.workstation) if site.directory else None
    assert owner is not None and clean.asset(str(owner.workstation)).owner == owner.login  # type: ignore[union-attr]


def test_a_device_plugged_in_live_is_flagged_and_a_ticket_names_it(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plug = ["ip", "link", "add", "intrus", "link", "eth0", "address", INTRUDER, "type", "macvlan", "mode", "bridge"]
    for argv in (["sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1"], plug, ["ip", "address", "add", "10.10.10.250/24", "dev", "intrus"]):
        assert lab.run("prn-1", argv).returncode == 0, argv
    assert lab.run("prn-1", ["ip", "link", "set", "intrus", "up"]).returncode == 0
    try:
        monkeypatch.setenv("OFFICELAB_DESK_URL", f"sqlite:///{tmp_path / 'desk.sqlite'}")
        done = cli(
            "inventory", "scan", "--lab", LAB, "--glpi", str(tmp_path / "glpi"), "--csv", str(tmp_path / "inv.csv"), "--save", "--json"
        )
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout[done.stdout.index("{") :])
        assert [(d["kind"], d["asset"]) for d in report["differences"]] == [("unknown", INTRUDER)]
        intruder = next(a for a in report["assets"] if INTRUDER in a["macs"])
        assert (intruder["location"], intruder["vlan"], intruder["ips"]) == ("sw-floor:ge16", 10, ["10.10.10.250"])
        validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
        documents = sorted((tmp_path / "glpi").glob("*.json"))
        assert len(documents) == len(report["assets"])
        for path in documents:
            assert [e.message for e in validator.iter_errors(json.loads(path.read_text()))] == [], path.name
        assert INTRUDER in (tmp_path / "inv.csv").read_text()
        ticket = ("--lab", LAB, "--requester", "amartin", "--category", "Réseau", "--urgency", "3", "--impact", "2")
        opened = cli("desk", "ticket", "new", "Un appareil inconnu sur le réseau", *ticket, "--node", INTRUDER, "--node", "prn-1")
        assert opened.returncode == 0, opened.stderr
        assert cli("desk", "ticket", "take", "1", "--lab", LAB).returncode == 0
        assisted = cli("desk", "ticket", "remote", "1", "--lab", LAB, "--", "hostname")
        assert assisted.returncode == 0 and assisted.stdout.startswith("pc-direction\n"), assisted  # amartin's workstation
        shown = cli("desk", "ticket", "show", "1", "--lab", LAB)
        assert shown.returncode == 0, shown.stderr
        assert "sw-floor:ge16" in shown.stdout and "not in the design" in shown.stdout, shown.stdout
        assert "prise en main à distance de pc-direction" in shown.stdout, shown.stdout
        refused = cli("desk", "ticket", "new", "Un autre", *ticket, "--node", "02:00:00:00:00:77")
        assert refused.returncode != 0 and "inventory" in refused.stderr
        documented = cli("desk", "netdoc", "--lab", LAB, "--html", str(tmp_path / "reseau.html"))
        assert documented.returncode == 0, documented.stderr
        page = (tmp_path / "reseau.html").read_text()
        assert "Réseau constaté" in page and "1 écart(s) avec le plan" in page and f"<td>{INTRUDER}</td>" in page
    finally:
        lab.run("prn-1", ["ip", "link", "del", "intrus"])
        lab.run("prn-1", ["sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=0"])


def test_the_field_mode_sweeps_the_management_vlan_from_the_technician_s_workstation(lab: Lab) -> None:
    scan = scan_here("10.10.99.0/24", NodePlace("pc-admin", lab.context("pc-admin")))
    by_ip = {ip: a for a in scan.assets for ip in a.ips}
    assert {"10.10.99.1", "10.10.99.2", "10.10.99.3", "10.10.99.4", "10.10.99.10"} <= set(by_ip)
    assert 22 in by_ip["10.10.99.2"].ports and by_ip["10.10.99.10"].agent is not None
    assert {u.source for u in scan.unscanned} >= {"design", "mac-table"}
