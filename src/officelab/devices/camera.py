"""An IP camera: an RTSP server (GStreamer gst-rtsp-server) with digest authentication streaming an H.264 test
picture, a WS-Discovery responder announcing it as an ONVIF NetworkVideoTransmitter, and the ONVIF device and
media services a client uses next (device information, profiles, the stream URI), with WS-Security UsernameToken
authentication.

Runs with the system Python (it needs python3-gi), standalone: ``/usr/bin/python3 camera.py CONFIG.json``.
"""

import json
import socket
import struct
import sys
import threading
import uuid

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402
from onvif_service import onvif_service  # noqa: E402 - beside this script (run as a script, its folder is on the path)

WSD_GROUP, WSD_PORT = "239.255.255.250", 3702
NVT = "dn:NetworkVideoTransmitter"


def pipeline(config: dict) -> str:
    source = f"videotestsrc is-live=true pattern={config.get('pattern', 'smpte')}"
    caps = f"video/x-raw,width={config['width']},height={config['height']},framerate={config['fps']}/1"
    overlay = ""
    if Gst.ElementFactory.find("textoverlay") is not None:
        overlay = f' ! textoverlay text="{config["name"]}" valignment=top halignment=left font-desc="Sans 24"'
    encoder = f"x264enc tune=zerolatency speed-preset=ultrafast bitrate=512 key-int-max={config['fps']} ! video/x-h264,profile=baseline"
    return f"( {source} ! {caps}{overlay} ! videoconvert ! {encoder} ! rtph264pay name=pay0 pt=96 config-interval=1 )"


def rtsp_server(config: dict) -> GstRtspServer.RTSPServer:
    server = GstRtspServer.RTSPServer()
    server.set_address(config["address"])
    server.set_service(str(config["port"]))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(pipeline(config))
    factory.set_shared(True)
    auth = GstRtspServer.RTSPAuth()
    auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    token = GstRtspServer.RTSPToken()
    token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
    auth.add_digest(config["user"], config["password"], token)
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_permission_for_role("viewer", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS, True)
    permissions.add_permission_for_role("viewer", GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT, True)
    factory.set_permissions(permissions)
    server.get_mount_points().add_factory(config["path"], factory)
    server.attach(None)
    return server


PROBE_MATCH = """<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">
<s:Header><a:MessageID>uuid:{mid}</a:MessageID><a:RelatesTo>{relates}</a:RelatesTo>
<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>
<a:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</a:Action></s:Header>
<s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:{device}</a:Address></a:EndpointReference>
<d:Types>dn:NetworkVideoTransmitter</d:Types>
<d:Scopes>onvif://www.onvif.org/name/{name} onvif://www.onvif.org/hardware/OfficeLab-Camera onvif://www.onvif.org/type/video_encoder</d:Scopes>
<d:XAddrs>http://{address}/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></s:Body>
</s:Envelope>"""


def ws_discovery(config: dict) -> None:
    """Answer WS-Discovery Probes for ONVIF transmitters (multicast 239.255.255.250:3702) with a ProbeMatch."""
    device = str(uuid.uuid5(uuid.NAMESPACE_DNS, config["name"]))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", WSD_PORT))
    membership = struct.pack("4s4s", socket.inet_aton(WSD_GROUP), socket.inet_aton(config["address"]))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
    while True:
        data, sender = sock.recvfrom(65535)
        text = data.decode(errors="replace")
        if "Probe" not in text or "ProbeMatches" in text:
            continue
        if "NetworkVideoTransmitter" not in text and "<d:Types" in text:
            continue
        start = text.find("MessageID>")
        relates = text[start + 10 : text.find("<", start + 10)] if start >= 0 else ""
        reply = PROBE_MATCH.format(mid=uuid.uuid4(), relates=relates, device=device, name=config["name"], address=config["address"])
        sock.sendto(reply.encode(), sender)


def main() -> None:
    with open(sys.argv[1]) as fh:
        config = json.load(fh)
    Gst.init(None)
    rtsp_server(config)
    threading.Thread(target=ws_discovery, args=(config,), daemon=True).start()
    threading.Thread(target=onvif_service, args=(config,), daemon=True).start()
    print(f"camera {config['name']} on rtsp://{config['address']}:{config['port']}{config['path']}", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
