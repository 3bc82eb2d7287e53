"""The internet box without root: its model and validation from site text, its facts and plan, its checks, and the
admin daemon's logic (sessions, each form, the settings file) with the live box's changes recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from officelab.core.errors import SiteInvalid
from officelab.devices.box import pages
from officelab.devices.box.server import Box
from officelab.devices.box.settings import Forward, Refused, Settings, load, password_matches
from officelab.domains.box.facts import CONFIG, daemon_config, sides
from officelab.domains.box.model import BoxLeaseProbe, BoxLoginProbe
from officelab.domains.network.model import HttpProbe, TcpProbe
from officelab.runtime.plan import PortListening, Stage, compile_plan
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_text
from officelab.site.model import NodeKind
from officelab.site.topology import Topology
from tests.domains.derived import alone, assert_sound, site

TPE = builtin_sites()["tpe"].read_text()


def edited(old: str, new: str) -> str:
    assert old in TPE, old
    return TPE.replace(old, new, 1)


def problems(text: str) -> str:
    with pytest.raises(SiteInvalid) as info:
        load_text(text, "tpe.yaml")
    return str(info.value)


# --------------------------------------------------------------------------- model and validation
def test_the_box_is_a_router_in_every_respect() -> None:
    assert NodeKind.BOX.routes and NodeKind.BOX.site_router and not NodeKind.BOX.bridges
    box = site("tpe").node("box")
    assert box.kind is NodeKind.BOX and box.services.box is not None and box.services.firewall is not None


def test_the_planned_password_is_not_the_factory_one() -> None:
    said = problems(edited("admin_password: Durand-Boutique-2026", "admin_password: admin1234\n        factory_password: admin1234"))
    assert "factory" in said


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("to: 192.168.1.6, to_port: 80}", "to: 10.0.0.6, to_port: 80}", "not a device of the LAN 192.168.1.0/24"),
        ("{name: site-web, zone: wan,", "{name: site-web, zone: lan,", "is not the zone of the WAN interface wan"),
        ("port: 8080, to: 192.168.1.6, to_port: 80}", "port: 8080, port_end: 8090, to: 192.168.1.6}", "one port at a time"),
        ("    kind: box\n", "    kind: router\n", "`box` is the service of a node of kind box"),
    ],
)
def test_validation_refuses_what_the_daemon_would(old: str, new: str, expected: str) -> None:
    said = problems(edited(old, new))
    assert expected in said and "tpe.yaml:" in said, said


def test_a_box_without_firewall_has_no_forwards() -> None:
    start = TPE.index("      firewall:\n")
    end = TPE.index("      box:\n")
    said = problems(TPE[:start] + TPE[end:])
    assert "has no firewall: its port forwards" in said


# --------------------------------------------------------------------------- facts and plan
def test_the_daemon_starts_from_the_factory_or_the_planned_state(tmp_path: Path) -> None:
    tpe = site("tpe")
    node = tpe.node("box")
    s = sides(Topology(tpe), node)
    assert s is not None and s.url == "http://192.168.1.1/" and s.public == "198.51.100.10"
    assert node.services.box is not None
    config = daemon_config(node, node.services.box, s, tmp_path)
    assert config["initial"]["password_plain"] == "Durand-Boutique-2026" and config["initial"]["forwards"][0]["to"] == "192.168.1.6"
    assert config["wan_iface"] == "wan" and config["dhcp_tag"] == "vlan1" and config["firewall"] is True
    factory = node.services.box.model_copy(update={"state": "factory"})
    initial = daemon_config(node, factory, s, tmp_path)["initial"]
    assert initial["password_plain"] == "K7q2-Wm4x" and initial["forwards"] == [] and initial["ssid"] == ""


def test_the_plan_runs_the_admin_daemon_after_dnsmasq(tmp_path: Path) -> None:
    plan = compile_plan(site("tpe"), "t", tmp_path)
    admin = next(d for d in plan.daemons if d.key == "box/box-admin")
    dnsmasq = next(d for d in plan.daemons if d.key == "box/dnsmasq")
    assert admin.stage is Stage.CLIENTS and dnsmasq.stage < admin.stage and PortListening("tcp", 80) in admin.ready
    config = next(f for f in plan.files if f.node == "box" and f.path == CONFIG)
    assert config.mode == 0o600, "it holds the planned password"


# --------------------------------------------------------------------------- checks
def test_the_box_checks_are_sound() -> None:
    checks = assert_sound("box", "tpe", uses=("network", "firewall"), groups={"box", "firewall"})
    assert set(checks) == {"box:page:box", "box:login:box", "box:factory:box", "box:wan:box", "forward:site-web", "box:dhcp:box"}
    assert checks["box:page:box"].place == "pc-caisse" and isinstance(checks["box:page:box"].probe, HttpProbe)
    login, factory = checks["box:login:box"].probe, checks["box:factory:box"].probe
    assert isinstance(login, BoxLoginProbe) and login.password == "Durand-Boutique-2026" and not login.refused
    assert isinstance(factory, BoxLoginProbe) and factory.password == "K7q2-Wm4x" and factory.refused
    wan = checks["box:wan:box"]
    assert wan.place == "dns-public" and not wan.expect and wan.probe == TcpProbe(host="198.51.100.10", port=80)
    forward = checks["forward:site-web"].probe
    assert isinstance(forward, HttpProbe) and forward.url == "http://198.51.100.10:8080/" and forward.contains == "Boutique Durand"
    lease = checks["box:dhcp:box"].probe
    assert isinstance(lease, BoxLeaseProbe) and (str(lease.start), str(lease.end)) == ("192.168.1.10", "192.168.1.50")


def test_a_site_without_a_box_has_no_box_checks() -> None:
    assert alone("box", "cabinet-martin") == {}


# --------------------------------------------------------------------------- the admin daemon's logic
@pytest.fixture
def box(tmp_path: Path) -> Box:
    config: dict[str, Any] = {
        "settings": str(tmp_path / "settings.json"),
        "lan_subnet": "192.168.1.0/24",
        "address": "192.168.1.1",
        "factory_password": "admin",
        "initial": {
            "password_plain": "admin",
            "dhcp_start": "192.168.1.10",
            "dhcp_end": "192.168.1.50",
            "dhcp_lease": "24h",
            "forwards": [],
        },
    }
    applied: list[str] = []
    b = Box(
        config,
        load(Path(config["settings"]), config["initial"]),
        apply_firewall=lambda _c, s: applied.append("nft " + ",".join(f.name for f in s.forwards)),
        apply_dhcp=lambda _c, s: bool(applied.append(f"dnsmasq {s.dhcp_start}-{s.dhcp_end}")),
    )
    b.applied = applied  # type: ignore[attr-defined]
    return b


def test_a_session_opens_with_the_password_only(box: Box) -> None:
    assert box.login("wrong") is None and not box.valid(None) and not box.valid("forged")
    token = box.login("admin")
    assert token is not None and box.valid(token)


def test_each_change_is_applied_then_saved(box: Box) -> None:
    path = Path(box.config["settings"])
    assert "site-web" in box.change(
        {"_path": "/nat/add", "name": "site-web", "proto": "tcp", "port": "8080", "to": "192.168.1.6", "to_port": "80"}
    )
    assert box.change({"_path": "/dhcp", "start": "192.168.1.100", "end": "192.168.1.150", "lease": "12h"})
    assert box.change({"_path": "/nat/remove", "name": "site-web"})
    assert box.applied == ["nft site-web", "dnsmasq 192.168.1.100-192.168.1.150", "nft "]  # type: ignore[attr-defined]
    saved = load(path, {})
    assert saved.forwards == [] and (saved.dhcp_start, saved.dhcp_end, saved.dhcp_lease) == ("192.168.1.100", "192.168.1.150", "12h")


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"_path": "/dhcp", "start": "192.168.1.1", "end": "192.168.1.50", "lease": "24h"}, "l'adresse de la box"),
        ({"_path": "/dhcp", "start": "192.168.1.60", "end": "192.168.1.50", "lease": "24h"}, "après sa fin"),
        ({"_path": "/dhcp", "start": "10.0.0.10", "end": "10.0.0.50", "lease": "24h"}, "réseau local"),
        ({"_path": "/dhcp", "start": "192.168.1.10", "end": "192.168.1.50", "lease": "forever"}, "durée de bail"),
        ({"_path": "/nat/add", "name": "x", "port": "80", "to": "8.8.8.8"}, "réseau local"),
        ({"_path": "/nat/add", "name": "x", "port": "99999", "to": "192.168.1.6"}, "entre 1 et 65535"),
        ({"_path": "/nat/remove", "name": "none"}, "aucune redirection"),
        ({"_path": "/password", "current": "wrong", "new": "Long-enough-1", "confirm": "Long-enough-1"}, "actuel est faux"),
        ({"_path": "/password", "current": "admin", "new": "Long-enough-1", "confirm": "other"}, "diffèrent"),
        ({"_path": "/password", "current": "admin", "new": "short", "confirm": "short"}, "au moins 8"),
        ({"_path": "/wifi", "ssid": "Boutique", "key": "short"}, "8 à 63"),
    ],
)
def test_the_page_refuses_in_french(box: Box, form: dict[str, str], said: str) -> None:
    with pytest.raises(Refused, match=said):
        box.change(form)
    assert box.applied == []  # type: ignore[attr-defined]


def test_the_password_changes_and_the_factory_one_stops_working(box: Box) -> None:
    box.change({"_path": "/password", "current": "admin", "new": "Durand-Boutique-2026", "confirm": "Durand-Boutique-2026"})
    assert box.login("admin") is None and box.login("Durand-Boutique-2026") is not None
    saved = Path(box.config["settings"]).read_text()
    assert "Durand-Boutique-2026" not in saved and password_matches("Durand-Boutique-2026", load(Path(box.config["settings"]), {}).password)
    with pytest.raises(Refused, match="d'usine"):
        box.change({"_path": "/password", "current": "Durand-Boutique-2026", "new": "admin", "confirm": "admin"})


def test_a_range_dnsmasq_does_not_take_is_not_kept(box: Box) -> None:
    def fail(_c: dict[str, Any], _s: Settings) -> bool:
        raise RuntimeError("dnsmasq did not start again with the new range")

    box.apply_dhcp = fail
    with pytest.raises(RuntimeError):
        box.change({"_path": "/dhcp", "start": "192.168.1.100", "end": "192.168.1.150", "lease": "12h"})
    assert (box.settings.dhcp_start, box.settings.dhcp_end) == ("192.168.1.10", "192.168.1.50")


def test_a_forward_refused_by_the_firewall_is_not_kept(box: Box) -> None:
    def refuse(_c: dict[str, Any], _s: Settings) -> None:
        raise RuntimeError("nft refused the change")

    box.apply_firewall = refuse
    with pytest.raises(RuntimeError):
        box.change({"_path": "/nat/add", "name": "x", "port": "2222", "to": "192.168.1.6"})
    assert box.settings.forwards == []


def test_a_forward_is_the_firewall_s_own_rule_form() -> None:
    rule = Forward("site-web", "tcp", 8080, "192.168.1.6", 80).rule("wan")
    assert rule == 'iifname "wan" tcp dport 8080 dnat ip to 192.168.1.6:80 comment "box forward site-web"'


def test_the_pages_escape_what_they_show(box: Box) -> None:
    box.settings.ssid = "<script>"
    html = pages.wifi("Box", box.settings)
    assert "<script>" not in html and "&lt;script&gt;" in html and 'lang="fr"' in html


def test_the_wifi_settings_go_into_the_radio_s_hostapd_configuration(tmp_path: Path) -> None:
    from officelab.devices.box.live import apply_wifi

    conf = tmp_path / "hostapd.conf"
    conf.write_text("interface=wlan0\nssid=Old\nwpa=2\nwpa_passphrase=old-passphrase\n")
    settings = Settings("x", "192.168.1.10", "192.168.1.50", "24h", ssid="Boutique-Durand", wifi_key="durand-wifi-2026")
    assert apply_wifi({}, settings) is False, "no radio on the box: the settings file only"
    assert apply_wifi({"hostapd_conf": str(conf)}, settings) is True
    assert conf.read_text() == "interface=wlan0\nssid=Boutique-Durand\nwpa=2\nwpa_passphrase=durand-wifi-2026\n"
    assert apply_wifi({"hostapd_conf": str(conf)}, settings) is False, "unchanged: hostapd is not told again"
