"""Validation of the firewall: zones over known interfaces and VLANs, policies and rules between known zones, NAT."""

from __future__ import annotations

from officelab.domains.firewall.facts import tunnels
from officelab.domains.firewall.model import SELF
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    for i, node in enumerate(v.site.nodes):
        fw = node.services.firewall
        if fw is None:
            continue
        base: tuple[str | int, ...] = ("nodes", i, "services", "firewall")
        names = {n for n, _, _ in v.topo.l3_interfaces(node)} | set(tunnels(v.site, node))
        owner: dict[str, str] = {}
        for zone, members in fw.zones.items():
            for k, ref in enumerate(members.vlans):
                vlan = v.topo.vlan(ref)
                if vlan is None:
                    v.vlan_ref(ref, (*base, "zones", zone, "vlans", k))
                    continue
                subs = [n for n in names if n.endswith(f".{vlan.id}")]
                if not subs:
                    v.add(
                        (*base, "zones", zone, "vlans", k),
                        f"{node.name} has no interface in VLAN {vlan.name}",
                        "add the VLAN to the router's trunk interface `vlans`",
                    )
                for sub in subs:
                    if sub in owner:
                        v.add(
                            (*base, "zones", zone, "vlans", k),
                            f"{sub} is already in zone {owner[sub]}",
                            "an interface belongs to one zone",
                        )
                    owner[sub] = zone
            for k, ifname in enumerate(members.interfaces):
                if ifname not in names:
                    v.add(
                        (*base, "zones", zone, "interfaces", k),
                        f"{node.name} has no interface {ifname!r}",
                        f"its interfaces: {', '.join(sorted(names))}",
                    )
                elif ifname in owner:
                    v.add(
                        (*base, "zones", zone, "interfaces", k),
                        f"{ifname} is already in zone {owner[ifname]}",
                        "an interface belongs to one zone",
                    )
                owner[ifname] = zone
        zones = set(fw.zones)
        hint = f"zones: {', '.join(sorted(zones))}"
        if SELF in zones:
            v.add((*base, "zones", SELF), f"{SELF!r} names the firewall itself in rules, not a zone", "rename the zone")
        for k, policy in enumerate(fw.policies):
            for key, value in (("from", policy.from_), ("to", policy.to)):
                if value not in zones:
                    v.add((*base, "policies", k, key), f"unknown zone {value!r}", hint)
        for k, rule in enumerate(fw.rules):
            for key, value in (("from", rule.from_), ("to", rule.to)):
                if value not in zones and not (key == "to" and value == SELF):
                    v.add((*base, "rules", k, key), f"unknown zone {value!r}", f"{hint} (or `to: {SELF}`: the firewall itself)")
            if rule.ports and rule.proto not in ("tcp", "udp"):
                v.add((*base, "rules", k, "ports"), f"ports need proto tcp or udp, not {rule.proto}", "set `proto: tcp`")
        for k, masq in enumerate(fw.nat.masquerade):
            for key, value in [("out", masq.out), *(("sources", s) for s in masq.sources)]:
                if value not in zones:
                    v.add((*base, "nat", "masquerade", k, key), f"unknown zone {value!r}", hint)
        for k, fwd in enumerate(fw.nat.forwards):
            if fwd.zone not in zones:
                v.add((*base, "nat", "forwards", k, "zone"), f"unknown zone {fwd.zone!r}", hint)
            reachable = fwd.to in v.topo.fixed_addresses
            if not reachable:
                v.add((*base, "nat", "forwards", k, "to"), f"no node has address {fwd.to}", "forward to the static address of a server")
