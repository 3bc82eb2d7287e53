"""What a probe is asked to do: typed, pure data (used in site files, field plans and derived suites).

Each kind has its own model; `ProbeSpec` is the discriminated union on ``kind``. Later features add
kinds (smb, ldap, kerberos, ipp, sip, rtsp, mqtt) here and an implementation in their own module.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from officelab.site.addressing import Address, Subnet


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout: float = Field(default=2.0, gt=0, le=60, description="seconds one attempt may take")


class LinkProbe(_Spec):
    """The interface exists, is up and has carrier."""

    kind: Literal["link"] = "link"
    interface: str


class IpConfigProbe(_Spec):
    """The interface has an address (in ``subnet``, or exactly ``address``) and the default route is ``gateway``.

    With ``dhcp: true`` a real DHCP exchange is also made on the interface (the offer is checked, nothing
    is configured), which tells a port in the wrong VLAN from a stale lease.
    """

    kind: Literal["ipconfig"] = "ipconfig"
    interface: str
    subnet: Subnet | None = None
    address: Address | None = None
    gateway: Address | None = None
    dhcp: bool = False


class DhcpProbe(_Spec):
    """A DHCP server answers on the interface's segment with a lease in ``subnet`` and router ``gateway``."""

    kind: Literal["dhcp"] = "dhcp"
    interface: str
    subnet: Subnet | None = None
    gateway: Address | None = None
    timeout: float = Field(default=4.0, gt=0, le=60)


class ArpProbe(_Spec):
    """``target`` answers ARP on the interface (it is on the same layer-2 segment)."""

    kind: Literal["arp"] = "arp"
    interface: str
    target: Address
    timeout: float = Field(default=1.0, gt=0, le=60)


class PingProbe(_Spec):
    """ICMP echo to ``target`` (an address or a name)."""

    kind: Literal["ping"] = "ping"
    target: str
    count: int = Field(default=1, ge=1, le=20)


class DnsProbe(_Spec):
    """A DNS question to the configured resolver (or ``server``); optionally the answer must contain ``expect``."""

    kind: Literal["dns"] = "dns"
    name: str
    type: Literal["A", "AAAA", "PTR", "SRV", "MX", "CNAME", "TXT"] = "A"
    expect: str | None = None
    server: Address | None = None
    port: int = Field(default=53, ge=1, le=65535)


class TcpProbe(_Spec):
    """A TCP connection to ``host:port`` is accepted."""

    kind: Literal["tcp"] = "tcp"
    host: str
    port: int = Field(ge=1, le=65535)


class HttpProbe(_Spec):
    """An HTTP(S) GET answers with ``status`` and a body containing ``contains``."""

    kind: Literal["http"] = "http"
    url: str = Field(pattern=r"^https?://")
    status: int = 200
    contains: str | None = None
    verify_tls: bool = False
    timeout: float = Field(default=3.0, gt=0, le=60)


class LdapProbe(_Spec):
    """An LDAP simple bind as ``user`` (UPN or DOMAIN\\user), then optionally a search whose ``attribute``
    must contain ``expect`` (e.g. a group's members)."""

    kind: Literal["ldap"] = "ldap"
    server: str
    user: str
    password: str
    port: int = Field(default=389, ge=1, le=65535)
    tls: bool = Field(
        default=False, description="LDAPS (TLS from the first byte, usually port 636); the certificate is shown, not verified"
    )
    base: str = ""
    filter: str = ""
    attribute: str = ""
    expect: list[str] = Field(default_factory=list, description="values the attribute must hold (case-insensitive substrings)")
    exact: bool = Field(default=False, description="the attribute must hold exactly these values, no more")


class KerberosProbe(_Spec):
    """A Kerberos login (kinit) as ``principal`` with ``password``: a TGT from the KDC."""

    kind: Literal["kerberos"] = "kerberos"
    principal: str
    password: str


class SmbProbe(_Spec):
    """An SMB2/3 session to ``//server/share`` as ``user`` (NTLM), then ``action``: list the share, write (and remove)
    a file, or read the file ``path``."""

    kind: Literal["smb"] = "smb"
    server: str
    share: str
    user: str = Field(description="DOMAIN\\login, or empty for a guest attempt")
    password: str = ""
    action: Literal["list", "write", "read"] = "list"
    path: str = ""
    timeout: float = Field(default=4.0, gt=0, le=60)


class CommandProbe(_Spec):
    """A command of the trade run on the node (``net ads testjoin``, ``wbinfo -t``…): exit 0, output contains ``expect``."""

    kind: Literal["command"] = "command"
    argv: list[str] = Field(min_length=1)
    expect: str = ""
    layer: Literal["network", "transport", "application"] = "application"


class PrintProbe(_Spec):
    """A job printed as ``user`` through the print server's ``queue`` (IPP), then looked for in the printer's own
    job list (IPP Get-Jobs at ``printer``): the page must really arrive, not just be accepted."""

    kind: Literal["print"] = "print"
    server: str
    queue: str
    user: str
    printer: str = Field(description="the printer's IPP URI, e.g. ipp://10.10.10.20:631/ipp/print")
    timeout: float = Field(default=10.0, gt=0, le=120)


class IppProbe(_Spec):
    """An IPP Get-Printer-Attributes to ``uri``: the printer answers and says its state."""

    kind: Literal["ipp"] = "ipp"
    uri: str = Field(pattern=r"^ipps?://")


class MqttProbe(_Spec):
    """MQTT v5 to a broker (TLS with the site's CA): ``connect``; ``read`` the state of ``topic``; ``command``: publish
    ``payload`` on ``topic``/set and wait until ``watch`` (default ``topic``) reports ``field`` = ``expect``;
    ``publish`` ``payload`` on ``topic`` (the broker's ACL may refuse it)."""

    kind: Literal["mqtt"] = "mqtt"
    host: str
    port: int = Field(default=8883, ge=1, le=65535)
    tls: bool = True
    ca: str = Field(default="/run/officelab/mqtt-ca.pem", description="the CA file, as seen on the node")
    user: str = ""
    password: str = ""
    action: Literal["connect", "read", "command", "publish"] = "connect"
    topic: str = ""
    payload: str = ""
    watch: str = ""
    field: str = "power"
    expect: str = ""
    timeout: float = Field(default=5.0, gt=0, le=60)


class RtspProbe(_Spec):
    """An RTSP DESCRIBE/PLAY with credentials (ffprobe): the stream's codec and size; a wrong password gets 401."""

    kind: Literal["rtsp"] = "rtsp"
    url: str = Field(pattern=r"^rtsp://")
    codec: str = "h264"
    timeout: float = Field(default=8.0, gt=0, le=60)


class RecordingProbe(_Spec):
    """The recorder's segments of one camera, on the recorder node: the newest complete one holds at least
    ``ratio`` of the frames the camera sends (fps × duration)."""

    kind: Literal["recording"] = "recording"
    directory: str
    fps: int = Field(ge=1, le=60)
    ratio: float = Field(default=0.9, gt=0, le=1)
    timeout: float = Field(default=20.0, gt=0, le=120)


class SnapshotProbe(_Spec):
    """One decoded frame from the camera (ffmpeg): it must be a real picture, not a blank one."""

    kind: Literal["snapshot"] = "snapshot"
    url: str = Field(pattern=r"^rtsp://")
    timeout: float = Field(default=10.0, gt=0, le=60)


class WsDiscoveryProbe(_Spec):
    """A WS-Discovery Probe for ONVIF NetworkVideoTransmitters (multicast 239.255.255.250:3702) from the place's
    segment; a ProbeMatch with ``name`` in its scopes must come back."""

    kind: Literal["ws-discovery"] = "ws-discovery"
    name: str
    timeout: float = Field(default=2.0, gt=0, le=30)


class OnvifProbe(_Spec):
    """The ONVIF device service of a camera (SOAP over HTTP, WS-Security UsernameToken digest): its device
    information, then the stream URI of its first media profile, which must be ``stream`` when given."""

    kind: Literal["onvif"] = "onvif"
    url: str = Field(description="the device service, http://<camera>/onvif/device_service")
    user: str
    password: str
    stream: str = ""


class SipRegisterProbe(_Spec):
    """A SIP REGISTER with digest authentication (RFC 3261/2617) as extension ``user``: 200 OK, or refused.
    It registers no binding (Expires: 0), so the phone's own registration is left alone."""

    kind: Literal["sip-register"] = "sip-register"
    server: str
    user: str
    password: str
    port: int = Field(default=5060, ge=1, le=65535)


class SipCallProbe(_Spec):
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


class SipTrunkProbe(_Spec):
    """The PBX's view of its SIP trunk (its registration at the operator, read from the running Kamailio on the place,
    as a technician reads a PBX's trunk status): registered, refused (credentials), or no answer."""

    kind: Literal["sip-trunk"] = "sip-trunk"
    operator: str = Field(description="the operator's address, for the messages")
    control: str = "unix:/run/kamailio_ctl"
    registration: str = "trunk"


ProbeSpec = Annotated[
    LinkProbe
    | IpConfigProbe
    | DhcpProbe
    | ArpProbe
    | PingProbe
    | DnsProbe
    | TcpProbe
    | HttpProbe
    | LdapProbe
    | KerberosProbe
    | SmbProbe
    | CommandProbe
    | PrintProbe
    | IppProbe
    | MqttProbe
    | RtspProbe
    | RecordingProbe
    | SnapshotProbe
    | WsDiscoveryProbe
    | OnvifProbe
    | SipRegisterProbe
    | SipCallProbe
    | SipTrunkProbe,
    Field(discriminator="kind"),
]
