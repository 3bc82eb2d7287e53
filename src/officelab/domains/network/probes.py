"""The network probes: link, IP configuration, DHCP, ARP, ICMP, DNS, TCP, HTTP(S).

Each speaks the real protocol from the place it runs on and explains a failure at the layer it sits in
("no carrier on eth0", "no DHCP offer within 4 s on eth0"), not with an errno.
"""

from __future__ import annotations

import errno
import http.client
import ipaddress
import re
import socket
import ssl
from importlib import resources
from ipaddress import IPv4Interface
from urllib.parse import urlsplit

import dns.exception
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype
import dns.reversename
from pyroute2 import IPRoute

from officelab.domains.network.model import (
    ArpProbe,
    CommandProbe,
    DhcpProbe,
    DnsProbe,
    HttpProbe,
    IpConfigProbe,
    LinkProbe,
    PingProbe,
    TcpProbe,
)
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place

IFF_UP = 0x1


# ---------------------------------------------------------------------------- link and addressing
def _links(place: Place) -> dict[str, dict[str, object]]:
    with place.inside(), IPRoute() as ipr:
        return {
            str(link.get("ifname")): {
                "index": link["index"],
                "up": bool(link["flags"] & IFF_UP),
                "oper": link.get("operstate"),
                "mac": link.get("address"),
            }
            for link in ipr.get_links()
        }


@probe("link")
def link_probe(spec: LinkProbe, place: Place) -> ProbeResult:
    sent = f"netlink: state of {spec.interface}"
    link = _links(place).get(spec.interface)
    if link is None:
        return ProbeResult(False, Layer.PHYSICAL, f"no interface {spec.interface} on {place.name}", sent)
    received = f"{spec.interface}: admin {'up' if link['up'] else 'down'}, carrier {link['oper']}, MAC {link['mac']}"
    if not link["up"]:
        return ProbeResult(False, Layer.PHYSICAL, f"{spec.interface} is administratively down", sent, received)
    if link["oper"] != "UP":
        return ProbeResult(False, Layer.PHYSICAL, f"no carrier on {spec.interface}: cable unplugged or switch port down", sent, received)
    return ProbeResult(True, Layer.PHYSICAL, f"{spec.interface} is up with carrier", sent, received)


def _addresses_and_gateway(place: Place, interface: str) -> tuple[list[IPv4Interface], list[str]]:
    with place.inside(), IPRoute() as ipr:
        index = ipr.link_lookup(ifname=interface)
        if not index:
            return [], []
        addrs = [IPv4Interface(f"{a.get('IFA_ADDRESS')}/{a['prefixlen']}") for a in ipr.get_addr(index=index[0], family=2)]
        gateways = [str(r.get("RTA_GATEWAY")) for r in ipr.get_routes(family=2, table=254) if r["dst_len"] == 0 and r.get("RTA_GATEWAY")]
        return addrs, gateways


@probe("ipconfig")
def ipconfig_probe(spec: IpConfigProbe, place: Place) -> ProbeResult:
    addrs, gateways = _addresses_and_gateway(place, spec.interface)
    sent = f"netlink: addresses of {spec.interface} and default route"
    received = f"{', '.join(map(str, addrs)) or 'no IPv4 address'}; default via {', '.join(gateways) or 'none'}"
    if not addrs:
        what = "no DHCP lease" if spec.dhcp else "no address configured"
        return ProbeResult(False, Layer.NETWORK, f"{spec.interface} has no IPv4 address ({what})", sent, received)
    if spec.address is not None and all(a.ip != spec.address for a in addrs):
        return ProbeResult(False, Layer.NETWORK, f"{spec.interface} has {addrs[0]}, expected {spec.address}", sent, received)
    if spec.subnet is not None and all(a.ip not in spec.subnet for a in addrs):
        return ProbeResult(
            False, Layer.NETWORK, f"{spec.interface} has {addrs[0]}, outside the expected subnet {spec.subnet}", sent, received
        )
    planned = next((a for a in addrs if spec.subnet is not None and a.ip in spec.subnet), None)
    if planned is not None and spec.subnet is not None and planned.network.prefixlen != spec.subnet.prefixlen:
        return ProbeResult(
            False,
            Layer.NETWORK,
            f"{spec.interface} has {planned}: mask /{planned.network.prefixlen}, the plan's subnet is {spec.subnet}",
            sent,
            received,
        )
    if spec.gateway is not None and str(spec.gateway) not in gateways:
        return ProbeResult(
            False, Layer.NETWORK, f"default route is {', '.join(gateways) or 'missing'}, expected via {spec.gateway}", sent, received
        )
    if spec.dhcp:
        offer = dhcp_probe(DhcpProbe(interface=spec.interface, subnet=spec.subnet, gateway=spec.gateway, timeout=spec.timeout), place)
        if not offer.ok:
            return ProbeResult(False, offer.layer, offer.summary, f"{sent}; {offer.sent}", f"{received}; {offer.received}", data=offer.data)
        received += f"; {offer.received}"
    return ProbeResult(
        True,
        Layer.NETWORK,
        f"{spec.interface} configured: {addrs[0]}" + (f" via {gateways[0]}" if gateways else ""),
        sent,
        received,
        data={"address": str(addrs[0]), "gateways": gateways},
    )


def _udhcpc_report_script() -> str:
    return str(resources.files("officelab.domains.network") / "udhcpc-report.sh")


@probe("dhcp")
def dhcp_probe(spec: DhcpProbe, place: Place) -> ProbeResult:
    tries = max(1, int(spec.timeout))
    argv = ["busybox", "udhcpc", "-i", spec.interface, "-n", "-q", "-f", "-t", str(tries), "-T", "1", "-s", _udhcpc_report_script()]
    sent = f"DHCPDISCOVER on {spec.interface} (udhcpc, {tries} tries)"
    result = place.run(argv, timeout=spec.timeout + 3)
    offer = dict(re.findall(r"(\w+)=(\S*)", next((ln for ln in result.stdout.splitlines() if ln.startswith("OFFERED")), "")))
    if not offer.get("ip"):
        return ProbeResult(
            False,
            Layer.APPLICATION,
            f"no DHCP offer within {spec.timeout:.0f} s on {spec.interface}",
            sent,
            (result.stderr or result.stdout).strip()[-200:],
        )
    lease = IPv4Interface(f"{offer['ip']}/{offer.get('mask') or 32}")
    received = f"DHCPACK from {offer.get('serverid')}: {lease}, router {offer.get('router') or '-'}, DNS {offer.get('dns') or '-'}"
    data = {"lease": str(lease), "router": offer.get("router"), "dns": offer.get("dns"), "server": offer.get("serverid")}
    if spec.subnet is not None and lease.ip not in spec.subnet:
        return ProbeResult(
            False,
            Layer.DATALINK,
            f"DHCP answered with {lease.ip}, outside {spec.subnet}: {place.name}:{spec.interface} is in the wrong VLAN"
            " (or a rogue DHCP server answers)",
            sent,
            received,
            data=data,
        )
    if spec.gateway is not None and offer.get("router", "").split(" ")[0] != str(spec.gateway):
        return ProbeResult(
            False,
            Layer.APPLICATION,
            f"DHCP hands out router {offer.get('router') or 'none'}, expected {spec.gateway}",
            sent,
            received,
            data=data,
        )
    offered_dns = [d for d in (offer.get("dns") or "").split(",") if d]
    if spec.dns and offered_dns != [str(d) for d in spec.dns]:
        return ProbeResult(
            False,
            Layer.APPLICATION,
            f"DHCP hands out DNS {', '.join(offered_dns) or 'none'}, expected {', '.join(map(str, spec.dns))}",
            sent,
            received,
            data=data,
        )
    return ProbeResult(True, Layer.APPLICATION, f"DHCP lease {lease} from {offer.get('serverid')}", sent, received, data=data)


@probe("arp")
def arp_probe(spec: ArpProbe, place: Place) -> ProbeResult:
    wait = max(1, int(spec.timeout))
    argv = ["busybox", "arping", "-c", "1", "-w", str(wait), "-I", spec.interface, str(spec.target)]
    sent = f"ARP who-has {spec.target} on {spec.interface}"
    result = place.run(argv, timeout=spec.timeout + 3)
    match = re.search(r"reply from (\S+) \[([0-9a-fA-F:]+)\]", result.stdout)
    if result.returncode == 0 and match:
        return ProbeResult(
            True,
            Layer.DATALINK,
            f"{spec.target} is at {match[2]} on the same segment",
            sent,
            f"{match[1]} is-at {match[2]}",
            data={"mac": match[2]},
        )
    return ProbeResult(
        False, Layer.DATALINK, f"no ARP reply from {spec.target} on {spec.interface} within {wait} s", sent, result.stdout.strip()[-200:]
    )


# ---------------------------------------------------------------------------- ICMP
@probe("ping")
def ping_probe(spec: PingProbe, place: Place) -> ProbeResult:
    wait = max(1, int(spec.timeout))
    argv = ["ping", "-n", "-c", str(spec.count), "-W", str(wait), spec.target]
    sent = f"{spec.count} ICMP echo request(s) to {spec.target}"
    result = place.run(argv, timeout=spec.count * wait + 3)
    out = result.stdout + result.stderr
    reply = re.search(r"from (\S+): icmp_seq=\d+ ttl=(\d+) time=([\d.]+) ms", out)
    if result.returncode == 0 and reply:
        ttl = int(reply[2])
        return ProbeResult(
            True,
            Layer.NETWORK,
            f"{spec.target} answers in {reply[3]} ms (ttl {ttl})",
            sent,
            reply[0],
            data={"ttl": ttl, "rtt_ms": float(reply[3]), "from": reply[1].rstrip(":")},
        )
    if "Name or service not known" in out or "Temporary failure in name resolution" in out:
        return ProbeResult(False, Layer.APPLICATION, f"cannot resolve {spec.target}", sent, out.strip()[-200:])
    icmp_error = re.search(r"From (\S+) icmp_seq=\d+ (.+)", out)
    if icmp_error:
        return ProbeResult(False, Layer.NETWORK, f"{icmp_error[1]} answers: {icmp_error[2].strip()}", sent, icmp_error[0])
    if "Network is unreachable" in out:
        return ProbeResult(False, Layer.NETWORK, f"no route to {spec.target} (no default gateway?)", sent, out.strip()[-200:])
    return ProbeResult(False, Layer.NETWORK, f"no ICMP reply from {spec.target} within {wait} s", sent, out.strip()[-200:])


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
