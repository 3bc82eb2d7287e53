"""Video surveillance: each camera runs an RTSP server with digest auth (gst-rtsp-server) and answers
WS-Discovery; the recorder pulls every camera with ffmpeg into rotating segments (the retention)."""

from __future__ import annotations

import json
from importlib import resources

from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, Readiness
from officelab.site.model import Node, Site
from officelab.site.topology import Topology
from officelab.site.video import Camera

CAMERA_STAGE = 2
RECORDER_STAGE = 3
RTSP_PORT = 554
ONVIF_PORT = 80  # the camera's ONVIF device service (SOAP over HTTP)


def camera_address(site: Site, camera: Camera) -> str:
    node = site.node(camera.node)
    return next(str(i.address.ip) if i.address else str(i.reserve) for i in node.interfaces if i.address or i.reserve)


def camera_url(site: Site, camera: Camera, password: str | None = None) -> str:
    return f"rtsp://{camera.user}:{password or camera.password}@{camera_address(site, camera)}:{RTSP_PORT}{camera.path}"


def onvif_url(site: Site, camera: Camera) -> str:
    """The camera's ONVIF device service (the xAddr its WS-Discovery answer announces)."""
    return f"http://{camera_address(site, camera)}/onvif/device_service"


def recording_dir(camera: Camera) -> str:
    """Where the recorder keeps a camera's segments, as seen on the recorder node."""
    return f"/run/nvr/{camera.node}"


def realise(plan: LabPlan, topo: Topology, node: Node) -> None:
    site = topo.site
    v = site.video
    if v is None:
        return
    node_dir = plan.node_dir(node.name)
    for camera in (c for c in v.cameras if c.node == node.name):
        config = {
            "name": camera.node,
            "address": camera_address(site, camera),
            "port": RTSP_PORT,
            "path": camera.path,
            "width": camera.width,
            "height": camera.height,
            "fps": camera.fps,
            "user": camera.user,
            "password": camera.password,
            "pattern": camera.pattern,
        }
        plan.files.append(FilePlan(node.name, "camera.json", json.dumps(config, indent=1), mode=0o600))
        script = str(resources.files("officelab.devices") / "camera.py")
        plan.daemons.append(
            DaemonPlan(
                "camera",
                node.name,
                ["/usr/bin/python3", script, str(node_dir / "camera.json")],
                stage=CAMERA_STAGE,
                ready=[Readiness("tcp", RTSP_PORT), Readiness("tcp", ONVIF_PORT)],
            )
        )
    if node.name == v.recorder:
        for camera in v.cameras:
            plan.files.append(FilePlan(node.name, f"run/nvr/{camera.node}/", "", mode=0o755))
            argv = [
                "ffmpeg",
                "-nostdin",
                "-loglevel",
                "warning",
                "-rtsp_transport",
                "tcp",
                "-i",
                camera_url(site, camera),
                "-c",
                "copy",
                "-an",
                "-f",
                "segment",
                "-segment_time",
                str(v.segment_seconds),
                "-reset_timestamps",
                "1",
                "-segment_wrap",
                str(v.keep_segments),
                str(node_dir / "run" / "nvr" / camera.node / "segment-%05d.mp4"),
            ]
            plan.daemons.append(DaemonPlan(f"record-{camera.node}", node.name, argv, stage=RECORDER_STAGE))
