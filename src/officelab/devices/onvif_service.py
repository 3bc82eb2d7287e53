"""The ONVIF device and media services of a lab camera (SOAP 1.2 over HTTP): device information, capabilities,
profiles and the stream URI, behind WS-Security UsernameToken authentication (digest or text). Only the
standard library: it runs inside the camera process (system Python) and in the tests."""

import base64
import hashlib
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ONVIF_PORT = 80
SOAP = "http://www.w3.org/2003/05/soap-envelope"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
ENVELOPE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
    'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" '
    'xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:ter="http://www.onvif.org/ver10/error"><s:Body>{}</s:Body></s:Envelope>'
)


def fault(subcode: str, text: str) -> str:
    return ENVELOPE.format(
        f"<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>{subcode}</s:Value></s:Subcode></s:Code>"
        f'<s:Reason><s:Text xml:lang="en">{text}</s:Text></s:Reason></s:Fault>'
    )


def authorised(envelope: ET.Element, config: dict[str, Any]) -> bool:
    """WS-Security UsernameToken: PasswordDigest = Base64(SHA1(nonce + created + password)), or PasswordText."""
    token = envelope.find(f".//{{{WSSE}}}UsernameToken")
    if token is None:
        return False
    user, password = token.findtext(f"{{{WSSE}}}Username", ""), token.find(f"{{{WSSE}}}Password")
    if user != config["user"] or password is None:
        return False
    if password.get("Type", "").endswith("#PasswordText"):
        return (password.text or "") == str(config["password"])
    nonce = base64.b64decode(token.findtext(f"{{{WSSE}}}Nonce", "") or "")
    created = token.findtext(f"{{{WSU}}}Created", "")
    expected = base64.b64encode(hashlib.sha1(nonce + created.encode() + config["password"].encode()).digest()).decode()
    return (password.text or "") == expected


def onvif_answer(action: str, config: dict[str, Any]) -> str | None:
    """The body of the answer to an ONVIF device/media request, or None if the action is not supported."""
    service = f"http://{config['address']}/onvif/device_service"
    if action == "GetSystemDateAndTime":
        now = datetime.now(UTC)
        return (
            "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>"
            f"<tt:UTCDateTime><tt:Time><tt:Hour>{now.hour}</tt:Hour><tt:Minute>{now.minute}</tt:Minute>"
            f"<tt:Second>{now.second}</tt:Second></tt:Time><tt:Date><tt:Year>{now.year}</tt:Year>"
            f"<tt:Month>{now.month}</tt:Month><tt:Day>{now.day}</tt:Day></tt:Date></tt:UTCDateTime>"
            "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
        )
    if action == "GetDeviceInformation":
        serial = uuid.uuid5(uuid.NAMESPACE_DNS, config["name"]).hex[:12].upper()
        return (
            "<tds:GetDeviceInformationResponse><tds:Manufacturer>OfficeLab</tds:Manufacturer>"
            f"<tds:Model>IP Camera ({config['name']})</tds:Model><tds:FirmwareVersion>1.0</tds:FirmwareVersion>"
            f"<tds:SerialNumber>{serial}</tds:SerialNumber><tds:HardwareId>OfficeLab-Camera</tds:HardwareId>"
            "</tds:GetDeviceInformationResponse>"
        )
    if action in ("GetCapabilities", "GetServices"):
        return (
            f"<tds:{action}Response><tds:Capabilities><tt:Device><tt:XAddr>{service}</tt:XAddr></tt:Device>"
            f"<tt:Media><tt:XAddr>{service}</tt:XAddr></tt:Media></tds:Capabilities></tds:{action}Response>"
        )
    if action == "GetProfiles":
        return (
            '<trt:GetProfilesResponse><trt:Profiles token="profile_1" fixed="true"><tt:Name>main</tt:Name>'
            '<tt:VideoEncoderConfiguration token="encoder_1"><tt:Name>H264</tt:Name><tt:Encoding>H264</tt:Encoding>'
            f"<tt:Resolution><tt:Width>{config['width']}</tt:Width><tt:Height>{config['height']}</tt:Height></tt:Resolution>"
            f"<tt:RateControl><tt:FrameRateLimit>{config['fps']}</tt:FrameRateLimit></tt:RateControl>"
            "</tt:VideoEncoderConfiguration></trt:Profiles></trt:GetProfilesResponse>"
        )
    if action == "GetStreamUri":
        uri = f"rtsp://{config['address']}:{config['port']}{config['path']}"
        return (
            f"<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>{uri}</tt:Uri><tt:InvalidAfterConnect>false"
            "</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout>"
            "</trt:MediaUri></trt:GetStreamUriResponse>"
        )
    return None


def server(config: dict[str, Any], handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((config["address"], config.get("onvif_port", ONVIF_PORT)), handler)


def handler(config: dict[str, Any]) -> type[BaseHTTPRequestHandler]:
    """The request handler of the ONVIF services; everything but the clock needs the camera's credentials."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
            try:
                envelope = ET.fromstring(body)
                request = envelope.find(f"{{{SOAP}}}Body")
                action = request[0].tag.rsplit("}", 1)[-1] if request is not None and len(request) else ""
            except ET.ParseError:
                self.reply(400, fault("ter:WellFormed", "the request is not well-formed XML"))
                return
            if action != "GetSystemDateAndTime" and not authorised(envelope, config):
                self.reply(400, fault("ter:NotAuthorized", "Sender not authorized"))
                return
            answer = onvif_answer(action, config)
            if answer is None:
                self.reply(400, fault("ter:ActionNotSupported", f"{action} is not supported"))
            else:
                self.reply(200, ENVELOPE.format(answer))

        def reply(self, status: int, text: str) -> None:
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/soap+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            print(f"onvif {self.client_address[0]} {format % args}", flush=True)

    return Handler


def onvif_service(config: dict[str, Any]) -> None:
    """Serve the camera's ONVIF device and media services (port 80) until the process ends."""
    server(config, handler(config)).serve_forever()
