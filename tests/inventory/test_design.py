"""The scan against the design of the default site: a network exactly as designed has no difference; a host
plugged elsewhere, in another VLAN, one that does not answer and one the design does not have are each flagged;
and every asset found exports as a GLPI document that the published schema accepts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from officelab.inventory import glpi
from officelab.inventory.design import planned, recognise
from officelab.inventory.model import AgentView, Asset, AssetKind, Interface, Scan, SeenPort, Source
from officelab.site.loader import load_site
from officelab.site.model import Site

SCHEMA = json.loads((Path(__file__).parent / "glpi" / "inventory.schema.json").read_text())
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site("cabinet-martin")


def as_designed(site: Site) -> Scan:
    """A scan that saw every MAC of the design where the design puts it."""
    scan = Scan(site=site.name, lab="t", started=1_796_000_000.0)
    by_node: dict[str, Asset] = {}
    for mac, p in planned(site).items():
        asset = by_node.setdefault(p.node, Asset(sources={Source.ARP}))
        asset.macs.append(mac)
        asset.vlan = asset.vlan if asset.vlan is not None else p.vlan
        asset.location = asset.location or p.port
    scan.assets = list(by_node.values())
    return scan


def test_a_network_as_designed_has_no_difference(site: Site) -> None:
    scan = as_designed(site)
    recognise(scan, site, {c.lower() for c in site.directory.computers} if site.directory else None)
    assert scan.differences == []
    names = {a.design for a in scan.assets}
    assert {"pc-compta-1", "sw-floor", "prn-1", "cam-entree", "phone-101", "fw"} <= names
    kinds = {a.design: a.kind for a in scan.assets}
    assert kinds["prn-1"] is AssetKind.PRINTER and kinds["cam-entree"] is AssetKind.VIDEO and kinds["phone-101"] is AssetKind.PHONE
    owner = next(u for u in site.directory.users if u.workstation) if site.directory else None
    assert owner is not None and next(a for a in scan.assets if a.design == owner.workstation).owner == owner.login


def test_moved_other_vlan_missing_unknown_and_not_joined_are_flagged(site: Site) -> None:
    scan = as_designed(site)
    pc = next(a for a in scan.assets if any(planned(site)[m].node == "pc-compta-2" for m in a.macs))
    pc.location, pc.vlan = "sw-floor:ge11", 20
    scan.assets = [a for a in scan.assets if not any(planned(site)[m].node == "prn-1" for m in a.macs)]
    scan.assets.append(
        Asset(
            macs=["02:aa:bb:cc:dd:01"],
            ips=["10.10.10.250"],
            name="pc-compta-1",  # what it announces (DHCP, SNMP) is no proof of what it is
            vlan=10,
            location="sw-floor:ge16",
            ports=[9100],
            sources={Source.ARP},
        )
    )
    computers = {c.lower() for c in site.directory.computers} if site.directory else set()
    recognise(scan, site, computers - {"pc-direction"})
    kinds = {(d.kind, d.asset) for d in scan.differences}
    assert kinds == {
        ("moved", "pc-compta-2"),
        ("other-vlan", "pc-compta-2"),
        ("missing", "prn-1"),
        ("unknown", "02:aa:bb:cc:dd:01"),
        ("not-joined", "pc-direction"),
    }
    unknown = scan.asset("02:aa:bb:cc:dd:01")
    assert unknown is not None and unknown.kind is AssetKind.PRINTER  # guessed from JetDirect
    assert unknown.label == "02:aa:bb:cc:dd:01" and unknown.design == ""
    assert "announced as pc-compta-1" in next(d.detail for d in scan.differences if d.kind == "unknown")


def test_every_document_validates_against_glpi_s_published_schema(site: Site) -> None:
    scan = as_designed(site)
    recognise(scan, site, None)
    pc = scan.asset("pc-compta-1")
    assert pc is not None
    pc.agent = AgentView(
        hostname="pc-compta-1",
        os_name="Debian GNU/Linux 12 (bookworm)",
        kernel="6.1.0",
        arch="x86_64",
        uuid="9b2f1c1e-0000-5000-8000-000000000001",
        memory_mib=2048,
        interfaces=[Interface("eth0", pc.macs[0], ["10.10.10.101/24"], True, True)],
        gateway="10.10.10.1",
        dns=["10.10.40.5"],
        packages=[("samba", "2:4.17.12")],
        disks=[("/", "ext4", 1000, 500)],
    )
    switch = scan.asset("sw-floor")
    assert switch is not None
    switch.switch_ports = [SeenPort("ge2", [10], [pc.macs[0]]), SeenPort("ge24", [10, 20, 99], neighbour="sw-core", neighbour_port="ge12")]
    docs = glpi.documents(scan, {v.id: v.name for v in site.vlans})
    assert len(docs) == len(scan.assets)
    for name, doc in docs.items():
        errors = [e.message for e in VALIDATOR.iter_errors(doc)]
        assert errors == [], name
    computer = docs["pc-compta-1.json"]
    assert computer["itemtype"] == "Computer" and computer["content"]["networks"][0]["ipaddress"] == "10.10.10.101"
    ports = docs["sw-floor.json"]["content"]["network_ports"]
    assert ports[1]["trunk"] is True and ports[1]["lldp"] is True and ports[0]["connections"] == [{"mac": pc.macs[0]}]
    assert docs["cam-entree.json"]["content"]["network_device"]["type"] == "Video"


def test_the_schema_refuses_a_broken_document() -> None:
    """The oracle can fail: a document without a device id, or a memory in words, is refused."""
    assert list(VALIDATOR.iter_errors({"content": {"versionclient": "x"}}))
    assert list(VALIDATOR.iter_errors({"deviceid": "x", "content": {"versionclient": "x", "hardware": {"memory": "lots"}}}))


def test_the_csv_has_one_row_per_asset(site: Site) -> None:
    scan = as_designed(site)
    recognise(scan, site, None)
    rows = list(csv.DictReader(io.StringIO(glpi.to_csv(scan))))
    assert len(rows) == len(scan.assets)
    row = next(r for r in rows if r["design"] == "pc-compta-1")
    assert row["location"] == "sw-floor:ge2" and row["vlan"] == "10" and row["kind"] == "Computer"
