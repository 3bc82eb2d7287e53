"""The zone firewall of a router, as an nftables ruleset (filter, NAT, port forwards)."""

from __future__ import annotations

from officelab.domains.firewall.facts import zone_interfaces, zone_subnets
from officelab.domains.firewall.model import SELF, Action
from officelab.runtime.plan import CommandPlan, FilePlan, LabPlan
from officelab.runtime.render import templates
from officelab.site.model import Node
from officelab.site.topology import Topology

render = templates(__name__)

_VERDICT = {Action.ACCEPT: "accept", Action.DROP: "drop", Action.REJECT: "reject with icmpx admin-prohibited"}


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    fw = node.services.firewall
    if fw is None:
        return
    ifaces = zone_interfaces(topo, node, fw)
    subnets = zone_subnets(topo, node, fw)
    var = {zone: f"zone_{zone.replace('-', '_')}" for zone in fw.zones if ifaces[zone]}
    zones = [{"name": z, "var": var[z], "interfaces": ifaces[z], "input": fw.zones[z].input} for z in fw.zones if z in var]
    uplinks = {name for name, iface, _ in topo.l3_interfaces(node) if iface.gateway is not None}
    internal = [n for z in var for n in ifaces[z] if n not in uplinks and "wan" not in z]
    rules = [
        {
            "name": r.name,
            "from_var": var[r.from_],
            "to_var": var.get(r.to),
            "proto": r.proto,
            "ports": r.ports,
            "destination": r.destination,
            "verdict": _VERDICT[r.action],
        }
        for r in fw.rules
        if r.from_ in var and (r.to in var or r.to == SELF)
    ]
    policies = [
        {"from_": p.from_, "to": p.to, "from_var": var[p.from_], "to_var": var[p.to], "verdict": _VERDICT[p.action]}
        for p in fw.policies
        if p.from_ in var and p.to in var
    ]
    masquerade = []
    for m in fw.nat.masquerade:
        sources = m.sources or [z for z in fw.zones if z != m.out]
        nets = [net for z in sources for net in subnets.get(z, [])]
        if m.out in var and nets:
            masquerade.append({"out": m.out, "out_var": var[m.out], "sources": nets})
    forwards = [
        {
            "name": f.name,
            "zone_var": var[f.zone],
            "proto": f.proto,
            "port": f"{f.port}-{f.port_end}" if f.port_end else f.port,
            "to": f.to if f.port_end else f"{f.to}:{f.to_port or f.port}",
        }
        for f in fw.nat.forwards
        if f.zone in var
    ]
    ruleset = render(
        "firewall.nft.j2",
        node=node.name,
        zones=zones,
        rules=rules,
        policies=policies,
        masquerade=masquerade,
        forwards=forwards,
        default=fw.default.value,
        default_verdict=_VERDICT[fw.default],
        internal_ifaces=internal,
        dhcp_ifaces=internal if node.services.dhcp else [],
        dns_ifaces=internal if node.services.dns else [],
    )
    plan.files.append(FilePlan(node.name, "firewall.nft", ruleset))
    plan.commands.append(CommandPlan(node.name, ("nft", "-f", str(plan.node_dir(node.name) / "firewall.nft")), "firewall ruleset"))
