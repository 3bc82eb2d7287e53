"""The network probes of the lower layers: link, IP configuration (with duplicate address detection), DHCP,
ARP and ICMP, each explaining a failure at the layer it sits in ("no carrier on eth0", "no DHCP offer within 4 s
on eth0")."""

from __future__ import annotations

import re
from importlib import resources
from ipaddress import IPv4Interface

from pyroute2 import IPRoute

from officelab.domains.network.model import ArpProbe, DhcpProbe, IpConfigProbe, LinkProbe, PingProbe
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
    if spec.unique and spec.address is not None:
        other = _claimed_by_another(place, spec.interface, str(spec.address))
        if other:
            return ProbeResult(
                False,
                Layer.DATALINK,
                f"another host answers ARP for {spec.address} (MAC {other}): duplicate address on the segment",
                f"{sent}; ARP probe for {spec.address} from 0.0.0.0 (duplicate address detection)",
                f"{received}; {spec.address} is-at {other}",
                data={"duplicate_mac": other},
            )
        received += f"; no other host answers for {spec.address}"
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


def _claimed_by_another(place: Place, interface: str, address: str) -> str:
    """The MAC of another host answering ARP for ``address`` (RFC 5227 probe, sender 0.0.0.0), or ""."""
    result = place.run(["busybox", "arping", "-D", "-c", "2", "-w", "1", "-I", interface, address], timeout=5)
    match = re.search(r"reply from \S+ \[([0-9a-fA-F:]+)\]", result.stdout)
    return match[1].lower() if result.returncode != 0 and match else ""


def _script(name: str) -> str:
    return str(resources.files("officelab.domains.network") / name)


@probe("dhcp")
def dhcp_probe(spec: DhcpProbe, place: Place) -> ProbeResult:
    tries = max(1, int(spec.timeout))
    argv = ["busybox", "udhcpc", "-i", spec.interface, "-n", "-q", "-f", "-t", str(tries), "-T", "1", "-s", _script("udhcpc-report.sh")]
    sent = f"DHCPDISCOVER on {spec.interface} (udhcpc, {tries} tries)"
    if spec.servers:  # every server that answers is heard, not only the one whose offer is taken
        argv, sent = ["sh", _script("dhcp-watch.sh"), spec.interface, *argv], f"{sent}, listening for every answer"
    result = place.run(argv, timeout=spec.timeout + 10)
    answers = dict((ip, mac) for mac, ip in re.findall(r"^ANSWER (\S+) (\S+)$", result.stdout, flags=re.M))
    rogue = sorted(ip for ip in answers if ip not in {str(s) for s in spec.servers})
    if spec.servers and not answers and "OFFERED" in result.stdout:
        # The offer came but the witness heard nothing (it was not listening yet): no conclusion on rogues.
        return ProbeResult(False, Layer.APPLICATION, f"the DHCP answers on {spec.interface} were not heard (capture not ready)", sent)
    if spec.servers and rogue:
        return ProbeResult(
            False,
            Layer.APPLICATION,
            f"a DHCP server that is not the site's answers on {spec.interface}: {rogue[0]} (MAC {answers[rogue[0]]}): a rogue DHCP server",
            sent,
            ", ".join(f"{ip} ({mac})" for ip, mac in answers.items()),
            data={"rogue": rogue[0], "rogue_mac": answers[rogue[0]], "servers": sorted(answers)},
        )
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
    target = spec.target
    if spec.address_of is not None:  # a DHCP host: the address it holds now
        node, _, ifname = spec.address_of.partition(":")
        held = _addresses_and_gateway(place.neighbour(node), ifname)[0]
        if not held:
            return ProbeResult(False, Layer.NETWORK, f"{spec.address_of} holds no address to ping", f"addresses of {spec.address_of}")
        target = str(held[0].ip)
    argv = ["ping", "-n", "-c", str(spec.count), "-W", str(wait), target]
    sent = f"{spec.count} ICMP echo request(s) to {spec.target}" + (f" ({target})" if target != spec.target else "")
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
