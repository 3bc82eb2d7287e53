"""Video probes: an RTSP session (ffprobe), frames actually recorded by the NVR, a non-blank snapshot, ONVIF
WS-Discovery on the segment, and the ONVIF device service (device information and stream URI)."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import socket
import struct
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from statistics import pvariance

from officelab.domains.video.model import OnvifProbe, RecordingProbe, RtspProbe, SnapshotProbe, WsDiscoveryProbe
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place

BLANK_VARIANCE = 20.0
WSD = ("239.255.255.250", 3702)


def _hide(url: str) -> str:
    return re.sub(r"(rtsp://[^:/@]+:)[^@]+@", r"\1***@", url)


def _rtsp_failure(out: str, url: str, sent: str) -> ProbeResult:
    if "401" in out:
        return ProbeResult(False, Layer.APPLICATION, f"the camera refused the credentials (RTSP 401) at {_hide(url)}", sent, out[-200:])
    if "404" in out or "Not Found" in out:
        return ProbeResult(False, Layer.APPLICATION, f"no stream at {_hide(url)} (RTSP 404)", sent, out[-200:])
    if "Connection refused" in out:
        return ProbeResult(False, Layer.TRANSPORT, f"the camera refused the connection ({_hide(url)})", sent, out[-200:])
    return ProbeResult(False, Layer.TRANSPORT, f"no RTSP answer from {_hide(url)}", sent, out[-200:])


@probe("rtsp")
def rtsp_probe(spec: RtspProbe, place: Place) -> ProbeResult:
    sent = f"RTSP DESCRIBE/SETUP/PLAY {_hide(spec.url)} (ffprobe, TCP)"
    argv = [
        "ffprobe",
        "-v",
        "error",
        "-rtsp_transport",
        "tcp",
        "-timeout",
        str(int(spec.timeout * 1_000_000)),
        "-show_entries",
        "stream=codec_name,width,height,avg_frame_rate",
        "-of",
        "compact",
        spec.url,
    ]
    result = place.run(argv, timeout=spec.timeout + 5)
    out = (result.stdout + result.stderr).strip()
    stream = re.search(r"codec_name=(\w+)\|width=(\d+)\|height=(\d+)", out)
    if result.returncode == 0 and stream:
        if stream[1] != spec.codec:
            return ProbeResult(False, Layer.APPLICATION, f"the camera streams {stream[1]}, expected {spec.codec}", sent, out[-200:])
        return ProbeResult(
            True,
            Layer.APPLICATION,
            f"the camera streams {stream[1]} {stream[2]}×{stream[3]}",
            sent,
            out[-200:],
            data={"codec": stream[1], "width": int(stream[2]), "height": int(stream[3])},
        )
    return _rtsp_failure(out, spec.url, sent)


@probe("recording")
def recording_probe(spec: RecordingProbe, place: Place) -> ProbeResult:
    sent = f"ffprobe -count_frames on a segment of {spec.directory} completed while watching"
    deadline = time.monotonic() + spec.timeout

    def newest_first() -> list[str]:
        return place.run(["sh", "-c", f"ls -1t {spec.directory}/*.mp4 2>/dev/null"], timeout=5).stdout.split()

    # A segment completed while the probe watches: an old one would pass for a recorder that stopped since.
    first = newest_first()[:1]
    while True:
        listing = newest_first()
        if len(listing) >= 2 and listing[:1] != first:  # a new segment began: the one before it is complete
            segment = listing[1]
            break
        if time.monotonic() > deadline:
            newest = listing[0].rsplit("/", 1)[-1] if listing else "none"
            return ProbeResult(
                False,
                Layer.APPLICATION,
                f"the recorder completed no segment in {spec.directory} within {spec.timeout:.0f} s "
                "(recorder stopped, or camera unreachable from it?)",
                sent,
                f"{len(listing)} file(s), newest {newest}",
            )
        time.sleep(0.5)  # segments are closed every few seconds: poll the directory until the deadline
    argv = [
        "ffprobe",
        "-v",
        "error",
        "-count_frames",
        "-select_streams",
        "v:0",
        "-show_entries",
        "stream=codec_name,nb_read_frames:format=duration",
        "-of",
        "compact",
        segment,
    ]
    out = place.run(argv, timeout=30).stdout
    frames = re.search(r"nb_read_frames=(\d+)", out)
    duration = re.search(r"duration=([\d.]+)", out)
    if not frames or not duration:
        return ProbeResult(False, Layer.APPLICATION, f"{segment} is not a readable video", sent, out[-200:])
    got, seconds = int(frames[1]), float(duration[1])
    expected = spec.fps * seconds
    received = f"{segment.rsplit('/', 1)[-1]}: {got} frames in {seconds:.1f} s (camera: {spec.fps} fps)"
    if got > expected * 1.1 + 2:  # more than the camera can send in that time: a burst, not a measure
        return ProbeResult(
            False,
            Layer.APPLICATION,
            f"the recorder got {got} frames in {seconds:.1f} s, more than the camera sends ({spec.fps} fps): "
            "its timestamps broke (a burst, or a stream restarted), not a steady recording",
            sent,
            received,
        )
    if got < spec.ratio * expected:
        return ProbeResult(
            False, Layer.APPLICATION, f"the recorder got {got} frames of {expected:.0f} ({got / expected:.0%})", sent, received
        )
    return ProbeResult(True, Layer.APPLICATION, f"the recorder receives {got / expected:.0%} of the frames", sent, received)


@probe("snapshot")
def snapshot_probe(spec: SnapshotProbe, place: Place) -> ProbeResult:
    sent = f"one frame from {_hide(spec.url)} (ffmpeg), 64×36 grey"
    argv = [
        "sh",
        "-c",
        f"ffmpeg -v error -rtsp_transport tcp -i '{spec.url}' -frames:v 1 -f rawvideo -pix_fmt gray -s 64x36 - | od -An -v -tu1",
    ]
    result = place.run(argv, timeout=spec.timeout + 5)
    pixels = [int(v) for v in result.stdout.split()]
    if len(pixels) != 64 * 36:
        return _rtsp_failure(result.stderr, spec.url, sent)
    variance = pvariance(pixels)
    received = f"{len(pixels)} pixels, mean {sum(pixels) / len(pixels):.0f}, variance {variance:.0f}"
    if variance < BLANK_VARIANCE:
        return ProbeResult(False, Layer.APPLICATION, "the snapshot is blank (a uniform picture)", sent, received)
    return ProbeResult(True, Layer.APPLICATION, "the snapshot is a real picture", sent, received)


PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">
<s:Header><a:MessageID>uuid:{mid}</a:MessageID><a:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>
<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action></s:Header>
<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>"""


@probe("ws-discovery")
def wsdiscovery_probe(spec: WsDiscoveryProbe, place: Place) -> ProbeResult:
    sent = "WS-Discovery Probe for dn:NetworkVideoTransmitter to 239.255.255.250:3702"
    found: list[str] = []
    with place.inside():
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        try:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, struct.pack("b", 1))
            sock.settimeout(0.2)
            sock.sendto(PROBE.format(mid=uuid.uuid4()).encode(), WSD)
            deadline = time.monotonic() + spec.timeout
            while time.monotonic() < deadline:
                try:
                    data, sender = sock.recvfrom(65535)
                except TimeoutError:
                    continue
                text = data.decode(errors="replace")
                if "ProbeMatch" in text:
                    xaddr = re.search(r"<d:XAddrs>([^<]+)</d:XAddrs>", text)
                    found.append(f"{sender[0]} {xaddr[1] if xaddr else ''}")
                    if f"/name/{spec.name}" in text:
                        return ProbeResult(
                            True,
                            Layer.APPLICATION,
                            f"{spec.name} answers ONVIF discovery at {xaddr[1] if xaddr else sender[0]}",
                            sent,
                            "; ".join(found),
                        )
        finally:
            sock.close()
    return ProbeResult(
        False, Layer.APPLICATION, f"no ONVIF ProbeMatch from {spec.name} within {spec.timeout:.0f} s", sent, "; ".join(found) or "no answer"
    )


_SOAP = (
    '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope">'
    "<s:Header>{security}</s:Header><s:Body>{body}</s:Body></s:Envelope>"
)
_SECURITY = (
    '<Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
    "<UsernameToken><Username>{user}</Username>"
    '<Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">'
    "{digest}</Password><Nonce>{nonce}</Nonce>"
    '<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">{created}</Created>'
    "</UsernameToken></Security>"
)


def _onvif_call(spec: OnvifProbe, body: str) -> tuple[int, ET.Element | None, str]:
    """POST one SOAP request with a fresh UsernameToken digest: (HTTP status, parsed envelope, raw text)."""
    nonce, created = os.urandom(16), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    digest = base64.b64encode(hashlib.sha1(nonce + created.encode() + spec.password.encode()).digest()).decode()
    security = _SECURITY.format(user=spec.user, digest=digest, nonce=base64.b64encode(nonce).decode(), created=created)
    request = urllib.request.Request(
        spec.url,
        data=_SOAP.format(security=security, body=body).encode(),
        headers={"Content-Type": "application/soap+xml; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=spec.timeout) as response:
            status, text = response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode(errors="replace")
    try:
        return status, ET.fromstring(text), text
    except ET.ParseError:
        return status, None, text


def _local(envelope: ET.Element | None, name: str) -> str:
    """The text of the first element called ``name`` (any namespace)."""
    if envelope is None:
        return ""
    return next((e.text or "" for e in envelope.iter() if e.tag.rsplit("}", 1)[-1] == name), "")


@probe("onvif")
def onvif_probe(spec: OnvifProbe, place: Place) -> ProbeResult:
    sent = f"ONVIF GetDeviceInformation and GetStreamUri (SOAP, UsernameToken digest as {spec.user}) to {spec.url}"
    media = 'xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"'
    stream: ET.Element | None = None
    with place.inside():
        try:
            status, envelope, text = _onvif_call(spec, '<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>')
            if status == 200:
                status, stream, text = _onvif_call(
                    spec,
                    f"<trt:GetStreamUri {media}><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport>"
                    "<tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>profile_1"
                    "</trt:ProfileToken></trt:GetStreamUri>",
                )
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return ProbeResult(False, Layer.TRANSPORT, f"no ONVIF service at {spec.url}: {reason}", sent)
    if status != 200:
        subcodes = re.findall(r"ter:(\w+)", text)  # the SOAP fault's subcode, e.g. ter:NotAuthorized
        cause = subcodes[-1] if subcodes else f"HTTP {status}"
        if cause == "NotAuthorized":
            return ProbeResult(False, Layer.APPLICATION, "the camera refused the ONVIF credentials (NotAuthorized)", sent, text[-200:])
        return ProbeResult(False, Layer.APPLICATION, f"the ONVIF service answered {cause}", sent, text[-200:])
    device = f"{_local(envelope, 'Manufacturer')} {_local(envelope, 'Model')}".strip()
    uri = _local(stream, "Uri")
    received = f"{device or 'no device information'}; stream {uri or 'none'}"
    if not uri:
        return ProbeResult(False, Layer.APPLICATION, "the camera gave no stream URI over ONVIF", sent, received)
    if spec.stream and uri != spec.stream:
        return ProbeResult(False, Layer.APPLICATION, f"ONVIF gives {uri}, not the stream {spec.stream}", sent, received)
    return ProbeResult(True, Layer.APPLICATION, f"ONVIF: {device} streams at {uri}", sent, received)
