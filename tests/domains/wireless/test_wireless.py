"""Wi-Fi admission from the site alone: the key derivation, the stations found by their cable, validation, the plan
(hostapd, its admission script and table on the AP, wpa_supplicant on the station) and the derived checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from officelab.core.errors import SiteInvalid
from officelab.domains.switchcli.facts import parse_running, ports_of, startup_text
from officelab.domains.wireless.facts import psk_key, stations, wrong_key
from officelab.domains.wireless.faults import AuthenticatorStopped, RadiusSecretMismatch, RadiusServerStopped, WrongPassphrase
from officelab.recette.derive import derive_suite
from officelab.runtime.plan import ProbeSucceeds, Stage, compile_plan
from officelab.site.loader import load_site, load_text
from officelab.site.validate import validate

SITE = Path(__file__).with_name("wifi_site.yaml")
CORP = Path(__file__).with_name("enterprise_site.yaml")


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
    assert wrong_key(found[0]) != psk_key(found[0].passphrase, "Staff")


def test_default_site_has_its_staff_tablet_on_the_psk_ssid_its_laptop_on_802_1x_and_not_the_guest() -> None:
    site = load_site("cabinet-martin")
    found = [(s.node, s.ssid.name, s.user) for s in stations(site)]
    assert found == [("tablet-1", "Cabinet-Martin", ""), ("portable-1", "Cabinet-Martin-Pro", "sleroy")]


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


def test_enterprise_station_logs_in_as_its_directory_user() -> None:
    (st,) = stations(load_site(CORP))
    assert (st.node, st.ssid.name, st.identity, st.passphrase) == ("laptop-1", "Corp", "jpetit", "Petit#2026")
    assert st.admitted_by_ssid and wrong_key(st) == '"Petit#2026-wrong"'
    text = CORP.read_text().replace("{node: laptop-1, user: jpetit}", "{node: laptop-1, user: stagiaire}")
    disabled = stations(load_text(text, "corp.yaml"))[0]
    assert disabled.passphrase == "Stage#2026" and not disabled.admitted_by_ssid  # right password, disabled account


def test_enterprise_plan_relays_to_freeradius_on_the_controller(tmp_path: Path) -> None:
    plan = compile_plan(load_site(CORP), "t", tmp_path)
    daemons = {d.key: d for d in plan.daemons}
    radius = daemons["srv-ad/freeradius"]
    assert radius.argv[:2] == ["freeradius", "-f"] and radius.stage is Stage.SERVERS
    files = {(f.node, f.path): f for f in plan.files}
    hostapd = files[("ap-1", "wifi/wlan-corp.conf")]
    assert hostapd.mode == 0o600 and "eap_server=0" in hostapd.content
    assert "auth_server_addr=10.30.40.5" in hostapd.content and "auth_server_shared_secret=Radius-Corp-2026" in hostapd.content
    assert "own_ip_addr=10.30.99.4" in hostapd.content and ("ap-1", "wifi/wlan-corp.eap_user") not in files
    conf = files[("srv-ad", "radius/radiusd.conf")].content
    assert "ipaddr = 10.30.99.4" in conf and "secret = Radius-Corp-2026" in conf
    assert "--allow-mschapv2" in conf and "--domain=WIFICORP" in conf and "default_eap_type = peap" in conf
    supplicant = files[("laptop-1", "wifi/wpa_supplicant.conf")].content
    assert 'identity="jpetit"' in supplicant and 'password="Petit#2026"' in supplicant and 'phase2="auth=MSCHAPV2"' in supplicant
    assert 'domain_match="radius.wifi-corp.lan"' in supplicant and 'ca_cert="/run/officelab/site-ca.pem"' in supplicant


def test_enterprise_checks_login_refusals_and_the_disabled_account() -> None:
    checks = {c.id: c for c in derive_suite(load_site(CORP))}
    login, refused, disabled = checks["wifi-login:laptop-1"], checks["wifi-refused:laptop-1"], checks["wifi-disabled:Corp"]
    assert (login.probe.outcome, login.probe.identity) == ("admitted", "jpetit")  # type: ignore[attr-defined]
    assert (refused.probe.outcome, refused.probe.password) == ("refused", '"Petit#2026-wrong"')  # type: ignore[attr-defined]
    assert (disabled.probe.identity, disabled.probe.password) == ("stagiaire", '"Stage#2026"')  # type: ignore[attr-defined]
    assert "ad:dc" in checks["wifi-login:laptop-1"].depends and "ad:dc" not in checks["wifi:laptop-1"].depends
    text = CORP.read_text().replace(", enabled: false}", "}")
    site = load_text(text, "corp.yaml")
    ctx_ids = {c.id for c in derive_suite(site)}
    assert "wifi-disabled:Corp" not in ctx_ids


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("  radius: {secret: Radius-Corp-2026}\n", "", "nodes[3].cli.ssids[0].security"),
        ("{node: laptop-1, user: jpetit}", "{node: laptop-1, user: nobody}", "wireless.stations[0].user"),
        ("{node: laptop-1, user: jpetit}", "{node: laptop-1, passphrase: Wifi-Corp-2026}", "wireless.stations[0].passphrase"),
        ("{secret: Radius-Corp-2026}", "{secret: Radius-Corp-2026, server: rtr}", "wireless.radius.server"),
        ("{secret: Radius-Corp-2026}", "{secret: short}", "wireless.radius.secret"),
    ],
)
def test_enterprise_validation_names_the_field(old: str, new: str, where: str) -> None:
    text = CORP.read_text().replace(old, new)
    assert text != CORP.read_text()
    with pytest.raises(SiteInvalid) as caught:
        validate(load_text(text, "corp.yaml"))
    assert f"{where}:" in str(caught.value)


def test_enterprise_faults_ground_truth() -> None:
    site = load_site(CORP)
    assert [f.ssid for f in RadiusSecretMismatch.candidates(site)] == ["Corp"]  # type: ignore[attr-defined]
    mismatch = RadiusSecretMismatch(ssid="Corp").truth(site)
    assert mismatch.fails == ("wifi:laptop-1", "wifi-refused:laptop-1", "wifi-login:laptop-1", "wifi-disabled:Corp")
    assert [f.node for f in RadiusServerStopped.candidates(site)] == ["srv-ad"]  # type: ignore[attr-defined]
    stopped = RadiusServerStopped(node="srv-ad").truth(site)
    assert stopped.fails == ("wifi-refused:laptop-1", "wifi-login:laptop-1", "wifi-disabled:Corp") and stopped.where == "srv-ad/freeradius"
    assert RadiusServerStopped(node="rtr").problems(site) and RadiusSecretMismatch(ssid="Staff").problems(site)
    assert RadiusSecretMismatch.candidates(load_site(SITE)) == []  # no WPA2-Enterprise SSID there


def test_wpa2_enterprise_reads_back_from_the_access_points_configuration() -> None:
    site = load_site(CORP)
    text = startup_text(site, site.node("ap-1"))
    assert "authentication network-eap eap_methods" in text and "authentication key-management wpa version 2" in text
    config, problems = parse_running(text, "ap-1", ports_of(text))
    assert problems == [] and config.ssids["Corp"].authentication == "wpa2-enterprise"  # WPA2 keys do not make it PSK
