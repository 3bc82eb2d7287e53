"""Validation of telephony: the PBX, phones, numbers that lead somewhere, the trunk and its operator."""

from __future__ import annotations

from officelab.domains.firewall.facts import nat_address
from officelab.domains.telephony.model import Trunk
from officelab.site.model import NodeKind
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    t = v.site.telephony
    if t is None:
        return
    pbx = v.topo.nodes.get(t.pbx)
    if pbx is None or not any(i.address for i in pbx.interfaces):
        v.add(("telephony", "pbx"), f"{t.pbx!r} is not a node with a static address", "the PBX is a server with a fixed address")
    numbers = {e.number for e in t.extensions}
    dialable = numbers | {g.number for g in t.ring_groups}
    known = ", ".join(sorted(dialable))
    for k, ext in enumerate(t.extensions):
        if ext.phone is not None:
            node = v.topo.nodes.get(ext.phone)
            if node is None or node.kind is not NodeKind.PHONE:
                v.add(("telephony", "extensions", k, "phone"), f"{ext.phone!r} is not a phone of the site", "name a node of kind phone")
        for key in ("forward", "forward_busy", "forward_no_answer"):
            target = getattr(ext, key)
            if target is not None and target not in dialable:
                v.add(("telephony", "extensions", k, key), f"no extension or ring group {target}", f"numbers: {known}")
        if ext.answer == "manual" and ext.phone is None:
            v.add(("telephony", "extensions", k, "answer"), "only a lab phone has an answer mode", "give it a `phone:` or remove `answer`")
    v.duplicates(
        [(e.number, ("telephony", "extensions", k, "number")) for k, e in enumerate(t.extensions)]
        + [(g.number, ("telephony", "ring_groups", k, "number")) for k, g in enumerate(t.ring_groups)],
        "number",
    )
    for k, group in enumerate(t.ring_groups):
        for m, member in enumerate(group.members):
            if member not in numbers:
                v.add(("telephony", "ring_groups", k, "members", m), f"no extension {member}", f"extensions: {', '.join(sorted(numbers))}")
    if t.trunk is not None:
        _trunk(v, t.trunk, dialable, known)


def _trunk(v: Validation, trunk: Trunk, dialable: set[str], known: str) -> None:
    base: tuple[str | int, ...] = ("telephony", "trunk")
    operator = v.topo.nodes.get(trunk.operator)
    if operator is None or not operator.kind.on_internet or not any(i.address for i in operator.interfaces):
        v.add(
            (*base, "operator"),
            f"{trunk.operator!r} is not a node of the emulated internet with a fixed address",
            "name a public-server node (kind: public-server) for the operator",
        )
    if not trunk.public_address and nat_address(v.site) is None:
        v.add((*base, "public_address"), "no router masquerades the site's traffic", "set `public_address:` to the PBX's public address")
    v.duplicates(((d.number, (*base, "numbers", k, "number")) for k, d in enumerate(trunk.numbers)), "public number")
    v.duplicates(((s.number, (*base, "subscribers", k, "number")) for k, s in enumerate(trunk.subscribers)), "subscriber")
    for k, did in enumerate(trunk.numbers):
        if did.to not in dialable:
            v.add((*base, "numbers", k, "to"), f"no extension or ring group {did.to}", f"numbers: {known}")
    for k, sub in enumerate(trunk.subscribers):
        if sub.number in {d.number for d in trunk.numbers}:
            v.add(
                (*base, "subscribers", k, "number"),
                f"{sub.number} is one of the site's own numbers",
                "give the subscriber another number",
            )
    internal = [e.number for e in v.site.telephony.extensions] if v.site.telephony else []
    for number in internal:
        if number.startswith(trunk.prefix):
            v.add(
                (*base, "prefix"),
                f"extension {number} starts with the external prefix {trunk.prefix}",
                "choose a prefix no internal number starts with (usually 0)",
            )
            break
