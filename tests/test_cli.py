"""The command line without a lab: validation, built-in sites, criteria. One readable line per failure."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import cli


def test_validate_builtin_and_file(tmp_path: Path, default_site_text: str) -> None:
    result = cli("validate", "cabinet-martin")
    assert result.returncode == 0 and "site cabinet-martin is valid" in result.stdout and "40 nodes" in result.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(default_site_text.replace("subnet: 10.10.20.0/24", "subnet: 10.10.10.0/24").replace("kind: iot", "kind: iott", 1))
    result = cli("validate", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{bad}: 1 problem found, nothing was changed")
    assert f"{bad}:" in result.stderr and "'iott' is not one of the allowed values" in result.stderr


def test_unknown_site_is_one_line() -> None:
    result = cli("validate", "no-such-site")
    assert result.returncode == 1 and "no site file no-such-site and no built-in site of that name" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sites_lists_and_shows() -> None:
    listing = cli("sites").stdout
    assert "cabinet-martin" in listing and "tpe" in listing
    shown = cli("sites", "--show", "tpe").stdout
    assert shown.startswith("# A very small business")


def test_criteria_counts_the_checks_of_a_site() -> None:
    result = cli("criteria", "--site", "cabinet-martin", "--lang", "en")
    assert result.returncode == 0
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") >= 4 and "-C" in line}
    assert len(lines) == 87
    assert lines["TRI-CP4-C3"].rstrip(" │").split("│")[-1].strip() not in ("", "0")
    assert lines["TAI-CT2-C1"].rstrip(" │").split("│")[-1].strip() == "0", "a soft skill has no automatic check"


def test_commands_needing_root_say_so(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import os

    if os.geteuid() == 0:
        return  # as root the command would run; its refusal is only observable as a normal user
    result = cli("up", "tpe", "--lab", "tnoroot")
    assert result.returncode == 77 and "needs root" in result.stderr


def _labs_dir() -> Path:
    from officelab.runtime.state import home

    return home() / "labs"


def test_check_refuses_a_report_it_could_not_write_before_running(tmp_path: Path) -> None:
    start = time.monotonic()
    result = cli("check", "--lab", "tnever", "--json", "/nonexistent/dir/x.json")
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "error: --json /nonexistent/dir/x.json: directory /nonexistent/dir does not exist (create it first, or choose another file)"
    )
    assert time.monotonic() - start < 20, "refused before deriving or running anything"
    result = cli("check", "--lab", "tnever", "--html", str(tmp_path))
    assert result.returncode == 2 and f"--html {tmp_path}: is a directory" in result.stderr
    same = tmp_path / "r.out"
    result = cli("check", "--lab", "tnever", "--json", str(same), "--junit", str(same))
    assert result.returncode == 2 and "another report is written to the same file" in result.stderr
    assert not same.exists()
    # with a writable file the command gets further: the lab's absence is what stops it
    result = cli("check", "--lab", "tnever", "--json", str(tmp_path / "r.json"))
    assert result.returncode == 1 and "lab tnever is not up" in result.stderr


def test_capture_refuses_a_file_it_could_not_write() -> None:
    result = cli("capture", "--lab", "tnever", "pc:eth0", "-w", "/nonexistent/dir/x.pcap")
    assert result.returncode == 2 and "-w /nonexistent/dir/x.pcap: directory /nonexistent/dir does not exist" in result.stderr


def test_down_of_a_lab_that_does_not_exist_says_so_and_creates_nothing(officelab_home: Path) -> None:
    from officelab.runtime.state import LabDir, LabRecord, all_labs

    LabDir("tother").write(LabRecord(lab="tother", site="tpe", state="down"))
    labs = all_labs()
    assert "tother" in labs
    before = sorted(p.relative_to(officelab_home) for p in officelab_home.rglob("*"))
    result = cli("down", "--lab", "nevermade")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"error: no lab nevermade on this machine (labs: {', '.join(labs)})"]
    assert sorted(p.relative_to(officelab_home) for p in officelab_home.rglob("*")) == before, "down created something"
    assert not (_labs_dir() / "nevermade").exists()


def test_down_all_without_labs_says_there_is_none(tmp_path: Path) -> None:
    env = {**os.environ, "OFFICELAB_HOME": str(tmp_path / "empty")}
    result = subprocess.run([sys.executable, "-m", "officelab.cli", "down", "--all"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no lab on this machine: nothing to take down"
    assert not (tmp_path / "empty").exists(), "nothing was created"


def test_up_refuses_a_lab_that_is_up(officelab_home: Path) -> None:
    from officelab.runtime.state import LabDir, LabRecord

    # The site does not exist: whatever happens after the refusal fails at once, so no lab is ever booted here.
    LabDir("tisup").write(LabRecord(lab="tisup", site="cabinet-martin", state="up"))
    result = cli("up", "no-such-site", "--lab", "tisup")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: lab tisup is already up (site cabinet-martin): run `officelab down --lab tisup` first, "
        "or `officelab up --force --lab tisup` to reboot it"
    ]
    assert LabDir("tisup").read().state == "up", "the lab is left alone"
    forced = cli("up", "no-such-site", "--lab", "tisup", "--force")
    assert forced.returncode in (1, 77) and "already up" not in forced.stderr, "--force goes past the refusal"
    # a lab left half-booted by a crash is not refused: `up` cleans it up as before
    LabDir("tisup").write(LabRecord(lab="tisup", site="cabinet-martin", state="booting"))
    crashed = cli("up", "no-such-site", "--lab", "tisup")
    assert "already up" not in crashed.stderr and crashed.returncode in (1, 77)


def test_check_list_masks_secrets_unless_revealed(officelab_home: Path, default_site_text: str) -> None:
    from officelab.runtime.state import LabDir, LabRecord

    lab = LabDir("tlist")
    lab.write(LabRecord(lab="tlist", site="cabinet-martin", state="down"))
    (lab.path / "site.yaml").write_text(default_site_text)
    listing = cli("check", "--list", "--lab", "tlist", "--lang", "en")
    assert listing.returncode == 0, listing.stderr
    assert len(listing.stdout.splitlines()) > 300 and "cam:rtsp:cam-entree" in listing.stdout
    for secret in ("Adm1n!Cabinet2026", "Martin#2026", "Entree-2026", "accueil-101", "Trunk#Martin2026"):
        assert secret in default_site_text and secret not in listing.stdout + listing.stderr, secret
    revealed = cli("check", "--list", "--lab", "tlist", "--lang", "en", "--reveal-secrets")
    assert revealed.returncode == 0 and revealed.stdout == listing.stdout, "the listing holds no secret to reveal"
    assert "--reveal-secrets" in cli("check", "--help").stdout
