"""Video surveillance: IP cameras (RTSP with digest authentication, ONVIF discovery) and a recorder (NVR)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from officelab.core.model import Model, NodeName
from officelab.core.probe import ProbeSpecBase


class Camera(Model):
    node: NodeName = Field(description="a node of kind camera, with a fixed address")
    path: Annotated[str, StringConstraints(pattern=r"^/[A-Za-z0-9/_-]{0,63}$")] = "/live"
    width: int = Field(default=640, ge=160, le=1920)
    height: int = Field(default=360, ge=120, le=1080)
    fps: int = Field(default=15, ge=1, le=30)
    user: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,32}$")] = "admin"
    password: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._~-]{8,64}$")] = Field(
        description="letters, digits and . _ ~ - (it travels in rtsp:// URLs), at least 8"
    )
    pattern: Literal["smpte", "ball", "snow", "colors", "pinwheel", "gradient", "checkers-8"] = "smpte"


class Video(Model):
    """Site-wide section ``video:``: the cameras and the recorder that pulls them."""

    recorder: NodeName
    segment_seconds: int = Field(default=10, ge=2, le=600)
    keep_segments: int = Field(default=30, ge=2, le=10000, description="retention: older segments are overwritten")
    cameras: list[Camera] = Field(default_factory=list)


class RtspProbe(ProbeSpecBase):
    """An RTSP DESCRIBE/PLAY with credentials (ffprobe): the stream's codec and size; a wrong password gets 401."""

    kind: Literal["rtsp"] = "rtsp"
    url: str = Field(pattern=r"^rtsp://")
    codec: str = "h264"
    timeout: float = Field(default=8.0, gt=0, le=60)


class RecordingProbe(ProbeSpecBase):
    """The recorder's segments of one camera, on the recorder node: a segment completed while the probe watches
    holds at least ``ratio`` of the frames the camera sends (fps × duration), and no more than it can send."""

    kind: Literal["recording"] = "recording"
    directory: str
    fps: int = Field(ge=1, le=60)
    ratio: float = Field(default=0.9, gt=0, le=1)
    timeout: float = Field(default=20.0, gt=0, le=120)


class SnapshotProbe(ProbeSpecBase):
    """One decoded frame from the camera (ffmpeg): it must be a real picture, not a blank one."""

    kind: Literal["snapshot"] = "snapshot"
    url: str = Field(pattern=r"^rtsp://")
    timeout: float = Field(default=10.0, gt=0, le=60)


class WsDiscoveryProbe(ProbeSpecBase):
    """A WS-Discovery Probe for ONVIF NetworkVideoTransmitters (multicast 239.255.255.250:3702) from the place's
    segment; a ProbeMatch with ``name`` in its scopes must come back."""

    kind: Literal["ws-discovery"] = "ws-discovery"
    name: str
    timeout: float = Field(default=2.0, gt=0, le=30)


class OnvifProbe(ProbeSpecBase):
    """The ONVIF device service of a camera (SOAP over HTTP, WS-Security UsernameToken digest): its device
    information, then the stream URI of its first media profile, which must be ``stream`` when given."""

    kind: Literal["onvif"] = "onvif"
    url: str = Field(description="the device service, http://<camera>/onvif/device_service")
    user: str
    password: str
    stream: str = ""
