"""No report carries the site's secrets: JSON, JUnit, HTML and the terminal mask them, unless they are revealed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from rich.console import Console

from officelab.probes import Layer, ProbeResult
from officelab.recette import report
from officelab.recette.derive import derive_suite
from officelab.recette.model import Outcome, Status, SuiteResult
from officelab.recette.secrets import MASK, Masker, is_secret_name, mask, secret_values
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site

SITE = "cabinet-martin"
SECRET_FIELDS = ("password", "secret", "admin_password", "controller_password")


def _walk(value: object, found: set[str]) -> None:
    """Independently of the code under test: the values of the fields named like the site file's secrets."""
    if isinstance(value, BaseModel):
        for name, sub in value:
            if name in SECRET_FIELDS and isinstance(sub, str) and sub:
                found.add(sub)
            _walk(sub, found)
    elif isinstance(value, list | tuple):
        for sub in value:
            _walk(sub, found)
    elif isinstance(value, dict):
        for sub in value.values():
            _walk(sub, found)


def site_secrets() -> set[str]:
    found: set[str] = set()
    _walk(load_site(SITE), found)
    text = builtin_sites()[SITE].read_text()
    pattern = r"\b(?:" + "|".join(SECRET_FIELDS) + r"):\s*\"?([^\"\s,}]+)\"?"
    from_yaml = set(re.findall(pattern, text))
    assert len(from_yaml) >= 15 and from_yaml <= found, "the model walk finds every secret the file writes"
    return found | from_yaml


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _fake(check: Any, i: int, only_site: str) -> Outcome:
    """A failed outcome whose evidence echoes what a careless probe could: its URLs, and its password."""
    spec = check.probe.model_dump(mode="json")
    urls = [s for s in _strings(spec) if "://" in s]
    password = str(spec.get("password") or spec.get("secret") or "")
    target = urls[0] if urls else spec.get("server", spec.get("host", "here"))
    sent = f"{check.probe.kind} to {' '.join(urls) or target} as {spec.get('user', '?')}"
    received = f"401 Unauthorized for {target}" + (f" (tried {password!r}, attempt {i})" if password else "")
    if check.id == "sip:register:101":
        received += f"; trunk config: password={only_site}"  # a command's output quoting a secret no probe carries
    summary = f"the server refused the credentials at {target}"
    result = ProbeResult(False, Layer.APPLICATION, summary, sent, received, data={"url": target, "password": password})
    return Outcome(check, Status.FAIL, summary, result, attempts=1, duration=0.1)


@pytest.fixture(scope="module")
def suite() -> SuiteResult:
    site = load_site(SITE)
    checks = derive_suite(site)
    result = SuiteResult(site=SITE, lab="t", started=1.8e9, duration=3.0, technician="Alice")
    result.outcomes = [_fake(c, i, "Trunk#Martin2026") for i, c in enumerate(checks)]
    result.secrets = secret_values(site)
    return result


def _outputs(result: SuiteResult, tmp_path: Path, reveal: bool) -> dict[str, str]:
    files = {"json": tmp_path / "r.json", "junit": tmp_path / "r.xml", "html": tmp_path / "r.html"}
    report.write_json(result, files["json"], "fr", reveal)
    report.write_junit(result, files["junit"], "en", reveal)
    report.write_html(result, files["html"], "en", reveal)
    console = Console(record=True, width=240, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    report.print_terminal(result, console, "en", verbose=True, reveal=reveal)
    texts = {name: path.read_text(encoding="utf-8") for name, path in files.items()}
    texts["terminal"] = console.export_text()
    return texts


def test_the_site_declares_secrets_that_the_probes_carry(suite: SuiteResult) -> None:
    secrets = site_secrets()
    assert {"Adm1n!Cabinet2026", "Martin#2026", "Entree-2026", "accueil-101", "Trunk#Martin2026"} <= secrets
    probes = json.dumps([o.check.probe.model_dump(mode="json") for o in suite.outcomes])
    assert sum(s in probes for s in secrets) >= 15, "the reports would have secrets to leak"


def test_reports_carry_no_secret(suite: SuiteResult, tmp_path: Path) -> None:
    secrets = site_secrets()
    for name, text in _outputs(suite, tmp_path, reveal=False).items():
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{name} report leaks {leaked}"
        assert MASK in text, name
    data = json.loads((tmp_path / "r.json").read_text())
    checks = {c["id"]: c for c in data["checks"]}
    assert checks["cam:rtsp:cam-entree"]["probe"]["url"] == "rtsp://admin:***@10.10.30.10:554/live"
    assert checks["ad:dc"]["probe"]["password"] == MASK and checks["ad:dc"]["probe"]["user"].startswith("Administrator@")
    assert checks["smb:srv-files:compta:badpass"]["probe"]["password"] == MASK
    assert checks["ad:dc"]["evidence"]["data"]["password"] == MASK
    assert "rtsp://admin:***@10.10.30.10:554/live" in checks["cam:rtsp:cam-entree"]["evidence"]["sent"]
    assert len(data["checks"]) == len(suite.outcomes), "masking drops nothing"


def test_revealed_on_purpose(suite: SuiteResult, tmp_path: Path) -> None:
    probes = json.dumps([o.check.probe.model_dump(mode="json") for o in suite.outcomes])
    carried = {s for s in site_secrets() if s in probes} | {"Trunk#Martin2026"}
    in_urls = {"Entree-2026", "Archives-2026"}  # the terminal shows causes, which echo the cameras' URLs
    for name, text in _outputs(suite, tmp_path, reveal=True).items():
        missing = sorted(s for s in (in_urls if name == "terminal" else carried) if s not in text)
        assert not missing, f"{name} report hides {missing} although they were revealed"


def test_masking_leaves_the_result_itself_alone(suite: SuiteResult) -> None:
    masked = suite.masked()
    before = next(o for o in suite.outcomes if o.check.id == "ad:dc")
    after = next(o for o in masked.outcomes if o.check.id == "ad:dc")
    assert before.check.probe.model_dump()["password"] == "Adm1n!Cabinet2026", "the run keeps its credentials"
    assert after.check.probe.model_dump()["password"] == MASK
    assert [o.check.id for o in masked.outcomes] == [o.check.id for o in suite.outcomes]


@pytest.mark.parametrize(
    "name", ["password", "admin_password", "controller_password", "secret", "pw", "pwd", "key", "api_key", "token", "passphrase"]
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)
    assert mask({"user": "bob", name: "hunter22"}) == {"user": "bob", name: MASK}


@pytest.mark.parametrize("name", ["password_policy", "user", "keyboard", "monkey", "bypass", "passed", "kind"])
def test_not_secret_names(name: str) -> None:
    assert not is_secret_name(name)


def test_mask_recursive_urls_and_known_values() -> None:
    value: dict[str, Any] = {
        "users": [{"login": "amartin", "password": "Martin#2026"}, {"login": "x", "password": ""}],
        "policy": {"password_policy": {"min_length": 8}},
        "pins": {"pw": 1234},
        "url": "rtsp://admin:Entree-2026@10.10.30.10:554/live",
        "log": "ffprobe -i 'rtsp://admin:p@ss@cam/live' failed; http://user@host/ ok; then Martin#2026 again",
    }
    masked = mask(value)
    assert masked["users"] == [{"login": "amartin", "password": MASK}, {"login": "x", "password": ""}]
    assert masked["policy"] == {"password_policy": {"min_length": 8}} and masked["pins"] == {"pw": MASK}
    assert masked["url"] == "rtsp://admin:***@10.10.30.10:554/live"
    assert masked["log"] == "ffprobe -i 'rtsp://admin:***@cam/live' failed; http://user@host/ ok; then *** again"
    assert value["url"].endswith("Entree-2026@10.10.30.10:554/live"), "the input is not changed"


def test_short_known_values_are_not_searched_in_text() -> None:
    masker = Masker({"ab", "Long-enough"})
    assert masker.text("ab cab Long-enough") == "ab cab ***"
    assert masker({"password": "ab"}) == {"password": MASK}
