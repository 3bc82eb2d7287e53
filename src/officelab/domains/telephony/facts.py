"""The telephony facts that follow from the site file alone: who answers a number and by which path, the PBX's
and the operator's addresses and ports, each party's test tone, and the probe that proves a call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from officelab.domains.firewall.facts import nat_address
from officelab.domains.telephony.model import Extension, SipCallProbe, Subscriber, Telephony, Trunk
from officelab.site.model import Site
from officelab.site.topology import service_address

Answerer = Extension | Subscriber | Literal["voicemail"]


Forwards = dict[str, dict[str, str]]  # "always" | "busy" | "no-answer" → extension → number


def site_forwards(t: Telephony) -> Forwards:
    """The forwarding the site file sets, in the shape the PBX holds it live."""
    return {
        when: {e.number: target for e in t.extensions if (target := getattr(e, key)) is not None}
        for when, key in (("always", "forward"), ("busy", "forward_busy"), ("no-answer", "forward_no_answer"))
    }


def route_call(
    t: Telephony, number: str, forwards: Forwards | None = None, busy: frozenset[str] = frozenset(), hops: int = 0
) -> tuple[Answerer | None, list[str]]:
    """What the PBX's dial plan does with a call to ``number``, as the lab's phones behave (auto-answer phones
    pick up at once, manual ones never; the ``busy`` extensions are in a call): who answers, and the numbers the
    call went through. ``forwards`` are the PBX's live forwarding when it differs from the site's. A
    public number is an incoming call (from the operator); the prefix plus a number is an outgoing one."""
    table = forwards if forwards is not None else site_forwards(t)
    cfu = table.get("always", {})
    path = [number]
    if hops > 4:
        return None, path
    trunk = t.trunk
    if trunk is not None:
        did = next((d for d in trunk.numbers if d.number == number), None)
        if did is not None:
            answerer, rest = route_call(t, did.to, table, busy, hops + 1)
            return answerer, path + rest
        if number.startswith(trunk.prefix) and 6 <= len(number) - len(trunk.prefix) <= 15:
            external = number[len(trunk.prefix) :]
            return next((s for s in trunk.subscribers if s.number == external), None), [*path, external]
    group = next((g for g in t.ring_groups if g.number == number), None)
    if group is not None:
        # every member rings (or each in turn): the first phone that picks up by itself answers
        members = [e for m in group.members for e in t.extensions if e.number == m]
        picked = next((e for e in members if e.phone is not None and e.answer == "auto" and e.number not in busy), None)
        return picked, path + ([picked.number] if picked else [])
    ext = next((e for e in t.extensions if e.number == number), None)
    if ext is None:
        return None, path
    if number in cfu:
        answerer, rest = route_call(t, cfu[number], table, busy, hops + 1)
        return answerer, path + rest
    if ext.phone is not None and ext.answer == "auto" and number not in busy:
        return ext, path
    onward = table.get("busy" if number in busy else "no-answer", {}).get(number)
    if onward is not None:
        answerer, rest = route_call(t, onward, table, busy, hops + 1)
        return answerer, path + rest
    return ("voicemail", [*path, "voicemail"]) if ext.voicemail else (None, path)


CONTROL_PORT = 4444


VOICEMAIL_PORT = 5070


TRUNK_PORT = 5062  # the PBX's trunk socket, advertised with the public address


RTPENGINE_PORT = 2223


LINE_SIP_PORT = 5080  # the operator's lines: one baresip each, on 5080, 5081…


LINE_CONTROL_PORT = 4450


GREETING_HZ = 1000  # the greeting is a tone too, so a caller can be proven to have reached the voicemail


def pbx_address(site: Site) -> str:
    assert site.telephony is not None
    return service_address(site, site.telephony.pbx)


def sip_domain(site: Site) -> str:
    t = site.telephony
    assert t is not None
    return t.domain or f"pbx.{site.site.domain}"


def tone(extension: Extension | Subscriber) -> int:
    """Each phone's own test frequency, so that the far end's recording says who it heard."""
    return extension.tone or 300 + (int(extension.number) % 20) * 100


def operator_address(site: Site, trunk: Trunk) -> str:
    return service_address(site, trunk.operator)


def operator_domain(trunk: Trunk) -> str:
    return trunk.domain or f"sip.{trunk.operator}.example"


def public_address(site: Site, trunk: Trunk) -> str:
    """What the operator sees of the PBX: the configured address, or the router's NAT address."""
    return trunk.public_address or str(nat_address(site) or pbx_address(site))


def line_ua(subscriber: Subscriber) -> str:
    """The directory (and daemon name) of an operator line's baresip on the operator node."""
    return f"line-{subscriber.number}"


def line_ports(trunk: Trunk, subscriber: Subscriber) -> tuple[int, int]:
    """(SIP port, control port) of an operator line."""
    index = trunk.subscribers.index(subscriber)
    return LINE_SIP_PORT + index, LINE_CONTROL_PORT + index


@dataclass(frozen=True)
class Party:
    """One end of a lab call: the baresip that places or answers it (node, its directory, control port), the
    tone it sends, and the SIP server its calls go to (the PBX, or the operator for a line)."""

    label: str
    node: str
    ua: str
    tone: int
    control_port: int
    server: str


def party(site: Site, who: Answerer) -> Party | None:
    t = site.telephony
    assert t is not None
    if who == "voicemail":
        return Party("voicemail", t.pbx, "baresip", GREETING_HZ, CONTROL_PORT, pbx_address(site))
    if isinstance(who, Subscriber):
        assert t.trunk is not None
        return Party(
            f"line {who.number}", t.trunk.operator, line_ua(who), tone(who), line_ports(t.trunk, who)[1], operator_address(site, t.trunk)
        )
    if who.phone is None:
        return None
    return Party(who.number, who.phone, "baresip", tone(who), CONTROL_PORT, pbx_address(site))


def caller_party(site: Site, number: str) -> Party | None:
    """The party calling from ``number``: an extension's phone, or an operator line (a public number)."""
    t = site.telephony
    if t is None:
        return None
    ext = next((e for e in t.extensions if e.number == number), None)
    if ext is not None:
        return party(site, ext)
    line = next((s for s in t.trunk.subscribers if s.number == number), None) if t.trunk else None
    return party(site, line) if line is not None else None


def call_probe(
    site: Site, caller: Party, dialled: str, forwards: Forwards | None = None, busy_from: Party | None = None, **options: float
) -> tuple[SipCallProbe, Party, list[str]] | None:
    """The probe of a call from ``caller`` to ``dialled``, with who the dial plan says answers and the numbers the
    call goes through; each side must hear the other's tone. With ``busy_from``, that party first calls ``dialled``
    and holds the call, so the probe sees the busy path. None when nobody would answer."""
    assert site.telephony is not None
    hold = call_probe(site, busy_from, dialled, forwards, seconds=30) if busy_from is not None else None
    if busy_from is not None and hold is None:
        return None
    busy = frozenset({hold[1].label}) if hold is not None else frozenset()
    answerer, path = route_call(site.telephony, dialled, forwards, busy)
    answering = party(site, answerer) if answerer is not None else None
    if answering is None or (answering.node, answering.ua) == (caller.node, caller.ua):
        return None
    spec = SipCallProbe(
        number=dialled,
        server=caller.server,
        callee_node=answering.node,
        caller_tone=caller.tone,
        callee_tone=answering.tone,
        control_port=caller.control_port,
        caller_ua=caller.ua,
        callee_ua=answering.ua,
        hold=hold[0] if hold is not None else None,
        hold_node=busy_from.node if busy_from is not None else "",
        **options,
    )
    return spec, answering, path
