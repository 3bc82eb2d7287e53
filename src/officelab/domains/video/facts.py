"""Video facts that follow from the site file alone: each camera's address, stream and ONVIF URLs, where the recorder keeps its segments."""

from __future__ import annotations

from officelab.domains.video.model import Camera
from officelab.site.model import Site
from officelab.site.topology import service_address

RTSP_PORT = 554


ONVIF_PORT = 80  # the camera's ONVIF device service (SOAP over HTTP)


def camera_address(site: Site, camera: Camera) -> str:
    return service_address(site, camera.node, reserved=True)


def camera_url(site: Site, camera: Camera, password: str | None = None) -> str:
    return f"rtsp://{camera.user}:{password or camera.password}@{camera_address(site, camera)}:{RTSP_PORT}{camera.path}"


def onvif_url(site: Site, camera: Camera) -> str:
    """The camera's ONVIF device service (the xAddr its WS-Discovery answer announces)."""
    return f"http://{camera_address(site, camera)}/onvif/device_service"


def recording_dir(camera: Camera) -> str:
    """Where the recorder keeps a camera's segments, as seen on the recorder node."""
    return f"/run/nvr/{camera.node}"
