"""Video's part of the recette, from the recorder: each camera streams with its credentials and refuses a wrong
password, the recorder gets its frames, a snapshot shows a picture; from a neighbour, ONVIF discovery finds it
and its device service gives the stream (and refuses a wrong password)."""

from __future__ import annotations

from officelab.domains.network.checks import ip_checks
from officelab.domains.video.facts import RTSP_PORT, camera_address, camera_url, onvif_url, recording_dir
from officelab.domains.video.model import OnvifProbe, RecordingProbe, RtspProbe, SnapshotProbe, WsDiscoveryProbe
from officelab.recette.context import Derivation


def derive(ctx: Derivation) -> None:
    v = ctx.site.video
    if v is None:
        return

    recorder = v.recorder
    base = tuple(ip_checks(ctx, recorder))
    for camera in v.cameras:
        url = camera_url(ctx.site, camera)
        cam_ip = ip_checks(ctx, camera.node)
        rtsp_id = f"cam:rtsp:{camera.node}"
        ctx.check(
            rtsp_id,
            f"La caméra {camera.node} diffuse son flux (RTSP authentifié)",
            f"Camera {camera.node} streams (authenticated RTSP)",
            on=recorder,
            probe=RtspProbe(url=url),
            criteria=("TRI-CP1-C3", "TRI-CP7-C1"),
            depends=(*base, *cam_ip),
            group="video",
        )
        ctx.check(
            f"cam:auth:{camera.node}",
            f"La caméra {camera.node} refuse un mauvais mot de passe",
            f"Camera {camera.node} refuses a wrong password",
            on=recorder,
            probe=RtspProbe(url=camera_url(ctx.site, camera, password="wrong-password")),
            criteria=("TRI-CP7-C4", "TRI-CP1-C4"),
            expect=False,
            depends=(rtsp_id,),
            group="video",
        )
        ctx.check(
            f"cam:nvr:{camera.node}",
            f"L'enregistreur reçoit au moins 90 % des images de {camera.node}",
            f"The recorder gets at least 90% of {camera.node}'s frames",
            on=recorder,
            probe=RecordingProbe(directory=recording_dir(camera), fps=camera.fps, timeout=3.0 * v.segment_seconds),
            criteria=("TRI-CP7-C2",),
            depends=(rtsp_id,),
            deadline=4.0 * v.segment_seconds,
            group="video",
        )
        ctx.check(
            f"cam:snapshot:{camera.node}",
            f"Une capture de {camera.node} montre une image",
            f"A snapshot of {camera.node} shows a picture",
            on=recorder,
            probe=SnapshotProbe(url=url),
            criteria=("TRI-CP7-C2", "TRI-CP7-C3"),
            depends=(rtsp_id,),
            group="video",
        )
        camera_node = ctx.topo.nodes[camera.node]
        neighbour = next(
            (
                hp
                for hp in ctx.hosts
                if hp.fixed is not None
                and hp.node.name != camera.node
                and hp.vlan is not None
                and hp.vlan == ctx.topo.vlan_of(camera.node, camera_node.interfaces[0].name)
            ),
            None,
        )
        if neighbour is not None:
            ctx.check(
                f"cam:onvif:{camera.node}",
                f"La caméra {camera.node} est découverte en ONVIF (WS-Discovery)",
                f"Camera {camera.node} is found by ONVIF discovery (WS-Discovery)",
                on=neighbour.node.name,
                probe=WsDiscoveryProbe(name=camera.node),
                criteria=("TRI-CP7-C1", "TRI-CP7-C3"),
                depends=(rtsp_id, *ip_checks(ctx, neighbour.node.name)),
                group="video",
            )
            address = camera_address(ctx.site, camera)
            for wrong in (False, True):
                onvif = OnvifProbe(
                    url=onvif_url(ctx.site, camera),
                    user=camera.user,
                    password=("not-" if wrong else "") + camera.password,
                    stream=f"rtsp://{address}:{RTSP_PORT}{camera.path}",
                )
                ctx.check(
                    f"cam:onvif-{'refused' if wrong else 'stream'}:{camera.node}",
                    f"La caméra {camera.node} refuse l'ONVIF avec un mauvais mot de passe"
                    if wrong
                    else f"La caméra {camera.node} donne son flux par ONVIF (GetStreamUri)",
                    f"Camera {camera.node} refuses ONVIF with a wrong password"
                    if wrong
                    else f"Camera {camera.node} gives its stream over ONVIF (GetStreamUri)",
                    on=neighbour.node.name,
                    probe=onvif,
                    criteria=("TRI-CP1-C4", "TRI-CP7-C1") if wrong else ("TRI-CP7-C1", "TRI-CP7-C3"),
                    expect=not wrong,
                    depends=(f"cam:onvif-stream:{camera.node}",) if wrong else (f"cam:onvif:{camera.node}",),
                    group="video",
                )
