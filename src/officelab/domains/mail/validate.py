"""Validation of mail: the provider is a public server of the emulated internet with a fixed address, and each
domain has an MX record in the public DNS whose name points to it (what Postfix would otherwise be found by)."""

from __future__ import annotations

from officelab.domains.mail.facts import a_records, is_provider_kind, mx_targets, public_zones, zone_for
from officelab.site.topology import fixed_address
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    m = v.site.mail
    if m is None:
        return
    node = v.topo.nodes.get(m.provider)
    address = fixed_address(node) if node is not None else None
    if node is None or not is_provider_kind(node.kind) or address is None:
        v.add(
            ("mail", "provider"),
            f"{m.provider!r} must be a public-server of the emulated internet with a fixed address",
            "name a node of kind `public-server` cabled to the internet switch (e.g. `mail` at 203.0.113.25)",
        )
        return
    if not public_zones(v.site):
        v.add(
            ("mail", "domains"),
            "the emulated internet has no public DNS zone: nobody could find the mail server",
            "add `services: {dns: {zones: [...]}}` on a public DNS server",
        )
        return
    for k, domain in enumerate(m.domains):
        found = zone_for(v.site, domain)
        if found is None:
            v.add(("mail", "domains", k), f"no public DNS zone holds {domain}", f"add a zone {domain} to the public DNS server")
            continue
        targets = mx_targets(v.site, domain)
        if not targets:
            v.add(
                ("mail", "domains", k),
                f"{domain} has no MX record in the public DNS",
                f'add `{{name: "@", type: MX, value: "10 {m.server_name}"}}` to the zone {found[1].name}',
            )
            continue
        for target in targets:
            if str(address) not in a_records(v.site, target):
                v.add(
                    ("mail", "domains", k),
                    f"{domain}'s MX {target} has no A record {address} (the provider's address)",
                    f"add `{{name: ..., value: {address}}}` for {target} in its public zone",
                )
