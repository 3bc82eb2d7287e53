"""Field mode (`officelab diagnose --here`), on loopback: the walk from this machine, its steps and its conclusion."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from officelab.cli.app import build_app
from officelab.diagnosis.field import diagnose_here


class Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 200 if self.path == "/" else 404
        body = b"Intranet" if status == 200 else b"no such page"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def web() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join(5)


def closed_port() -> int:
    """A loopback port nothing listens on (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_working_page_passes_every_layer(web: int) -> None:
    d = diagnose_here(f"http://127.0.0.1:{web}/")
    assert not d.found, d.cause_en
    kinds = [s.probe for s in d.steps if s.probe]
    assert kinds == ["link", "ipconfig", "tcp", "http"], "bottom-up: link, address, transport, page (no gateway on loopback)"
    assert d.steps[0].title_en == "lo link" and "LOWER_UP" in d.steps[0].evidence
    assert "127.0.0.1/8" in d.steps[1].evidence
    assert d.probes == 4 and d.steps[-1].title_en == "conclusion"


def test_nothing_listening_stops_at_the_transport(web: int) -> None:
    port = closed_port()
    d = diagnose_here(f"127.0.0.1:{port}")
    assert d.found and d.where == "127.0.0.1"
    assert d.steps[-1].probe == "tcp" and not d.steps[-1].ok
    assert "does not answer (tcp/" in d.cause_en and "ne répond pas" in d.cause_fr


def test_a_missing_page_is_the_application(web: int) -> None:
    d = diagnose_here(f"http://localhost:{web}/missing")
    assert d.steps[0].probe == "dns" and "127.0.0.1" in d.steps[0].evidence, "the hosts file resolves localhost"
    assert d.found and d.steps[-1].probe == "http" and "web server answers" in d.cause_en


def test_the_cli_walks_here_and_exits_1_on_a_cause(web: int) -> None:
    runner = CliRunner()
    ok = runner.invoke(build_app(), ["diagnose", "--here", f"http://127.0.0.1:{web}/", "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    assert "every layer works from this machine" in ok.output
    broken = runner.invoke(build_app(), ["diagnose", "--here", f"127.0.0.1:{closed_port()}", "--json"])
    assert broken.exit_code == 1 and '"found": true' in broken.output
    both = runner.invoke(build_app(), ["diagnose", "--here", "pc-1", "srv-1"])
    assert both.exit_code == 2 and "only the TARGET" in both.output
