"""IP telephony: the PBX node and its extensions (phones on the network)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from officelab.site.section import Model, NodeName

Number = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,6}$")]


class Extension(Model):
    number: Number
    name: str = Field(min_length=1)
    secret: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{6,64}$")]
    phone: NodeName | None = Field(default=None, description="the phone node (a baresip SIP phone); none: a softphone")
    tone: int = Field(default=0, ge=0, le=4000, description="the test tone this phone sends in calls (Hz); default from its number")
    forward: Number | None = Field(default=None, description="unconditional call forwarding to this number")
    voicemail: bool = Field(default=False, description="unanswered, busy or unregistered: the call goes to the voicemail")


class Telephony(Model):
    """Site-wide section ``telephony:``: a SIP PBX (Kamailio) and its extensions."""

    pbx: NodeName
    domain: str = Field(default="", description="the SIP domain; default: pbx.<site domain>")
    no_answer_seconds: int = Field(default=8, ge=2, le=60, description="ringing time before an unanswered call goes to voicemail")
    extensions: list[Extension] = Field(default_factory=list)
