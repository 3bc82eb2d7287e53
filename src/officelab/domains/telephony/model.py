"""IP telephony: the PBX node, its extensions (phones on the network), ring groups, and the SIP trunk to an
operator on the emulated internet with the site's public numbers (DIDs)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from officelab.core.model import Model, NodeName
from officelab.core.probe import ProbeSpecBase

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


class SipRegisterProbe(ProbeSpecBase):
    """A SIP REGISTER with digest authentication (RFC 3261/2617) as extension ``user``: 200 OK, or refused.
    It registers no binding (Expires: 0), so the phone's own registration is left alone."""

    kind: Literal["sip-register"] = "sip-register"
    server: str
    user: str
    password: str
    port: int = Field(default=5060, ge=1, le=65535)


class SipCallProbe(ProbeSpecBase):
    """A call placed by the phone on the place (baresip, through its control port) to ``number``; it counts only if
    each side heard the other's test tone (``caller_tone`` in the callee's recording, ``callee_tone`` in the caller's)."""

    kind: Literal["sip-call"] = "sip-call"
    number: str
    server: str
    callee_node: str
    caller_tone: int
    callee_tone: int
    seconds: float = Field(default=2.0, gt=0, le=30)
    control_port: int = 4444
    caller_ua: str = Field(default="baresip", description="the caller's baresip directory on its node")
    callee_ua: str = Field(default="baresip", description="the answering baresip's directory on the callee node")
    hold: SipCallProbe | None = Field(default=None, description="a call placed first from `hold_node` and kept up meanwhile")
    hold_node: str = ""
    timeout: float = Field(default=10.0, gt=0, le=60)


class SipTrunkProbe(ProbeSpecBase):
    """The PBX's view of its SIP trunk (its registration at the operator, read from the running Kamailio on the place,
    as a technician reads a PBX's trunk status): registered, refused (credentials), or no answer."""

    kind: Literal["sip-trunk"] = "sip-trunk"
    operator: str = Field(description="the operator's address, for the messages")
    control: str = "unix:/run/kamailio_ctl"
    registration: str = "trunk"
