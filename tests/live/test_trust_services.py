"""Names and answers other systems rely on, on the live default site: the MQTT broker's certificate is valid for the
name DNS gives it (a client checking the hostname connects by name), the PBX answers SIP OPTIONS to itself and to
its numbers with 200 like a production PBX, and every joined computer is in the DC's DNS with its address."""

from __future__ import annotations

import socket
import subprocess
import uuid
from collections.abc import Iterator

import dns.message
import dns.query
import dns.rdatatype
import pytest

from officelab.domains.directory.realise import member_fqdn, register_in_dns
from officelab.domains.network.facts import dc_address
from officelab.domains.telephony.facts import pbx_address, sip_domain
from officelab.runtime.lab import Lab
from officelab.runtime.place import NodePlace
from tests.live.leaks import booted

pytestmark = pytest.mark.live
LAB = "ttrust"


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    yield from booted(LAB)


def a_records(lab: Lab, node: str, name: str, server: str) -> list[str]:
    """The A records of ``name`` as ``server`` gives them to ``node`` (dnspython, from the node's namespace)."""
    with NodePlace(node, lab.context(node)).inside():
        answer = dns.query.udp(dns.message.make_query(name, "A"), server, timeout=3)
    return sorted(r.to_text() for rrset in answer.answer if rrset.rdtype == dns.rdatatype.A for r in rrset)


def resolver_of(lab: Lab, node: str) -> str:
    conf = (lab.dir.node_dir(node) / "etc" / "resolv.conf").read_text()
    return next(line.split()[1] for line in conf.splitlines() if line.startswith("nameserver"))


def addresses_of(lab: Lab, node: str) -> list[str]:
    out = lab.run(node, ["ip", "-4", "-o", "addr", "show", "scope", "global"]).stdout
    return sorted(line.split()[3].split("/")[0] for line in out.splitlines())


def mosquitto_sub(lab: Lab, node: str, host: str, password: str, *options: str) -> subprocess.CompletedProcess[str]:
    """The retained state of the thermostat, read with mosquitto_sub over TLS as the controller. mosquitto_sub checks
    that the broker's certificate names ``host`` unless told ``--insecure``."""
    argv = ["mosquitto_sub", "-h", host, "-p", "8883", "--cafile", "/run/officelab/mqtt-ca.pem", "-u", "controller", "-P", password]
    return lab.run(node, [*argv, *options, "-t", "cabinet-martin/thermostat/state", "-C", "1", "-W", "10"], timeout=20)


def test_mqtt_broker_by_its_dns_name_with_hostname_verification(lab: Lab) -> None:
    site = lab.site()
    a = site.automation
    assert a is not None
    fqdn = f"{a.broker}.{site.site.domain}"
    assert fqdn == "gtb.cabinet-martin.lan"
    assert a_records(lab, "thermostat", fqdn, resolver_of(lab, "thermostat")) == ["10.10.30.5"], "the lab's DNS names the broker"
    for node in (a.controller, "thermostat"):  # the controller, on the broker's node; a device, through the lab's DNS
        result = mosquitto_sub(lab, node, fqdn, a.controller_password)
        assert result.returncode == 0, f"{node}: {result.stderr}"
        assert '"temperature"' in result.stdout, result.stdout
    # The check is really on: by a name the certificate lacks (localhost reaches the same broker) the client refuses
    # the TLS session, and accepts it once told not to check the name.
    refused = mosquitto_sub(lab, a.controller, "localhost", a.controller_password)
    assert refused.returncode != 0 and "TLS error" in refused.stderr, (refused.returncode, refused.stderr)
    assert mosquitto_sub(lab, a.controller, "localhost", a.controller_password, "--insecure").returncode == 0


def sip_options(lab: Lab, node: str, pbx: str, uri: str) -> tuple[str, list[str]]:
    """An OPTIONS to ``uri`` sent to the PBX from ``node`` over UDP: the status line and the headers of the answer."""
    with NodePlace(node, lab.context(node)).inside(), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(3)
        sock.connect((pbx, 5060))
        host, port = sock.getsockname()
        request = (
            f"OPTIONS {uri} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {host}:{port};branch=z9hG4bK{uuid.uuid4().hex[:12]};rport\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:monitor@{host}>;tag={uuid.uuid4().hex[:8]}\r\n"
            f"To: <{uri}>\r\n"
            f"Call-ID: {uuid.uuid4().hex}@{host}\r\n"
            "CSeq: 1 OPTIONS\r\n"
            f"Contact: <sip:monitor@{host}:{port}>\r\n"
            "Accept: application/sdp\r\n"
            "Content-Length: 0\r\n\r\n"
        )
        sock.send(request.encode())
        lines = sock.recv(65535).decode(errors="replace").split("\r\n")
    return lines[0], lines[1:]


def test_pbx_answers_options_to_itself_and_to_its_numbers(lab: Lab) -> None:
    site = lab.site()
    pbx, domain = pbx_address(site), sip_domain(site)
    for uri in (f"sip:{pbx}", f"sip:{domain}", f"sip:101@{pbx}", f"sip:101@{domain}", f"sip:600@{domain}", f"sip:103@{domain}"):
        status, headers = sip_options(lab, "phone-101", pbx, uri)
        assert status == "SIP/2.0 200 OK", f"{uri}: {status}"
        allow = next((h for h in headers if h.lower().startswith("allow:")), "")
        assert "OPTIONS" in allow and "INVITE" in allow, f"{uri}: {headers}"
    status, _ = sip_options(lab, "phone-101", pbx, f"sip:999@{domain}")
    assert status == "SIP/2.0 404 Not Found", "a number the PBX does not serve"


def test_joined_computers_are_in_the_dc_dns(lab: Lab) -> None:
    site = lab.site()
    d = site.directory
    assert d is not None and d.computers
    dc = str(dc_address(site))
    for name in d.computers:
        fqdn = member_fqdn(d, name)
        assert a_records(lab, "pc-admin", fqdn, dc) == addresses_of(lab, name), f"{fqdn} in the DC's DNS"
        log = (lab.dir.node_dir(name) / "log" / "samba" / "join.log").read_text()
        # Joined now, or restored from the domain template and its record checked: either way said in the log.
        assert "Successfully registered hostname with DNS" in log or "checked, nothing to renew" in log, log
        assert "DNS update failed" not in log and "ERROR_DNS" not in log, log
    # A record gone (or wrong): the check done at each boot from a template puts it back, with the machine's account.
    name = "pc-compta-1"
    fqdn, address = member_fqdn(d, name), addresses_of(lab, name)[0]
    deleted = lab.run(
        d.controller, ["samba-tool", "dns", "delete", "127.0.0.1", d.domain, name, "A", address, "-U", f"Administrator%{d.admin_password}"]
    )
    assert deleted.returncode == 0, deleted.stderr
    assert a_records(lab, "pc-admin", fqdn, dc) == []
    register_in_dns(lab, lab.plan(), name, only_if_wrong=True)
    assert a_records(lab, "pc-admin", fqdn, dc) == [address]
