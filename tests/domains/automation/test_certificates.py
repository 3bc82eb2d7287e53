"""The MQTT broker's certificate names every way a client reaches it: the name the lab's DNS gives it, its short name
and its address (subjectAltName DNS and IP entries); a TLS client that checks the name (as paho and mosquitto_sub do)
accepts it by that name, and refuses it under a name it does not carry."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from cryptography import x509

from officelab.domains.automation.realise import broker_names, make_certificates
from officelab.site.loader import load_site

BROKER_IP = "10.10.30.5"


def sans(pem: Path) -> tuple[list[str], list[str]]:
    certificate = x509.load_pem_x509_certificate(pem.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return names.get_values_for_type(x509.DNSName), [str(a) for a in names.get_values_for_type(x509.IPAddress)]


def test_broker_names_on_the_default_site() -> None:
    site = load_site("cabinet-martin")
    assert site.automation is not None and site.automation.broker == "gtb"
    assert site.site.domain == "cabinet-martin.lan"
    assert broker_names(site) == ["gtb.cabinet-martin.lan", "gtb"], "the FQDN the lab's DNS answers, then the short name"


def test_broker_names_of_a_member_and_an_alias() -> None:
    site = load_site("cabinet-martin")
    assert site.directory is not None and site.automation is not None
    directory = site.directory.model_copy(update={"computers": [*site.directory.computers, "gtb"]})
    fw = site.node("fw")
    assert fw.services.dns is not None
    records = [*fw.services.dns.records, fw.services.dns.records[0].model_copy(update={"name": "mqtt", "type": "CNAME", "value": "gtb"})]
    dns = fw.services.dns.model_copy(update={"records": records})
    nodes = [n.model_copy(update={"services": n.services.model_copy(update={"dns": dns})}) if n.name == "fw" else n for n in site.nodes]
    variant = site.model_copy(update={"directory": directory, "nodes": nodes})
    assert broker_names(variant) == ["gtb.cabinet-martin.lan", "gtb.ad.cabinet-martin.lan", "mqtt.cabinet-martin.lan", "gtb"]


def test_certificate_names_fqdn_short_name_and_address(tmp_path: Path) -> None:
    make_certificates(tmp_path, BROKER_IP, "gtb", broker_names(load_site("cabinet-martin")))
    dns_names, addresses = sans(tmp_path / "broker.pem")
    assert dns_names == ["gtb.cabinet-martin.lan", "gtb"]
    assert addresses == [BROKER_IP]
    certificate = x509.load_pem_x509_certificate((tmp_path / "broker.pem").read_bytes())
    assert certificate.subject.rfc4514_string() == "CN=gtb.cabinet-martin.lan"
    assert IPv4Address(BROKER_IP) in [IPv4Address(a) for a in addresses]


def test_certificate_without_names_keeps_short_name_and_address(tmp_path: Path) -> None:
    make_certificates(tmp_path, BROKER_IP, "gtb")  # as tests/live/test_vdi.py makes "another CA's" certificate
    assert sans(tmp_path / "broker.pem") == (["gtb"], [BROKER_IP])


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_openssl_reads_the_same_subject_alt_names(tmp_path: Path) -> None:
    make_certificates(tmp_path, BROKER_IP, "gtb", ["gtb.cabinet-martin.lan"])
    shown = subprocess.run(
        ["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", str(tmp_path / "broker.pem")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "DNS:gtb.cabinet-martin.lan, DNS:gtb, IP Address:10.10.30.5" in shown
    verify = ["openssl", "verify", "-CAfile", str(tmp_path / "ca.pem"), "-verify_hostname", "gtb.cabinet-martin.lan"]
    verified = subprocess.run([*verify, str(tmp_path / "broker.pem")], capture_output=True, text=True, check=False)
    assert verified.returncode == 0, verified.stderr


def handshake(pki: Path, server_hostname: str) -> str:
    """A TLS handshake on loopback with the broker's certificate, the client checking the name (as paho does)."""
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(pki / "broker.pem", pki / "broker.key")
    client = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    assert client.check_hostname and client.verify_mode is ssl.CERT_REQUIRED
    with socket.create_server(("127.0.0.1", 0)) as listener:

        def serve() -> None:
            connection, _ = listener.accept()
            try:
                with server.wrap_socket(connection, server_side=True):
                    pass
            except (ssl.SSLError, OSError):
                pass

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        try:
            address = listener.getsockname()
            with socket.create_connection(address, timeout=5) as raw, client.wrap_socket(raw, server_hostname=server_hostname) as tls:
                return tls.version() or "?"
        finally:
            thread.join(5)


def test_a_client_checking_the_name_accepts_the_broker_by_its_fqdn(tmp_path: Path) -> None:
    make_certificates(tmp_path, BROKER_IP, "gtb", broker_names(load_site("cabinet-martin")))
    for name in ("gtb.cabinet-martin.lan", "gtb", BROKER_IP):
        assert handshake(tmp_path, name).startswith("TLS"), name
    with pytest.raises(ssl.SSLCertVerificationError, match=r"Hostname mismatch"):
        handshake(tmp_path, "srv-app.cabinet-martin.lan")
