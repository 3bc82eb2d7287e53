"""The ONVIF probe against the lab camera's ONVIF service, both on loopback: the real SOAP exchange, the
UsernameToken digest both ways, a refused password and a stream that is not the one expected."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from officelab.devices import onvif_service
from officelab.domains.video.model import OnvifProbe
from officelab.probes import run_probe
from officelab.probes.place import LocalPlace

CONFIG = {"name": "cam-test", "address": "127.0.0.1", "port": 554, "path": "/live", "width": 320, "height": 240, "fps": 10}


@pytest.fixture(scope="module")
def service() -> Iterator[str]:
    config = {**CONFIG, "user": "admin", "password": "Secret-2026", "onvif_port": 0}
    server: ThreadingHTTPServer = onvif_service.server(config, onvif_service.handler(config))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/onvif/device_service"
    server.shutdown()
    server.server_close()
    thread.join()


def test_stream_uri_with_the_right_password(service: str) -> None:
    result = run_probe(OnvifProbe(url=service, user="admin", password="Secret-2026", stream="rtsp://127.0.0.1:554/live"), LocalPlace())
    assert result.ok, result.summary
    assert "OfficeLab IP Camera (cam-test)" in result.summary and "rtsp://127.0.0.1:554/live" in result.summary


def test_wrong_password_is_refused(service: str) -> None:
    result = run_probe(OnvifProbe(url=service, user="admin", password="wrong-password"), LocalPlace())
    assert not result.ok and "refused the ONVIF credentials (NotAuthorized)" in result.summary


def test_another_stream_than_expected_fails(service: str) -> None:
    result = run_probe(OnvifProbe(url=service, user="admin", password="Secret-2026", stream="rtsp://127.0.0.1:554/other"), LocalPlace())
    assert not result.ok and "not the stream rtsp://127.0.0.1:554/other" in result.summary


def test_no_service_is_a_transport_failure() -> None:
    result = run_probe(OnvifProbe(url="http://127.0.0.1:9/onvif/device_service", user="a", password="b", timeout=2), LocalPlace())
    assert not result.ok and result.layer.value == "transport"
