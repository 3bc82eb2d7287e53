"""Video surveillance: IP cameras (RTSP with digest authentication, ONVIF discovery) and a recorder (NVR)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from officelab.site.section import Model, NodeName


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
