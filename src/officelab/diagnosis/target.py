"""What a diagnosis goes towards, read from the technician's words: a host name, an FQDN, an address, a URL, a
service of the site (``print:Compta``, ``share:compta``, ``call:102``, ``camera:cam-entree``,
``mqtt:thermostat``, ``backup:partages``) or a check id; with what the site's design says about it (its node, its address, the port
and protocol its service answers on, and the derived checks that prove the service)."""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address
from urllib.parse import urlsplit

from officelab.core.errors import OfficeLabError
from officelab.recette.derive import derive_suite
from officelab.recette.model import Check
from officelab.site.model import Site
from officelab.site.topology import fixed_address


@dataclass
class Target:
    text: str
    host: str = ""  # what is reached: a name or an address ("" for a check with no host of its own)
    name: str = ""  # a name to resolve first ("" for an address)
    node: str = ""  # the site's node it is, when the site has it
    address: IPv4Address | None = None  # its planned address, when the site knows it
    proto: str = "icmp"  # tcp | udp | icmp: how its service is reached
    port: int | None = None
    url: str = ""
    checks: list[Check] = field(default_factory=list)  # the service's derived checks


def node_at(site: Site, address: IPv4Address) -> str:
    for node in site.nodes:
        for iface in node.interfaces:
            if (iface.address is not None and iface.address.ip == address) or iface.reserve == address:
                return node.name
        if node.management is not None and node.management.address.ip == address:
            return node.name
    return ""


def _planned(site: Site, node: str) -> IPv4Address | None:
    found = site.node(node)
    return fixed_address(found, reserved=True) or (found.management.address.ip if found.management else None)


def _of_node(site: Site, text: str, node: str, proto: str, port: int | None, checks: list[Check]) -> Target:
    fqdn = f"{node}.{site.site.domain}"
    return Target(text, host=fqdn, name=fqdn, node=node, address=_planned(site, node), proto=proto, port=port, checks=checks)


def _service(site: Site, text: str, kind: str, what: str, checks: list[Check]) -> Target:
    def prefixed(prefix: str) -> list[Check]:
        return [c for c in checks if c.id.startswith(prefix) and c.expect]

    if kind == "print":
        server = next((n.name for n in site.nodes if n.services.print and any(q.name == what for q in n.services.print.queues)), "")
        if server:
            return _of_node(site, text, server, "tcp", 631, prefixed(f"print:{what}:"))
    elif kind == "share":
        server = next((n.name for n in site.nodes if n.services.files and any(s.name == what for s in n.services.files.shares)), "")
        if server:
            return _of_node(site, text, server, "tcp", 445, prefixed(f"smb:{server}:{what}:"))
    elif kind == "call" and site.telephony is not None:
        calls = [c for c in checks if c.id.startswith("sip:") and c.id.endswith(f"->{what}") and c.expect]
        return _of_node(site, text, site.telephony.pbx, "udp", 5060, calls)
    elif kind == "camera" and site.video is not None and what in {c.node for c in site.video.cameras}:
        return _of_node(site, text, what, "tcp", 554, prefixed(f"cam:rtsp:{what}"))
    elif kind == "backup" and any(j.name == what for j in site.backups):
        job = next(j for j in site.backups if j.name == what)
        return _of_node(site, text, job.target, "tcp", 22, prefixed(f"backup:{what}"))  # its repository, over SFTP
    elif kind == "mqtt" and site.automation is not None and what in {d.name for d in site.automation.devices}:
        port = 8883 if site.automation.tls else 1883
        return _of_node(site, text, site.automation.broker, "tcp", port, prefixed(f"mqtt:data:{what}"))
    raise OfficeLabError(f"{text}: no {kind} {what!r} on this site")


def _of_check(site: Site, text: str, check: Check) -> Target:
    """A check as a target: the host its probe addresses (its ``server``, ``host``, ``target`` or URL), reached
    on its port, and the check itself as the service's proof."""
    fields = check.probe.model_dump()
    host = next((str(fields[k]) for k in ("server", "host", "target") if fields.get(k)), "")
    url = next((str(fields[k]) for k in ("url", "printer") if fields.get(k)), "")
    port = fields.get("port") if isinstance(fields.get("port"), int) else None
    if url and not host:
        parts = urlsplit(url)
        host, port = parts.hostname or "", port or parts.port or {"rtsp": 554, "ipp": 631, "http": 80, "https": 443}.get(parts.scheme)
    proto = "udp" if check.probe.kind.startswith("sip") else ("tcp" if port else "icmp")
    try:
        address: IPv4Address | None = IPv4Address(host)
    except ValueError:
        address = None
    node = node_at(site, address) if address else host.split(".")[0]
    node = node if node in {n.name for n in site.nodes} else ""
    name = host if host and address is None else ""
    return Target(
        text,
        host=host,
        name=name,
        node=node,
        address=address or (_planned(site, node) if node else None),
        proto=proto,
        port=port if proto == "tcp" else None,
        checks=[check],
    )


def who(site: Site, source: str) -> tuple[str, str | None]:
    """Where a diagnosis starts: a node, or an AD user's workstation; with the user's login (None for a node)."""
    if source in {n.name for n in site.nodes}:
        return source, None
    user = next((u for u in site.directory.users if u.login == source), None) if site.directory else None
    if user is None:
        raise OfficeLabError(f"{source!r} is neither a node nor a user of the site's directory")
    if user.workstation is None:
        raise OfficeLabError(f"user {source} has no workstation in the site: add `workstation: NODE` to the user in the site file")
    return user.workstation, user.login


def for_user(target: Target, login: str) -> None:
    """Keep the service checks that are this user's (their share rights, their print job), when there are any."""
    mine = [c for c in target.checks if f":{login}:" in f"{c.id}:"]
    if mine:
        target.checks = mine


def resolve(site: Site, text: str) -> Target:
    """The target ``text`` means on ``site``; refused with the forms it may take."""
    checks = derive_suite(site)
    by_id = {c.id: c for c in checks}
    kind, sep, what = text.partition(":")
    if text in by_id and kind == "backup":
        return _service(site, text, kind, what, checks)  # a command on the source: what it reaches is the target's SFTP
    if text in by_id:
        return _of_check(site, text, by_id[text])
    if text.startswith(("http://", "https://")):
        parts = urlsplit(text)
        host = parts.hostname or ""
        target = resolve(site, host) if host else Target(text)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return Target(text, host=host, name=target.name, node=target.node, address=target.address, proto="tcp", port=port, url=text)
    if sep and kind in ("print", "share", "call", "camera", "mqtt", "backup"):
        return _service(site, text, kind, what, checks)
    try:
        address = IPv4Address(text)
    except ValueError:
        address = None
    if address is not None:
        return Target(text, host=text, node=node_at(site, address), address=address)
    domain = f".{site.site.domain}"
    short = text.removesuffix(domain)
    if short in {n.name for n in site.nodes}:
        return _of_node(site, text, short, "icmp", None, [])
    if "." in text:
        return Target(text, host=text, name=text)
    forms = "a node, an FQDN, an address, a URL, print:QUEUE, share:NAME, call:NUMBER, camera:NODE, mqtt:DEVICE, backup:JOB or a check id"
    raise OfficeLabError(f"{text!r} is nothing this site has: give {forms}")
