"""The broker's password file is written without any password on a command line, in mosquitto's own format."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest

from officelab.domains.automation.realise import password_hash


@pytest.mark.skipif(shutil.which("mosquitto_passwd") is None, reason="mosquitto_passwd is installed by make setup")
def test_hash_is_the_one_mosquitto_passwd_writes(tmp_path: Path) -> None:
    file = tmp_path / "passwd"
    subprocess.run(["mosquitto_passwd", "-c", "-b", str(file), "thermostat", "Thermo#2026"], check=True, capture_output=True)
    user, written = file.read_text().strip().split(":", 1)
    salt = base64.b64decode(written.split("$")[3])
    assert user == "thermostat"
    assert password_hash("Thermo#2026", salt) == written
    assert password_hash("Thermo#2027", salt) != written


def test_each_hash_has_its_own_salt() -> None:
    first, second = password_hash("same-password"), password_hash("same-password")
    assert first != second and first.startswith("$7$101$") and len(first.split("$")) == 5
