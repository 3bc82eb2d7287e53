"""Validation of video surveillance: a recorder that is a server, cameras of the site with a fixed address."""

from __future__ import annotations

from officelab.site.model import NodeKind
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    video = v.site.video
    if video is None:
        return
    recorder = v.topo.nodes.get(video.recorder)
    if recorder is None or recorder.kind is not NodeKind.SERVER:
        v.add(("video", "recorder"), f"{video.recorder!r} is not a server of the site", "the recorder (NVR) is a server node")
    v.duplicates(((c.node, ("video", "cameras", k, "node")) for k, c in enumerate(video.cameras)), "camera")
    for k, camera in enumerate(video.cameras):
        node = v.topo.nodes.get(camera.node)
        if node is None or node.kind is not NodeKind.CAMERA:
            v.add(("video", "cameras", k, "node"), f"{camera.node!r} is not a camera of the site", "name a node of kind camera")
        elif not any(i.address or i.reserve for i in node.interfaces):
            v.add(("video", "cameras", k, "node"), f"camera {camera.node} has no fixed address", "give it a DHCP `reserve`")
