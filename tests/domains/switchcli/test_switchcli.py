"""The switch command lines' domain: validation, the startup configuration and design from the site, the checks,
the faults' ground truth for configuration changes, and the export's port ranges."""

from __future__ import annotations

from pathlib import Path

import pytest

from officelab.domains.network.faults.links import PortShutdown, PortWrongVlan, TrunkVlanMissing
from officelab.domains.switchcli import facts
from officelab.domains.switchcli.admin import _ranges
from officelab.domains.switchcli.model import SshCliProbe, SwitchConfigProbe
from tests.domains.derived import alone, assert_sound, site, suite, without
from tests.site.test_validate import messages


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "{name: support, secret: Supp0rt-N1v1, privilege: 1}",
            "{name: enable, secret: Supp0rt-N1v1, privilege: 1}",
            "'enable' is a word of the `username` command",
        ),
        (
            "{name: admin, secret: Sw1tch-Adm1n, privilege: 15}",
            "{name: admin, secret: Sw1tch-Adm1n, privilege: 1}",
            "no account has privilege 15",
        ),
        ("passphrase: Wifi-Cabinet-2026", "passphrase: court", "needs a `passphrase` of 8 to 63 characters"),
        ("port: wlan-staff", "port: uplink", "ap-1 has no access port 'uplink' with a VLAN"),
        (
            "{name: Cabinet-Invites, port: wlan-guest, security: open}",
            "{name: Cabinet-Invites, port: wlan-guest, security: open, passphrase: x}",
            "`passphrase` is for `security: wpa2-psk`",
        ),
        ("    management: {vlan: mgmt, address: 10.10.99.3/24, gateway: 10.10.99.1}\n", "", "reached over SSH on the management address"),
        ("exec_timeout: 15", "exec_timeout: -1", "exec_timeout"),
    ],
)
def test_validation_refuses_what_the_switch_would(default_site_text: str, old: str, new: str, expected: str) -> None:
    assert old in default_site_text
    assert expected in messages(default_site_text.replace(old, new, 1))


def test_a_tftp_server_needs_a_static_address(default_site_text: str) -> None:
    text = default_site_text.replace(
        "  - {name: pc-accueil, kind: workstation, interfaces: [{name: eth0, dhcp: true}]}",
        "  - {name: pc-accueil, kind: workstation, interfaces: [{name: eth0, dhcp: true}], services: {tftp: {}}}",
    )
    assert "a TFTP server needs a static address" in messages(text)


def test_the_startup_configuration_is_the_design_and_the_same_at_every_boot() -> None:
    floor = site("cabinet-martin").node("sw-floor")
    text = facts.startup_text(site("cabinet-martin"), floor)
    assert text == facts.startup_text(site("cabinet-martin"), floor), "salts are fixed per site: the same text"
    assert "Sw1tch-Adm1n" not in text and "username admin privilege 15 secret 9 $9$" in text
    ports, vlans = facts.design(site("cabinet-martin"), floor)
    assert ports["ge3"] == "access 10" and ports["ge17"] == "access 20"
    assert ports["ge23"] == "trunk 10,50,99 native 99" and ports["ge24"] == "trunk 10,20,30,40,50,99 native 1"
    assert vlans == [1, 10, 20, 30, 40, 50, 99]
    config, refused = facts.parse_running(text, "sw-floor", facts.ports_of(text))
    assert refused == [] and {p: facts.describe_port(c) for p, c in config.interfaces.items()} == ports


def test_the_hardware_knows_the_neighbours_by_the_cabling(tmp_path: Path) -> None:
    hw = facts.hardware(site("cabinet-martin"), site("cabinet-martin").node("sw-floor"), tmp_path)
    by_port = {n["local_port"]: n for n in hw["neighbors"]}
    assert by_port["ge24"]["device"] == "sw-core" and by_port["ge24"]["remote_port"] == "ge2" and "S" in by_port["ge24"]["capability"]
    assert by_port["ge3"]["device"] == "pc-compta-2" and len(hw["ports"]) == 24
    assert hw["ssh_port"] == 22 and hw["nvram"].startswith(str(tmp_path))


def test_each_managed_switch_has_its_cli_configuration_and_saved_checks() -> None:
    checks = assert_sound("switchcli", "cabinet-martin", uses=("network",), groups={"infrastructure"})
    for switch in ("sw-core", "sw-floor", "ap-1"):
        cli, conf, saved = checks[f"cli:{switch}"], checks[f"conf:{switch}"], checks[f"saved:{switch}"]
        assert cli.place == "pc-admin" and cli.depends[-1] == f"mgmt:{switch}" and isinstance(cli.probe, SshCliProbe)
        assert isinstance(conf.probe, SwitchConfigProbe) and conf.probe.ports and not conf.probe.saved
        assert isinstance(saved.probe, SwitchConfigProbe) and saved.probe.saved and f"cli:{switch}" in conf.depends
        assert "TRI-CP3-C4" in conf.criteria
    assert len(checks) == 9


def test_a_managed_switch_without_a_cli_section_is_reported_not_built() -> None:
    bare = without("cabinet-martin", ("nodes", "sw-core", "cli"))
    assert "cli:sw-core" not in alone("switchcli", bare)
    from officelab.domains.switchcli import checks
    from officelab.recette.context import Derivation

    ctx = Derivation(bare)
    checks.derive(ctx)
    assert any(n.id == "cli:sw-core" and "no `cli:` section" in n.why for n in ctx.unbuilt)


@pytest.mark.parametrize(
    "fault",
    [PortWrongVlan(port="sw-floor:ge3", vlan=20), PortShutdown(port="sw-floor:ge3"), TrunkVlanMissing(port="sw-core:ge2", vlan=30)],
    ids=lambda f: f.kind,
)
def test_a_fault_that_changes_a_configuration_fails_the_checks_that_read_it(fault: PortWrongVlan) -> None:
    truth = fault.truth(site("cabinet-martin"))
    switch = fault.port.split(":")[0]
    assert {f"conf:{switch}", f"saved:{switch}"} <= set(truth.fails)
    assert set(truth.fails) <= set(suite("cabinet-martin"))


def test_the_export_writes_identical_neighbouring_ports_as_ranges() -> None:
    entries = [{"name": f"ge{i}", "vlan": "users"} for i in range(1, 5)] + [
        {"name": "ge5", "vlan": "voice"},
        {"name": "ge6", "vlan": "users", "description": "x"},
    ]
    entries += [{"name": "ge7", "vlan": "users"}, {"name": "uplink", "mode": "trunk", "vlans": ["users"]}]
    assert _ranges(entries) == [
        {"name": "ge[1-4]", "vlan": "users"},
        {"name": "ge5", "vlan": "voice"},
        {"name": "ge6", "vlan": "users", "description": "x"},
        {"name": "ge7", "vlan": "users"},
        {"name": "uplink", "mode": "trunk", "vlans": ["users"]},
    ]
