"""Wi-Fi admission from the site alone: the key derivation, the stations found by their cable, validation, the plan
(hostapd, its admission script and table on the AP, wpa_supplicant on the station) and the derived checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from officelab.core.errors import SiteInvalid
from officelab.domains.switchcli.facts import parse_running, ports_of, startup_text
from officelab.domains.wireless.facts import psk_key, stations, wrong_key
from officelab.domains.wireless.faults import AuthenticatorStopped, WrongPassphrase
from officelab.recette.derive import derive_suite
from officelab.runtime.plan import ProbeSucceeds, Stage, compile_plan
from officelab.site.loader import load_site, load_text
from officelab.site.validate import validate

SITE = Path(__file__).with_name("wifi_site.yaml")


def test_psk_key_is_wpa2s_pmk_cut_to_16_bytes() -> None:
    pmk = hashlib.pbkdf2_hmac("sha1", b"Wifi-Staff-2026", b"Staff", 4096, 32)
    assert psk_key("Wifi-Staff-2026", "Staff") == pmk[:16].hex()
    assert len(psk_key("x" * 8, "Staff")) == 32
    assert psk_key("Wifi-Staff-2026", "Other") != psk_key("Wifi-Staff-2026", "Staff")  # salted by the SSID


def test_stations_are_the_nodes_cabled_to_a_secured_ssid() -> None:
    site = load_site(SITE)
    found = stations(site)
    assert [(s.node, s.ifname, s.ap, s.ssid.name) for s in found] == [
        ("tablet-1", "wlan0", "ap-1", "Staff"),
        ("laptop-1", "wlan0", "ap-1", "Staff-WPA3"),
    ]
    assert found[0].passphrase == "Wifi-Staff-2026" and found[0].admitted_by_ssid
    assert wrong_key(found[0].ssid) != psk_key(found[0].passphrase, "Staff")


def test_default_site_has_its_staff_tablet_on_the_psk_ssid_and_not_the_guest() -> None:
    site = load_site("cabinet-martin")
    assert [(s.node, s.ssid.name) for s in stations(site)] == [("tablet-1", "Cabinet-Martin")]


def test_a_station_may_be_given_its_own_passphrase() -> None:
    text = SITE.read_text() + "wireless:\n  stations:\n    - {node: tablet-1, passphrase: Autre-Phrase-2026}\n"
    st = stations(load_text(text, "wifi.yaml"))[0]
    assert st.passphrase == "Autre-Phrase-2026" and not st.admitted_by_ssid


@pytest.mark.parametrize(
    ("entry", "field"),
    [("{node: rtr}", "node"), ("{node: tablet-1, passphrase: short}", "passphrase")],
)
def test_validation_names_the_station_field(entry: str, field: str) -> None:
    text = SITE.read_text() + f"wireless:\n  stations:\n    - {entry}\n"
    with pytest.raises(SiteInvalid) as caught:
        validate(load_text(text, "wifi.yaml"))
    line = len(SITE.read_text().splitlines()) + 3
    assert f"wifi.yaml:{line}: wireless.stations[0].{field}:" in str(caught.value)


def test_plan_runs_the_authenticator_and_the_supplicant(tmp_path: Path) -> None:
    plan = compile_plan(load_site(SITE), "t", tmp_path)
    daemons = {d.key: d for d in plan.daemons}
    hostapd = daemons["ap-1/hostapd-wlan-staff"]
    assert hostapd.stage is Stage.SERVERS and hostapd.argv[0] == "hostapd"
    assert daemons["ap-1/admission-wlan-staff"].argv[:1] == ["hostapd_cli"]
    supplicant = daemons["tablet-1/wpa_supplicant"]
    assert supplicant.argv[:5] == ["wpa_supplicant", "-D", "wired", "-i", "wlan0"]
    assert supplicant.stage is Stage.CLIENTS and isinstance(supplicant.ready[0], ProbeSucceeds)
    files = {(f.node, f.path): f.content for f in plan.files}
    assert "driver=wired" in files[("ap-1", "wifi/wlan-staff.conf")]
    assert psk_key("Wifi-Staff-2026", "Staff") in files[("ap-1", "wifi/wlan-staff.eap_user")]
    assert 'device "wlan-staff"' in files[("ap-1", "wifi/wifi.nft")] and "vlan type 0x888e accept" in files[("ap-1", "wifi/wifi.nft")]
    assert f"password={psk_key('Wifi-Staff-2026', 'Staff')}" in files[("tablet-1", "wifi/wpa_supplicant.conf")]
    assert not any("wlan-guest" in d.key for d in plan.daemons)  # the open SSID has no authenticator
    # WPA3-SAE: EAP-pwd (the dragonfly exchange) on the passphrase itself
    assert files[("ap-1", "wifi/wlan-sae.eap_user")].strip().endswith('"Staff-WPA3" PWD "Sae-Staff-2026"')
    sae = files[("laptop-1", "wifi/wpa_supplicant.conf")]
    assert "eap=PWD" in sae and 'password="Sae-Staff-2026"' in sae
    assert [c.argv[:2] for c in plan.commands if c.node == "ap-1"] == [("nft", "-f")]
    assert 'device "wlan-sae"' in files[("ap-1", "wifi/wifi.nft")]


def test_wpa3_sae_reads_back_from_the_access_points_configuration() -> None:
    site = load_site(SITE)
    text = startup_text(site, site.node("ap-1"))
    assert "authentication key-management sae" in text
    config, problems = parse_running(text, "ap-1", ports_of(text))
    assert problems == []
    assert (config.ssids["Staff-WPA3"].authentication, config.ssids["Staff-WPA3"].passphrase) == ("wpa3-sae", "Sae-Staff-2026")
    assert config.ssids["Staff"].authentication == "wpa2-psk"


def test_checks_admitted_and_refused_per_station() -> None:
    checks = {c.id: c for c in derive_suite(load_site(SITE))}
    admitted, refused = checks["wifi:tablet-1"], checks["wifi-refused:tablet-1"]
    assert admitted.vantages[0].place == "ap-1"
    assert refused.vantages[0].place == "tablet-1"
    probe = refused.probe
    assert probe.kind == "wifi-auth" and probe.outcome == "refused"  # type: ignore[attr-defined]


def test_faults_ground_truth() -> None:
    site = load_site(SITE)
    assert [f.node for f in WrongPassphrase.candidates(site)] == ["tablet-1", "laptop-1"]  # type: ignore[attr-defined]
    assert WrongPassphrase(node="tablet-1").truth(site).fails == ("wifi:tablet-1",)
    assert WrongPassphrase(node="rtr").problems(site)
    truth = AuthenticatorStopped(ssid="Staff").truth(site)
    assert truth.fails == ("wifi:tablet-1", "wifi-refused:tablet-1") and truth.where == "ap-1/hostapd-wlan-staff"
