"""Video surveillance: each camera runs an RTSP server with digest auth (gst-rtsp-server) and answers
WS-Discovery; the recorder pulls every camera with ffmpeg into rotating segments (the retention)."""

from __future__ import annotations

import json
from importlib import resources

from officelab.domains.video.facts import ONVIF_PORT, RTSP_PORT, camera_address, camera_url
from officelab.runtime.plan import DaemonPlan, FilePlan, LabPlan, PortListening, Stage
from officelab.site.model import Node
from officelab.site.topology import Topology


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
                stage=Stage.MEMBERS,
                ready=[PortListening("tcp", RTSP_PORT), PortListening("tcp", ONVIF_PORT)],
            )
        )
    if node.name == v.recorder:
        for camera in v.cameras:
            plan.files.append(FilePlan(node.name, f"run/nvr/{camera.node}/", "", mode=0o755))
            # The camera's URL holds its password: ffmpeg reads it from a file only root on the recorder reads
            # (an ffconcat list of one stream), never from its command line, which any `ps` shows.
            source = f"nvr/{camera.node}.ffconcat"
            # Timestamps from the arrival clock: the camera's jump when its shared stream restarts or another client
            # joins, and with them ffmpeg cut one "4 s" segment holding minutes of frames (the 1343 % the check saw).
            playlist = (
                f"ffconcat version 1.0\nfile '{camera_url(site, camera)}'\noption rtsp_transport tcp\n"
                "option use_wallclock_as_timestamps 1\n"
            )
            plan.files.append(FilePlan(node.name, source, playlist, mode=0o600))
            argv = [
                "ffmpeg",
                "-nostdin",
                "-loglevel",
                "warning",
                "-f",
                "concat",
                "-safe",
                "0",
                "-protocol_whitelist",
                "file,rtsp,rtp,udp,tcp",
                "-i",
                str(node_dir / source),
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
            # ffmpeg names the camera's URL, password included, in its errors: the log gets it hidden.
            plan.daemons.append(DaemonPlan(f"record-{camera.node}", node.name, argv, stage=Stage.RECORDERS, masked=True))
