"""The network probes of the upper layers: DNS, TCP, HTTP(S) and a command of the trade, each speaking the real
protocol from the place it runs on and explaining a failure as a technician would, not with an errno."""

from __future__ import annotations

import errno
import http.client
import ipaddress
import re
import socket
import ssl
from urllib.parse import urlsplit

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.reversename

from officelab.domains.network.model import CommandProbe, DnsProbe, HttpProbe, TcpProbe
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place


# ---------------------------------------------------------------------------- DNS
def nameservers(place: Place) -> list[str]:
    return re.findall(r"^\s*nameserver\s+(\S+)", place.resolv_conf(), flags=re.M)


def _ask(place: Place, name: str, rdtype: str, server: str, timeout: float, port: int = 53) -> dns.message.Message:
    qname = dns.reversename.from_address(name) if rdtype == "PTR" and _is_ip(name) else dns.name.from_text(_qualify(place, name))
    query = dns.message.make_query(qname, rdtype)
    with place.inside():
        return dns.query.udp(query, server, timeout=timeout, port=port)


def _qualify(place: Place, name: str) -> str:
    if "." in name.rstrip("."):
        return name
    search = re.findall(r"^\s*(?:search|domain)\s+(\S+)", place.resolv_conf(), flags=re.M)
    return f"{name}.{search[0]}" if search else name


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def resolve(place: Place, host: str, timeout: float) -> str:
    """The IPv4 address of ``host`` as the place's own resolver gives it (an address is returned as is)."""
    if _is_ip(host):
        return host
    servers = nameservers(place)
    if not servers:
        raise LookupError(f"no DNS server configured on {place.name}")
    answer = _ask(place, host, "A", servers[0], timeout)
    for rrset in answer.answer:
        for rdata in rrset:
            if rdata.rdtype == dns.rdatatype.A:
                return str(rdata.address)
    raise LookupError(f"{host} does not resolve ({dns.rcode.to_text(answer.rcode())})")


def address_of(place: Place, host: str, timeout: float) -> str | ProbeResult:
    """``host``'s address as the place's resolver gives it, or the failed result to return (a name that does not resolve)."""
    try:
        return resolve(place, host, timeout)
    except (LookupError, dns.exception.DNSException, OSError) as exc:
        return ProbeResult(False, Layer.APPLICATION, f"cannot resolve {host}: {exc}", f"DNS A {host}?")


@probe("dns")
def dns_probe(spec: DnsProbe, place: Place) -> ProbeResult:
    server = str(spec.server) if spec.server else (nameservers(place) or [""])[0]
    if not server:
        return ProbeResult(False, Layer.APPLICATION, f"no DNS server configured on {place.name}", "", "")
    sent = f"DNS {spec.type} {spec.name}? to {server}:{spec.port}"
    try:
        answer = _ask(place, spec.name, spec.type, server, spec.timeout, spec.port)
    except dns.exception.Timeout:
        return ProbeResult(False, Layer.APPLICATION, f"no answer from DNS server {server} within {spec.timeout:.0f} s", sent, "")
    except OSError as exc:
        return ProbeResult(False, Layer.NETWORK, f"cannot reach DNS server {server}: {exc.strerror}", sent, "")
    values = [rdata.to_text() for rrset in answer.answer for rdata in rrset]
    received = f"{dns.rcode.to_text(answer.rcode())}: {', '.join(values) or 'no records'}"
    if answer.rcode() == dns.rcode.NXDOMAIN:
        return ProbeResult(False, Layer.APPLICATION, f"{spec.name} does not exist (NXDOMAIN from {server})", sent, received)
    if answer.rcode() != dns.rcode.NOERROR:
        rcode = dns.rcode.to_text(answer.rcode())
        return ProbeResult(False, Layer.APPLICATION, f"{server} answered {rcode} for {spec.name}", sent, received)
    if not values:
        return ProbeResult(False, Layer.APPLICATION, f"{spec.name} has no {spec.type} record", sent, received)
    if spec.expect and not any(spec.expect.rstrip(".") in v for v in values):
        return ProbeResult(
            False,
            Layer.APPLICATION,
            f"{spec.name} {spec.type} is {', '.join(values)}, expected {spec.expect}",
            sent,
            received,
            data={"answers": values},
        )
    return ProbeResult(True, Layer.APPLICATION, f"{spec.name} {spec.type} {', '.join(values)}", sent, received, data={"answers": values})


# ---------------------------------------------------------------------------- TCP and HTTP
def _connect_failure(exc: OSError, target: str, timeout: float) -> ProbeResult:
    if isinstance(exc, TimeoutError | socket.timeout):
        return ProbeResult(False, Layer.TRANSPORT, f"no answer from {target} within {timeout:.0f} s (filtered by a firewall, or host down)")
    if exc.errno == errno.ECONNREFUSED:
        return ProbeResult(False, Layer.TRANSPORT, f"{target} refused the connection (port closed, or rejected by a firewall)")
    if exc.errno == errno.EHOSTUNREACH:
        return ProbeResult(False, Layer.NETWORK, f"{target} unreachable (ICMP host unreachable or prohibited)")
    if exc.errno == errno.ENETUNREACH:
        return ProbeResult(False, Layer.NETWORK, f"no route to {target}")
    return ProbeResult(False, Layer.TRANSPORT, f"cannot connect to {target}: {exc.strerror or exc}")


@probe("tcp")
def tcp_probe(spec: TcpProbe, place: Place) -> ProbeResult:
    address = address_of(place, spec.host, spec.timeout)
    if isinstance(address, ProbeResult):
        return address
    target = f"{address}:{spec.port}"
    sent = f"TCP SYN to {target}"
    try:
        with place.inside(), socket.create_connection((address, spec.port), timeout=spec.timeout) as sock:
            local = "{}:{}".format(*sock.getsockname()[:2])
    except OSError as exc:
        failure = _connect_failure(exc, target, spec.timeout)
        failure.sent = sent
        return failure
    return ProbeResult(True, Layer.TRANSPORT, f"{target} accepts connections", sent, f"SYN-ACK (from {local})")


@probe("http")
def http_probe(spec: HttpProbe, place: Place) -> ProbeResult:
    url = urlsplit(spec.url)
    host = url.hostname or ""
    port = url.port or (443 if url.scheme == "https" else 80)
    address = address_of(place, host, spec.timeout)
    if isinstance(address, ProbeResult):
        return address
    path = (url.path or "/") + (f"?{url.query}" if url.query else "")
    sent = f"GET {path} Host: {host} to {address}:{port} ({url.scheme})"
    connection: http.client.HTTPConnection
    if url.scheme == "https":
        context = ssl.create_default_context() if spec.verify_tls else ssl._create_unverified_context()
        connection = http.client.HTTPSConnection(address, port, timeout=spec.timeout, context=context)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=spec.timeout)
    try:
        with place.inside():
            connection.connect()
        connection.request("GET", path, headers={"Host": host, "User-Agent": "officelab-probe"})
        response = connection.getresponse()
        body = response.read(65536).decode(errors="replace")
    except OSError as exc:
        failure = _connect_failure(exc, f"{address}:{port}", spec.timeout)
        failure.sent = sent
        return failure
    except http.client.HTTPException as exc:
        return ProbeResult(False, Layer.APPLICATION, f"bad HTTP answer from {host}: {exc}", sent)
    finally:
        connection.close()
    title = re.search(r"<title>(.*?)</title>", body, flags=re.S | re.I)
    received = f"HTTP {response.status} {response.reason}, {len(body)} bytes" + (f", title {title[1].strip()!r}" if title else "")
    data = {"status": response.status, "address": address}
    if response.status != spec.status:
        summary = f"{spec.url} answered {response.status}, expected {spec.status}"
        return ProbeResult(False, Layer.APPLICATION, summary, sent, received, data=data)
    if spec.contains and spec.contains not in body:
        summary = f"{spec.url} answered, but the page lacks {spec.contains!r}"
        return ProbeResult(False, Layer.APPLICATION, summary, sent, received, data=data)
    return ProbeResult(True, Layer.APPLICATION, f"{spec.url} answered {response.status}", sent, received, data=data)


@probe("command")
def command_probe(spec: CommandProbe, place: Place) -> ProbeResult:
    result = place.run(list(spec.argv), timeout=spec.timeout + 5)
    out = (result.stdout + result.stderr).strip()
    sent = " ".join(spec.argv)
    layer = Layer(spec.layer)
    if result.returncode != 0:
        return ProbeResult(False, layer, f"`{sent}` failed: {out.splitlines()[-1] if out else result.returncode}", sent, out[-300:])
    if spec.expect and spec.expect not in out:
        return ProbeResult(False, layer, f"`{sent}` did not say {spec.expect!r}", sent, out[-300:])
    return ProbeResult(True, layer, f"`{sent}`: {out.splitlines()[0] if out else 'ok'}", sent, out[-300:])
