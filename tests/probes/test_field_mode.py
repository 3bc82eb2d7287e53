"""Field mode: `officelab check --here PLAN` runs real probes from this machine. Tested against loopback only."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from officelab.core.deadline import wait_for
from tests.conftest import cli


@pytest.fixture(scope="module")
def web() -> Iterator[int]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><title>Intranet test</title>hello</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def dns_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real dnsmasq answering on 127.0.0.1 (a free high port), stopped at the end by its PID."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    directory = tmp_path_factory.mktemp("dns")
    proc = subprocess.Popen(
        [
            "dnsmasq",
            "-k",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--listen-address=127.0.0.1",
            "--bind-interfaces",
            f"--port={port}",
            "--address=/erp.client.test/127.0.0.42",
            "--user=root",
            f"--pid-file={directory}/pid",
            "--log-facility=-",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    assert wait_for(
        lambda: Path(f"/proc/{proc.pid}/net/udp").exists() and f":{port:04X}" in Path(f"/proc/{proc.pid}/net/udp").read_text(), 10
    )
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def test_plan_runs_from_this_machine(web: int, dns_server: int, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"""
name: client-durand
checks:
  - id: loopback
    title: La pile IP répond
    probe: {{kind: ping, target: 127.0.0.1}}
    criteria: [TRI-CT-C1]
  - id: dns
    title: Le DNS du client répond
    probe: {{kind: dns, name: erp.client.test, server: 127.0.0.1, port: {dns_server}, expect: 127.0.0.42}}
    criteria: [TAI-CP5-C3]
    depends: [loopback]
  - id: web
    title: L'intranet s'affiche
    probe: {{kind: http, url: "http://127.0.0.1:{web}/", contains: Intranet}}
    criteria: [TRI-CP1-C1]
    depends: [loopback]
  - id: closed
    title: Le port {closed} est fermé
    probe: {{kind: tcp, host: 127.0.0.1, port: {closed}}}
    expect: fail
    criteria: [TRI-CP4-C3]
""")
    out = tmp_path / "out.json"
    result = cli("check", "--here", str(plan), "--json", str(out), "--lang", "fr")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(out.read_text())
    status = {c["id"]: c["status"] for c in data["checks"]}
    assert status == {"loopback": "pass", "dns": "pass", "web": "pass", "closed": "pass"}
    closed_check = next(c for c in data["checks"] if c["id"] == "closed")
    assert "refused" in closed_check["cause"] and closed_check["expect"] == "blocked"
    assert data["site"] == "client-durand" and data["lab"] == "here"


def test_failing_plan_exits_1_and_names_the_cause(web: int, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"""
checks:
  - {{id: web, title: Mauvais contenu, probe: {{kind: http, url: "http://127.0.0.1:{web}/", contains: Comptabilité, timeout: 1}},
     criteria: [TRI-CP1-C1]}}
""")
    result = cli("check", "--here", str(plan), "--lang", "en")
    assert result.returncode == 1
    assert "the page lacks 'Comptabilité'" in result.stdout


def test_bad_plan_is_a_located_error(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("checks:\n  - id: x\n    title: t\n    probe: {kind: ping, targt: 1.2.3.4}\n")
    result = cli("check", "--here", str(plan))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{plan}:4: checks[0].probe.ping.targt: unknown key `targt`" in result.stderr or "targt" in result.stderr
