"""The file server's checks, from the directory's client: SMB answers, each share opens and takes writes as its
rights say for a member of each group and an outsider, and refuses a wrong password and a guest."""

from __future__ import annotations

from officelab.domains.directory.checks import client_base, dc_ready, login_check
from officelab.domains.files.model import SmbProbe
from tests.domains.derived import alone, assert_sound, derivation, site, without

# share -> user -> (may open, may write): a member of each group with rights, then one outsider
RIGHTS: dict[str, dict[str, tuple[bool, bool | None]]] = {
    "compta": {"pdurand": (True, True), "amartin": (True, False), "jpetit": (False, None)},
    "direction": {"amartin": (True, True), "pdurand": (False, None)},
    "commun": {"amartin": (True, True)},  # everyone is in Personnel: no outsider
}


def test_files_checks_are_sound() -> None:
    assert_sound("files", "cabinet-martin", uses=("network", "directory"), groups={"shares"})


def test_each_share_is_opened_as_its_rights_say() -> None:
    checks = alone("files")
    expected = {"smb:srv-files"}
    for share, people in RIGHTS.items():
        expected |= {f"smb:srv-files:{share}:badpass", f"smb:srv-files:{share}:guest"}
        for user, (can_open, can_write) in people.items():
            expected.add(f"smb:srv-files:{share}:{user}:list")
            assert checks[f"smb:srv-files:{share}:{user}:list"].expect is can_open
            if can_write is not None:
                expected.add(f"smb:srv-files:{share}:{user}:write")
                assert checks[f"smb:srv-files:{share}:{user}:write"].expect is can_write
    assert set(checks) == expected, "no write check where the user cannot even open; no disabled account"
    for check in checks.values():
        if check.id.endswith((":badpass", ":guest")):
            assert not check.expect and check.criteria == ("TRI-CP5-C3",)
        elif check.id != "smb:srv-files":
            refused = ("TRI-CP5-C2", "TRI-CP6-C3", "TAI-CP6-C2")
            assert check.criteria == (("TRI-CP5-C1", "TAI-CP6-C2") if check.expect else refused), check.id
            assert isinstance(check.probe, SmbProbe) and check.probe.user == f"CABINET\\{check.id.split(':')[3]}"


def test_share_checks_wait_for_the_server_and_the_users_logon() -> None:
    checks, ctx = alone("files"), derivation("cabinet-martin")
    base = client_base(ctx)
    assert base is not None
    where, needs = base
    assert needs == () and not isinstance(where, str)
    gw = "gw:pc-compta-1"
    assert checks["smb:srv-files"].depends == (gw, dc_ready(ctx))
    assert checks["smb:srv-files:compta:pdurand:write"].depends == (gw, "smb:srv-files", "ad:login:pdurand")
    for check in checks.values():
        assert check.vantages[0].place == where[0].place and check.fallbacks, check.id
        if check.id.endswith((":list", ":write")):
            assert check.depends == (gw, "smb:srv-files", login_check(check.id.split(":")[3])), check.id
        elif check.id != "smb:srv-files":
            assert check.depends == (gw, "smb:srv-files"), check.id
    bad = checks["smb:srv-files:direction:badpass"].probe
    assert isinstance(bad, SmbProbe) and bad.user == "CABINET\\amartin" and bad.password.startswith("not-")


def test_a_site_without_shares_has_no_share_checks() -> None:
    assert alone("files", "tpe") == {}
    bare = without("cabinet-martin", ("nodes", "srv-files", "services", "files"), ("backups",))
    assert bare.node("srv-files").services.files is None and alone("files", bare) == {}
    assert site("cabinet-martin").node("srv-files").services.files is not None
