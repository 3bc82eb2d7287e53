"""Video's checks, from the recorder: each camera streams with its credentials and refuses a wrong password, the
recorder gets its frames, a snapshot shows a picture; from a neighbour, ONVIF discovery and the device service."""

from __future__ import annotations

from officelab.domains.network.checks import ip_checks
from officelab.domains.video.model import OnvifProbe, RecordingProbe, RtspProbe
from tests.domains.derived import alone, assert_sound, derivation, without

CAMERAS = {"cam-entree": "cam-archives", "cam-archives": "cam-entree"}  # camera -> its neighbour in the VLAN
FROM_RECORDER = ("rtsp", "auth", "nvr", "snapshot")
FROM_NEIGHBOUR = ("onvif", "onvif-stream", "onvif-refused")


def test_video_checks_are_sound() -> None:
    assert_sound("video", "cabinet-martin", uses=("network",), groups={"video"})


def test_each_camera_is_checked_from_the_recorder_and_a_neighbour() -> None:
    checks = alone("video")
    assert set(checks) == {f"cam:{kind}:{cam}" for cam in CAMERAS for kind in FROM_RECORDER + FROM_NEIGHBOUR}
    for cam, neighbour in CAMERAS.items():
        assert {checks[f"cam:{kind}:{cam}"].place for kind in FROM_RECORDER} == {"nvr"}
        assert {checks[f"cam:{kind}:{cam}"].place for kind in FROM_NEIGHBOUR} == {neighbour}
        refused = {kind for kind in FROM_RECORDER + FROM_NEIGHBOUR if not checks[f"cam:{kind}:{cam}"].expect}
        assert refused == {"auth", "onvif-refused"}, "a wrong password must NOT be accepted"
    assert checks["cam:auth:cam-entree"].criteria == ("TRI-CP7-C4", "TRI-CP1-C4")
    assert checks["cam:nvr:cam-entree"].criteria == ("TRI-CP7-C2",)
    recording = checks["cam:nvr:cam-entree"]
    assert recording.deadline == 20.0 and isinstance(recording.probe, RecordingProbe) and recording.probe.fps == 15, "4 segments of 5 s"
    rtsp, onvif = checks["cam:rtsp:cam-entree"].probe, checks["cam:onvif-stream:cam-entree"].probe
    assert isinstance(rtsp, RtspProbe) and rtsp.url.startswith("rtsp://") and rtsp.url.endswith("/live")
    assert isinstance(onvif, OnvifProbe) and onvif.stream == "rtsp://10.10.30.10:554/live"


def test_every_camera_check_waits_for_its_stream() -> None:
    checks, ctx = alone("video"), derivation("cabinet-martin")
    assert checks["cam:rtsp:cam-entree"].depends == ("ip:nvr:eth0", "trunk:sw-core:ge1", "ip:cam-entree:eth0", "trunk:sw-floor:ge24")
    for cam, neighbour in CAMERAS.items():
        rtsp = f"cam:rtsp:{cam}"
        assert checks[rtsp].depends == tuple(dict.fromkeys((*ip_checks(ctx, "nvr"), *ip_checks(ctx, cam))))
        assert checks[f"cam:nvr:{cam}"].depends == checks[f"cam:auth:{cam}"].depends == checks[f"cam:snapshot:{cam}"].depends == (rtsp,)
        assert checks[f"cam:onvif:{cam}"].depends == (rtsp, *ip_checks(ctx, neighbour))
        assert checks[f"cam:onvif-stream:{cam}"].depends == (f"cam:onvif:{cam}",)
        assert checks[f"cam:onvif-refused:{cam}"].depends == (f"cam:onvif-stream:{cam}",)


def test_a_site_without_video_has_no_camera_checks() -> None:
    assert alone("video", "tpe") == {}
    bare = without("cabinet-martin", ("video",))
    assert bare.video is None and alone("video", bare) == {}
