"""Validation of the directory: a DC with a static address, unique groups and logins, known OUs and groups, joinable computers,
and no name that Samba AD already uses."""

from __future__ import annotations

from officelab.site.model import NodeKind
from officelab.site.validate import Validation

RESERVED_NAMES = frozenset(
    name.lower()
    for name in (
        # the accounts and groups of a freshly provisioned Samba AD domain (CN=Users and CN=Builtin)
        "Administrator",
        "Guest",
        "krbtgt",
        "Domain Admins",
        "Domain Users",
        "Domain Guests",
        "Domain Computers",
        "Domain Controllers",
        "Enterprise Admins",
        "Schema Admins",
        "Enterprise Read-only Domain Controllers",
        "Read-only Domain Controllers",
        "Cert Publishers",
        "Group Policy Creator Owners",
        "RAS and IAS Servers",
        "Allowed RODC Password Replication Group",
        "Denied RODC Password Replication Group",
        "Protected Users",
        "Key Admins",
        "Enterprise Key Admins",
        "DnsAdmins",
        "DnsUpdateProxy",
        "Administrators",
        "Users",
        "Guests",
        "Account Operators",
        "Server Operators",
        "Print Operators",
        "Backup Operators",
        "Replicator",
        "Remote Desktop Users",
        "Network Configuration Operators",
        "Performance Monitor Users",
        "Performance Log Users",
        "Distributed COM Users",
        "IIS_IUSRS",
        "Cryptographic Operators",
        "Event Log Readers",
        "Certificate Service DCOM Access",
        "Pre-Windows 2000 Compatible Access",
        "Incoming Forest Trust Builders",
        "Windows Authorization Access Group",
        "Terminal Server License Servers",
    )
)
"""Names Samba AD creates itself, compared case-insensitively (as AD compares account names)."""


def _reserved(name: str, controller: str) -> bool:
    """A name a user or group cannot take: a built-in one, or the DC's DNS account (``dns-<controller>``)."""
    return name.lower() in RESERVED_NAMES or name.lower() == f"dns-{controller}".lower()


def validate(v: Validation) -> None:
    d = v.site.directory
    if d is None:
        return
    base: tuple[str | int, ...] = ("directory",)
    dc = v.topo.nodes.get(d.controller)
    if dc is None:
        v.add((*base, "controller"), f"unknown node {d.controller!r}", "name the server that runs the domain controller")
    elif dc.kind is not NodeKind.SERVER or not any(i.address for i in dc.interfaces):
        v.add((*base, "controller"), f"{d.controller} must be a server with a static address", "give it `address:` on eth0")
    if d.domain == v.site.site.domain:
        v.add(
            (*base, "domain"),
            f"the AD domain must differ from the site's DNS domain {d.domain}",
            f"use a sub-domain such as ad.{d.domain}",
        )
    v.duplicates(((g.name.lower(), (*base, "groups", k, "name")) for k, g in enumerate(d.groups)), "group")
    v.duplicates(((u.login, (*base, "users", k, "login")) for k, u in enumerate(d.users)), "login")
    groups = {g.name for g in d.groups}
    lowered = {g.name.lower(): g.name for g in d.groups}
    for k, declared in enumerate(d.groups):
        if _reserved(declared.name, d.controller):
            v.add(
                (*base, "groups", k, "name"),
                f"{declared.name} is a name Samba AD already uses (a built-in account or group)",
                "AD creates it at provisioning: pick another name, e.g. `Compta` rather than `Users`",
            )
    for k, user in enumerate(d.users):
        if _reserved(user.login, d.controller):
            v.add(
                (*base, "users", k, "login"),
                f"{user.login} is a name Samba AD already uses (a built-in account or group)",
                "AD creates it at provisioning (the administrator's password is `admin_password`): pick another login",
            )
        elif user.login.lower() in lowered:
            v.add(
                (*base, "users", k, "login"),
                f"login {user.login} is also the name of the group {lowered[user.login.lower()]}",
                "users and groups share one name space in AD (sAMAccountName): rename the user or the group",
            )
        for m, group in enumerate(user.groups):
            if group not in groups:
                v.add((*base, "users", k, "groups", m), f"unknown group {group!r}", f"groups: {', '.join(sorted(groups)) or 'none'}")
        if user.workstation is not None and user.workstation not in d.computers:
            v.add(
                (*base, "users", k, "workstation"),
                f"{user.workstation!r} is not a computer joined to the domain",
                f"name one of `computers`: {', '.join(d.computers) or 'none'}",
            )
        if user.ou is not None and user.ou not in d.ous:
            v.add((*base, "users", k, "ou"), f"unknown OU {user.ou!r}", f"OUs: {', '.join(d.ous) or 'none'}")
        if len(user.password) < d.password_policy.min_length:
            v.add(
                (*base, "users", k, "password"),
                f"shorter than the password policy's {d.password_policy.min_length} characters",
                "use a longer password or lower `password_policy.min_length`",
            )
    for k, name in enumerate(d.computers):
        node = v.topo.nodes.get(name)
        if node is None:
            v.add((*base, "computers", k), f"unknown node {name!r}", "list nodes to join to the domain")
        elif node.kind not in (NodeKind.SERVER, NodeKind.WORKSTATION, NodeKind.LAPTOP):
            v.add((*base, "computers", k), f"a {node.kind} cannot join a domain", "join servers, workstations and laptops")
        elif name == d.controller:
            v.add((*base, "computers", k), "the controller is not joined to its own domain", "remove it from `computers`")
