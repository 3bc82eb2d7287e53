"""Data and directory on the live default site: AD, shares by group, printing, backups, snapshots — all
derived checks pass, then one fault at a time names the right cause and fails only the right checks."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from officelab.domains.directory.realise import template_path
from officelab.recette.derive import derive_suite
from officelab.recette.model import Status, SuiteResult
from officelab.recette.run import run_on_lab, select
from officelab.runtime.lab import Lab
from officelab.runtime.state import home
from tests.conftest import cli
from tests.live.leaks import booted

pytestmark = pytest.mark.live
LAB = "tdata"
GROUPS = ("directory", "shares", "printing", "backup")
ADMIN = "Administrator%Adm1n!Cabinet2026"


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    yield from booted(LAB)


def data_suite(lab: Lab) -> SuiteResult:
    """The data checks with what they depend on (the whole network below them)."""
    return run_on_lab(lab, select(derive_suite(lab.site()), groups=GROUPS))


def failed(result: SuiteResult) -> dict[str, str]:
    return {o.check.id: o.cause for o in result.outcomes if o.status is Status.FAIL}


def samba_tool(lab: Lab, *args: str) -> None:
    result = lab.run("srv-ad", ["samba-tool", *args], timeout=60)
    assert result.returncode == 0, result.stderr


def test_domain_template_is_cached(lab: Lab) -> None:
    assert template_path(lab.site()).exists(), "the first boot saved the domain template for the next ones"


def test_all_data_checks_pass(lab: Lab) -> None:
    result = data_suite(lab)
    assert failed(result) == {}
    ids = {o.check.id for o in result.outcomes}
    assert {"ad:login:stagiaire", "smb:srv-files:compta:jpetit:list", "print:Compta:jpetit", "backup:partages"} <= ids
    assert sum(1 for o in result.outcomes if o.check.group in GROUPS and not o.check.expect) >= 8, "denials are checked too"


def test_user_disabled(lab: Lab) -> None:
    samba_tool(lab, "user", "disable", "pdurand")
    try:
        result = data_suite(lab)
    finally:
        samba_tool(lab, "user", "enable", "pdurand")
    causes = failed(result)
    assert "account disabled" in causes["ad:login:pdurand"]
    assert all("pdurand" in cid for cid in causes), causes
    assert {"ad:kerberos:pdurand", "smb:srv-files:compta:pdurand:list"} <= set(causes) | {
        o.check.id for o in result.outcomes if o.blocked_by == "ad:login:pdurand"
    }


def test_user_removed_from_group(lab: Lab) -> None:
    samba_tool(lab, "group", "removemembers", "Comptabilite", "pdurand")
    try:
        result = data_suite(lab)
    finally:
        samba_tool(lab, "group", "addmembers", "Comptabilite", "pdurand")
    causes = failed(result)
    assert "lacks Paul Durand" in causes["ad:group:Comptabilite"]
    assert "access denied" in causes["smb:srv-files:compta:pdurand:list"]
    assert set(causes) <= {
        "ad:group:Comptabilite",
        "smb:srv-files:compta:pdurand:list",
        "smb:srv-files:compta:pdurand:write",
        "ad:group:Personnel",
        "vpn:share:pdurand",  # the same share, opened by the remote worker through the VPN
    }, causes


def test_share_right_removed(lab: Lab) -> None:
    conf = lab.dir.node_dir("srv-files") / "etc" / "samba" / "shares.conf"  # included by its smb.conf
    original = conf.read_text()
    conf.write_text(original.replace('write list = @"CABINET\\Comptabilite"', "write list = nobody"))
    assert conf.read_text() != original, "the test edits the compta share's write list"
    lab.run("srv-files", ["smbcontrol", "smbd", "reload-config"])
    try:
        result = data_suite(lab)
    finally:
        conf.write_text(original)
        lab.run("srv-files", ["smbcontrol", "smbd", "reload-config"])
    causes = failed(result)
    assert set(causes) == {"smb:srv-files:compta:pdurand:write"}, causes
    assert "access denied" in causes["smb:srv-files:compta:pdurand:write"]


def test_print_server_stopped(lab: Lab) -> None:
    lab.stop_daemon("srv-files/cupsd")
    try:
        result = data_suite(lab)
    finally:
        lab.start_daemon("srv-files/cupsd")
    causes = failed(result)
    assert set(causes) == {"print:srv-files"}, causes
    assert "refused the connection" in causes["print:srv-files"]
    blocked = {o.check.id for o in result.outcomes if o.blocked_by == "print:srv-files"}
    assert blocked == {"print:Compta:amartin", "print:Compta:jpetit"}


def test_domain_controller_stopped(lab: Lab) -> None:
    lab.stop_daemon("srv-ad/samba")
    try:
        result = data_suite(lab)
    finally:
        lab.start_daemon("srv-ad/samba")
        lab.wait_daemons_ready(lab.plan(), [d for d in lab.plan().daemons if d.key == "srv-ad/samba"])
    causes = failed(result)
    assert "ad:srv" in causes and "10.10.40.5" in causes["ad:srv"], causes
    # The DC is also the DNS of the domain's clients: every failure is a DNS question or a name it could not resolve.
    assert all("10.10.40.5" in c or "resolve" in c or "DNS" in c for c in causes.values()), causes
    assert not any(o.check.group in ("firewall", "isolation", "infrastructure") for o in result.outcomes if o.status is Status.FAIL)


def test_wrong_password(lab: Lab) -> None:
    samba_tool(lab, "user", "setpassword", "sleroy", "--newpassword=Autre#Mot2026")
    try:
        result = data_suite(lab)
    finally:
        samba_tool(lab, "user", "setpassword", "sleroy", "--newpassword=Leroy#2026")
    causes = failed(result)
    assert causes == {
        "ad:login:sleroy": causes.get("ad:login:sleroy", "missing"),
        "ad:kerberos:sleroy": causes.get("ad:kerberos:sleroy", ""),
    }
    assert "wrong password" in causes["ad:login:sleroy"] and "wrong password" in causes["ad:kerberos:sleroy"]


def _digest(lab: Lab, path: str) -> str:
    return hashlib.sha256((lab.dir.node_dir("srv-files") / "shares" / path).read_bytes()).hexdigest()


def test_backup_restores_in_place(lab: Lab) -> None:
    share = lab.dir.node_dir("srv-files") / "shares" / "compta"
    (share / "bilan-2026.txt").write_text("Bilan 2026 du client Durand\n" * 100)
    before = _digest(lab, "compta/bilan-2026.txt")
    assert cli("backup", "run", "--lab", LAB).returncode == 0
    listing = cli("backup", "list", "--lab", LAB)
    assert listing.returncode == 0 and "srv-files" in listing.stdout
    (share / "bilan-2026.txt").unlink()
    result = cli("backup", "restore", "--in-place", "--lab", LAB)
    assert result.returncode == 0, result.stderr
    assert _digest(lab, "compta/bilan-2026.txt") == before, "the restored file is identical, byte for byte"
    scratch = cli("backup", "restore", "--lab", LAB)
    assert scratch.returncode == 0 and "/run/officelab/restore-" in scratch.stdout
    assert cli("backup", "run", "nosuchjob", "--lab", LAB).returncode == 2


def test_snapshot_keeps_live_changes(lab: Lab) -> None:
    samba_tool(lab, "user", "add", "nouvelle", "Nouvelle#2026")
    assert cli("snapshot", "save", "depart", "--lab", LAB).returncode == 0
    samba_tool(lab, "user", "delete", "nouvelle")
    result = cli("snapshot", "restore", "depart", "--lab", LAB, timeout=180)
    assert result.returncode == 0, result.stderr
    users = lab.run("srv-ad", ["samba-tool", "user", "list"]).stdout.split()
    assert "nouvelle" in users, "a user added live comes back with the snapshot"
    assert failed(data_suite(lab)) == {}
    assert "depart" in cli("snapshot", "list", "--lab", LAB).stdout
    assert cli("snapshot", "restore", "nosuch", "--lab", LAB).returncode == 1


def test_the_nas_s_backup_account_is_sftp_only_and_chrooted(lab: Lab) -> None:
    """The SSH login the backups use lands in the NAS's repositories, never in a shell or the lab's state."""
    keys = lab.dir.node_dir("srv-files") / "ssh"
    ssh = ["ssh", "-i", str(keys / "id_ed25519"), "-o", f"UserKnownHostsFile={keys / 'known_hosts'}", "-o", "BatchMode=yes"]
    nas = "root@10.10.40.30"
    shell = lab.run("srv-files", [*ssh, nas, f"ls {home()}; id"], timeout=20)
    assert "labs" not in shell.stdout and "uid=" not in shell.stdout, shell.stdout
    assert "sftp" in (shell.stdout + shell.stderr).lower(), "the account only serves SFTP"
    listing = lab.run("srv-files", ["sftp", "-b", "-", *ssh[1:], nas], input="ls -a /\n", timeout=20)
    names = {word.rsplit("/", 1)[-1] for line in listing.stdout.splitlines() if not line.startswith("sftp>") for word in line.split()}
    assert listing.returncode == 0 and "partages" in names, listing.stdout + listing.stderr
    assert not names & {"etc", "var", "usr", "labs"}, names
    outside = lab.run("srv-files", ["sftp", "-b", "-", *ssh[1:], nas], input="cd /etc\n", timeout=20)
    assert outside.returncode != 0, "no /etc in the chroot"
