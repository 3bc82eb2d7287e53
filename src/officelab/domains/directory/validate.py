"""Validation of the directory: a DC with a static address, unique groups and logins, known OUs and groups, joinable computers."""

from __future__ import annotations

from officelab.site.model import NodeKind
from officelab.site.validate import Validation


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
    for k, user in enumerate(d.users):
        for m, group in enumerate(user.groups):
            if group not in groups:
                v.add((*base, "users", k, "groups", m), f"unknown group {group!r}", f"groups: {', '.join(sorted(groups)) or 'none'}")
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
