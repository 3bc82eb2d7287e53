"""Mail facts that follow from the site file alone: the server's address and names, the MX records the public DNS
must hold, where the provider keeps its files, and Dovecot's passwd-file."""

from __future__ import annotations

import hashlib
import os
from base64 import b64encode

from officelab.domains.mail.model import Mail, Mailbox
from officelab.domains.network.model import DnsZone
from officelab.site.model import NodeKind, Site
from officelab.site.topology import service_address

SUBMISSION, IMAPS, SMTP = 587, 993, 25
PASSWD = "dovecot/passwd"
"""Dovecot's passwd-file, under the provider's node directory (what a password fault edits)."""
MAIL_UID = 8
"""Mail is stored as Debian's `mail` user and group (uid and gid 8), for Postfix's virtual delivery and Dovecot."""


def mail_of(site: Site) -> Mail:
    assert site.mail is not None
    return site.mail


def server_address(site: Site) -> str:
    return service_address(site, mail_of(site).provider)


def public_zones(site: Site) -> dict[str, tuple[str, DnsZone]]:
    """Zone name → (the public DNS server holding it, the zone), over every resolver of the emulated internet."""
    zones: dict[str, tuple[str, DnsZone]] = {}
    for node in site.nodes:
        if node.kind.on_internet and node.services.dns is not None:
            for zone in node.services.dns.zones:
                zones.setdefault(zone.name, (node.name, zone))
    return zones


def zone_for(site: Site, fqdn: str) -> tuple[str, DnsZone, str] | None:
    """The public zone that holds ``fqdn`` (its longest suffix), its server, and ``fqdn``'s record name in it."""
    best: tuple[str, DnsZone, str] | None = None
    for name, (server, zone) in public_zones(site).items():
        if fqdn == name or fqdn.endswith(f".{name}"):
            relative = "@" if fqdn == name else fqdn[: -len(name) - 1]
            if best is None or len(name) > len(best[1].name):
                best = (server, zone, relative)
    return best


def mx_targets(site: Site, domain: str) -> list[str]:
    """The names the public DNS gives as the MX of ``domain`` (without preference, without the final dot)."""
    found = zone_for(site, domain)
    if found is None:
        return []
    _server, zone, relative = found
    return [r.value.split()[-1].rstrip(".").lower() for r in zone.records if r.type == "MX" and r.name == relative]


def a_records(site: Site, fqdn: str) -> list[str]:
    found = zone_for(site, fqdn)
    if found is None:
        return []
    _server, zone, relative = found
    return [r.value for r in zone.records if r.type == "A" and r.name == relative]


def server_names(site: Site) -> list[str]:
    """The names the server's certificate holds: its hostname, then every MX target of its domains."""
    m = mail_of(site)
    return list(dict.fromkeys([m.server_name, *(t for d in m.domains for t in mx_targets(site, d))]))


def is_provider_kind(kind: NodeKind) -> bool:
    return kind is NodeKind.PUBLIC_SERVER


def ring(mail: Mail) -> list[tuple[Mailbox, Mailbox]]:
    """Each mailbox with the one it writes to in the checks: the next one (the last writes to the first), so that
    every mailbox both sends and receives; a single mailbox writes to itself."""
    boxes = mail.mailboxes
    return [(box, boxes[(k + 1) % len(boxes)]) for k, box in enumerate(boxes)]


def password_hash(password: str, salt: bytes | None = None) -> str:
    """A Dovecot ``{SSHA512}`` password (SHA-512 of password and salt, then the salt, in base64), made here so that
    no password is ever on a command line."""
    salt = salt if salt is not None else os.urandom(8)
    return "{SSHA512}" + b64encode(hashlib.sha512(password.encode() + salt).digest() + salt).decode()


def passwd_line(box: Mailbox, password: str | None = None) -> str:
    """A passwd-file line: ``user:{scheme}hash:uid:gid::home::``, the home being the mailbox's Maildir."""
    user, domain = box.address.split("@", 1)
    return f"{box.address}:{password_hash(password or box.password)}:{MAIL_UID}:{MAIL_UID}::/{domain}/{user}::\n"


def quoted(value: str) -> str:
    """``value`` in s-nail's single quotes (sh-like: a ``'`` is closed, escaped and reopened)."""
    return "'" + value.replace("'", "'\\''") + "'"


def mailrc(site: Site, box: Mailbox) -> str:
    """A learner's ``~/.mailrc`` for s-nail on a node: submission on 587 with STARTTLS and AUTH, IMAPS for the
    inbox, both verifying the server's certificate against the lab's CA. s-nail looks a password up under the
    user's address (not percent-encoded) at the host, with the port when it is not the protocol's default."""
    host, user = mail_of(site).server_name, box.address.replace("@", "%40")
    sender = f"{box.name} <{box.address}>" if box.name else box.address
    return (
        "set v15-compat\n"
        "set tls-ca-file=/run/officelab/site-ca.pem tls-verify=strict\n"
        f"set from={quoted(sender)}\n"
        f"set mta=smtp://{user}@{host}:{SUBMISSION} smtp-use-starttls\n"
        f"set inbox=imaps://{user}@{host}\n"
        f"set password-{box.address}@{host}:{SUBMISSION}={quoted(box.password)}\n"
        f"set password-{box.address}@{host}={quoted(box.password)}\n"
    )
