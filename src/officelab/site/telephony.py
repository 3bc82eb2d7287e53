"""IP telephony: the PBX node, its extensions (phones on the network), ring groups, and the SIP trunk to an
operator on the emulated internet with the site's public numbers (DIDs)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from officelab.site.section import Model, NodeName

Number = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,6}$")]
PublicNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{6,15}$")]
Secret = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{6,64}$")]
Password = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._#!@%+-]{6,64}$")]


class Extension(Model):
    number: Number
    name: str = Field(min_length=1)
    secret: Secret
    phone: NodeName | None = Field(default=None, description="the phone node (a baresip SIP phone); none: a softphone")
    tone: int = Field(default=0, ge=0, le=4000, description="the test tone this phone sends in calls (Hz); default from its number")
    answer: Literal["auto", "manual"] = Field(
        default="auto", description="auto: the lab phone picks up at once; manual: it rings and nobody answers (an empty office)"
    )
    forward: Number | None = Field(default=None, description="unconditional call forwarding to this number")
    forward_busy: Number | None = Field(default=None, description="forwarding when the extension is busy")
    forward_no_answer: Number | None = Field(default=None, description="forwarding after `no_answer_seconds` of ringing")
    voicemail: bool = Field(default=False, description="unanswered, busy or unregistered (and no forward): the call goes to the voicemail")


class RingGroup(Model):
    """A number that rings several extensions: all at once, or one after the other (hunt group)."""

    number: Number
    name: str = Field(min_length=1)
    members: list[Number] = Field(min_length=1)
    strategy: Literal["all", "hunt"] = Field(default="all", description="all: ring every member at once; hunt: in order")
    ring_seconds: int = Field(default=10, ge=2, le=60, description="hunt: how long each member rings before the next")


class Did(Model):
    """A public number of the site, and the internal number an incoming call to it reaches."""

    number: PublicNumber
    to: Number


class Subscriber(Model):
    """A line at the operator ("the PSTN"): a SIP phone on the internet that test calls reach or come from."""

    number: PublicNumber
    name: str = Field(min_length=1)
    tone: int = Field(default=0, ge=0, le=4000, description="its test tone (Hz); default from its number")


class Trunk(Model):
    """The SIP trunk: the PBX registers at the operator with the account's credentials and sends its external calls
    there; the operator sends it the calls to the site's public numbers."""

    operator: NodeName = Field(description="the operator's node, on the emulated internet")
    domain: str = Field(default="", description="the operator's SIP domain (the digest realm); default: sip.<operator node>.example")
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{2,64}$")]
    password: Password
    prefix: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,3}$")] = Field(
        default="0", description="dialled before an external number; the PBX strips it"
    )
    numbers: list[Did] = Field(default_factory=list, description="the site's public numbers (DIDs)")
    subscribers: list[Subscriber] = Field(default_factory=list)
    public_address: str = Field(default="", description="the address the operator sees; default: the router's NAT address")
    rtp_ports: tuple[int, int] = Field(default=(30000, 30099), description="the PBX's media relay ports (forward them on the router)")
    register_seconds: int = Field(default=60, ge=20, le=3600, description="registration interval (it also keeps the NAT open)")

    @model_validator(mode="after")
    def _ports(self) -> Trunk:
        low, high = self.rtp_ports
        if not 1024 <= low < high <= 65535:
            raise ValueError("rtp_ports is [first, last] with 1024 <= first < last <= 65535")
        return self


class Telephony(Model):
    """Site-wide section ``telephony:``: a SIP PBX (Kamailio) and its extensions."""

    pbx: NodeName
    domain: str = Field(default="", description="the SIP domain; default: pbx.<site domain>")
    no_answer_seconds: int = Field(default=8, ge=2, le=60, description="ringing time before an unanswered call goes on")
    extensions: list[Extension] = Field(default_factory=list)
    ring_groups: list[RingGroup] = Field(default_factory=list)
    trunk: Trunk | None = None


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
