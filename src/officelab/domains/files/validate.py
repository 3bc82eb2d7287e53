"""Validation of file servers: members of the domain, unique shares, rights given to known groups."""

from __future__ import annotations

from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    d = v.site.directory
    groups = {g.name for g in d.groups} if d else set()
    for i, node in enumerate(v.site.nodes):
        if node.services.files is None:
            continue
        base: tuple[str | int, ...] = ("nodes", i, "services")
        if d is None or node.name not in d.computers:
            v.add(
                base,
                f"{node.name} serves shares with AD rights but is not a domain member",
                "add a `directory:` section and list this node in `directory.computers`",
            )
        shares = node.services.files.shares
        v.duplicates(((s.name, (*base, "files", "shares", k, "name")) for k, s in enumerate(shares)), "share")
        for k, share in enumerate(shares):
            for group in share.rights:
                if group not in groups:
                    v.add(
                        (*base, "files", "shares", k, "rights", group),
                        f"unknown group {group!r}",
                        f"groups of the directory: {', '.join(sorted(groups)) or 'none'}",
                    )
