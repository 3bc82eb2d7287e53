"""Telephony probes: a SIP registration with digest authentication, and a real call whose audio is checked."""

from __future__ import annotations

import hashlib
import json
import math
import re
import socket
import threading
import time
import uuid
import wave
from pathlib import Path

from officelab.domains.telephony.model import SipCallProbe, SipRegisterProbe, SipTrunkProbe
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def _register(sock: socket.socket, spec: SipRegisterProbe, local: tuple[str, int], call_id: str, cseq: int, auth: str = "") -> None:
    uri = f"sip:{spec.server}"
    lines = [
        f"REGISTER {uri} SIP/2.0",
        f"Via: SIP/2.0/UDP {local[0]}:{local[1]};branch=z9hG4bK{uuid.uuid4().hex[:12]};rport",
        "Max-Forwards: 70",
        f"From: <sip:{spec.user}@{spec.server}>;tag={call_id[:8]}",
        f"To: <sip:{spec.user}@{spec.server}>",
        f"Call-ID: {call_id}",
        f"CSeq: {cseq} REGISTER",
        f"Contact: <sip:{spec.user}@{local[0]}:{local[1]}>",
        "Expires: 0",
        "User-Agent: OfficeLab probe",
        *([auth] if auth else []),
        "Content-Length: 0",
        "",
        "",
    ]
    sock.sendto("\r\n".join(lines).encode(), (spec.server, spec.port))


def _answer(sock: socket.socket, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = sock.recv(65535).decode(errors="replace")
        except TimeoutError:
            break
        if not data.startswith("SIP/2.0 1"):  # skip provisional responses
            return data
    return ""


@probe("sip-register")
def sip_register_probe(spec: SipRegisterProbe, place: Place) -> ProbeResult:
    sent = f"SIP REGISTER {spec.user}@{spec.server} with digest authentication"
    call_id = f"{uuid.uuid4().hex}@officelab"
    with place.inside():
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.connect((spec.server, spec.port))
            local = sock.getsockname()
            _register(sock, spec, local, call_id, 1)
            first = _answer(sock, spec.timeout)
            if not first:
                return ProbeResult(
                    False, Layer.TRANSPORT, f"no SIP answer from {spec.server}:{spec.port} within {spec.timeout:.0f} s", sent
                )
            status = first.split("\r\n", 1)[0]
            challenge = re.search(r"^WWW-Authenticate:\s*Digest (.+)$", first, flags=re.M | re.I)
            if not status.startswith("SIP/2.0 401") or not challenge:
                return ProbeResult(status.startswith("SIP/2.0 200"), Layer.APPLICATION, f"the PBX answered {status[8:]}", sent, status)
            params = dict(re.findall(r'(\w+)="?([^",]+)"?', challenge[1]))
            realm, nonce, uri = params.get("realm", ""), params.get("nonce", ""), f"sip:{spec.server}"
            ha1, ha2 = _md5(f"{spec.user}:{realm}:{spec.password}"), _md5(f"REGISTER:{uri}")
            header = f'Authorization: Digest username="{spec.user}", realm="{realm}", nonce="{nonce}", uri="{uri}", algorithm=MD5'
            if "qop" in params:
                cnonce = uuid.uuid4().hex[:8]
                response = _md5(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")
                header += f', qop=auth, nc=00000001, cnonce="{cnonce}"'
            else:
                response = _md5(f"{ha1}:{nonce}:{ha2}")
            _register(sock, spec, local, call_id, 2, f'{header}, response="{response}"')
            second = _answer(sock, spec.timeout)
        finally:
            sock.close()
    status = second.split("\r\n", 1)[0] if second else "no answer"
    received = f"401 challenge (realm {realm}), then {status}"
    if status.startswith("SIP/2.0 200"):
        return ProbeResult(True, Layer.APPLICATION, f"extension {spec.user} is accepted by the PBX", sent, received)
    reason = "wrong secret or unknown extension" if " 403" in status else status[8:]
    return ProbeResult(False, Layer.APPLICATION, f"the PBX refused extension {spec.user}: {reason}", sent, received)


def _netstring(payload: dict[str, object]) -> bytes:
    data = json.dumps(payload).encode()
    return str(len(data)).encode() + b":" + data + b","


class _Control:
    """baresip's ctrl_tcp: JSON messages in netstrings."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.buffer = sock, b""

    def send(self, command: str, params: str = "") -> None:
        self.sock.sendall(_netstring({"command": command, "params": params, "token": uuid.uuid4().hex[:6]}))

    def events(self, deadline: float) -> list[dict[str, object]]:
        self.sock.settimeout(max(0.05, min(0.2, deadline - time.monotonic())))
        try:
            chunk = self.sock.recv(65536)
        except TimeoutError:
            chunk = b""
        self.buffer += chunk
        found = []
        while b":" in self.buffer:
            size_text, _, rest = self.buffer.partition(b":")
            if not size_text.isdigit() or len(rest) < int(size_text) + 1:
                break
            size = int(size_text)
            found.append(json.loads(rest[:size]))
            self.buffer = rest[size + 1 :]
        return found


def _samples(path: Path) -> tuple[int, list[int]]:
    """The rate and the first four seconds of the first channel of a 16-bit WAV recording (empty otherwise)."""
    with wave.open(str(path)) as wav:
        rate, width, channels = wav.getframerate(), wav.getsampwidth(), wav.getnchannels()
        raw = wav.readframes(min(wav.getnframes(), rate * 4))
    if width != 2:
        return rate, []
    return rate, [int.from_bytes(raw[i : i + 2], "little", signed=True) for i in range(0, len(raw) - 1, 2 * channels)]


def _goertzel(samples: list[int], rate: int, frequency: int) -> float:
    coeff = 2 * math.cos(2 * math.pi * frequency / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + coeff * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coeff * s1 * s2


def analyse(path: Path, expected: int, others: list[int]) -> tuple[dict[int, float], float]:
    """The Goertzel power of ``expected`` and of each of ``others`` relative to the strongest of them, and the share
    of the recording's energy at ``expected`` (about 1 for a clean tone, near 0 for another tone or noise)."""
    rate, samples = _samples(path)
    energy = sum(x * x for x in samples)
    if not energy:
        return {}, 0.0
    powers = {f: _goertzel(samples, rate, f) for f in sorted({expected, *others})}
    top = max(powers.values()) or 1.0
    return {f: p / top for f, p in powers.items()}, powers[expected] / (len(samples) * energy / 2)


def _newest(directory: Path, since: float) -> Path | None:
    """The recording of the call just made, once the phone has finished writing it (its header comes last)."""
    deadline = time.monotonic() + 3
    while True:
        files = [p for p in directory.glob("*-dec.wav") if p.stat().st_mtime >= since - 1]
        newest = max(files, key=lambda p: p.stat().st_mtime) if files else None
        if newest is not None:
            try:
                with wave.open(str(newest)) as wav:
                    if wav.getnframes() > 0:
                        return newest
            except (wave.Error, EOFError):
                pass
        if time.monotonic() > deadline:
            return newest
        time.sleep(0.05)  # the phone closes the file just after the call ends: poll until it is complete


def _place_call(
    spec: SipCallProbe, place: Place, established_event: threading.Event | None = None, release: threading.Event | None = None
) -> tuple[str, str]:
    """Dial through the caller's baresip (ctrl_tcp), talk, hang up: (the answering URI or "", why it closed).
    With ``release``, the call is held until it is set (at most ``spec.seconds``)."""
    uri = f"sip:{spec.number}@{spec.server}"
    established = closed = ""
    with place.inside():
        try:
            sock = socket.create_connection(("127.0.0.1", spec.control_port), timeout=2)
        except OSError:
            return "", "the phone's SIP user agent is not running"
        control = _Control(sock)
        try:
            control.send("dial", uri)
            deadline = time.monotonic() + spec.timeout
            while time.monotonic() < deadline and not established and not closed:
                for event in control.events(deadline):
                    if event.get("type") == "CALL_ESTABLISHED":
                        established = str(event.get("peeruri", uri))
                    elif event.get("type") == "CALL_CLOSED":
                        closed = str(event.get("param", "closed"))
            if established:
                if established_event is not None:
                    established_event.set()
                if release is not None:
                    release.wait(spec.seconds)
                else:
                    time.sleep(spec.seconds)  # the call's talk time: both phones send their tones meanwhile
                control.send("hangup")
                end = time.monotonic() + 3
                while time.monotonic() < end and not closed:
                    for event in control.events(end):
                        if event.get("type") == "CALL_CLOSED":
                            closed = str(event.get("param", "closed"))
            else:
                control.send("hangup")
        finally:
            sock.close()
    return established, closed or "no answer within the timeout"


@probe("sip-call")
def sip_call_probe(spec: SipCallProbe, place: Place) -> ProbeResult:
    sent = f"INVITE sip:{spec.number}@{spec.server} from this phone (baresip), {spec.seconds:.0f} s of audio, BYE"
    hold, up, release = spec.hold, threading.Event(), threading.Event()
    first: list[tuple[str, str]] = []
    thread = None
    if hold is not None:
        # make the callee busy first: another phone calls it and holds the call while this one is made
        holder = place.neighbour(spec.hold_node)
        thread = threading.Thread(target=lambda: first.append(_place_call(hold, holder, up, release)), daemon=True)
        thread.start()
        if not up.wait(hold.timeout):
            release.set()
            thread.join()
            reason = first[0][1] if first else "no answer"
            return ProbeResult(False, Layer.APPLICATION, f"could not make {hold.number} busy: the first call failed ({reason})", sent)
        sent = f"while {spec.hold_node} holds a call to {hold.number}: {sent}"
    started = time.time()
    try:
        established, closed = _place_call(spec, place)
    finally:
        release.set()
        if thread is not None:
            thread.join()
    if not established:
        return ProbeResult(False, Layer.APPLICATION, f"the call to {spec.number} failed: {closed}", sent, closed)
    node_dir = Path(place.path("/run/x")).parent.parent
    caller_rec = _newest(node_dir / spec.caller_ua / "rec", started)
    callee_rec = _newest(node_dir.parent / spec.callee_node / spec.callee_ua / "rec", started)
    heard = []
    for label, recording, expected, other in (
        ("callee", callee_rec, spec.caller_tone, spec.callee_tone),
        ("caller", caller_rec, spec.callee_tone, spec.caller_tone),
    ):
        if recording is None:
            return ProbeResult(False, Layer.APPLICATION, f"the {label} recorded nothing: no audio reached it", sent, established)
        # The expected tone must beat its neighbours (±100 Hz) and the other side's tone: a real frequency check.
        try:
            powers, share = analyse(recording, expected, [expected - 100, expected + 100, other])
        except (wave.Error, EOFError) as exc:
            return ProbeResult(False, Layer.APPLICATION, f"the {label}'s recording is unreadable ({exc})", sent, recording.name)
        if powers.get(expected, 0) < 0.99 or share < 0.3:
            return ProbeResult(
                False,
                Layer.APPLICATION,
                f"the {label} did not hear the {expected} Hz tone (one-way audio?)",
                sent,
                f"{recording.name}: {share:.0%} of the audio at {expected} Hz; relative powers {powers}",
            )
        heard.append(f"{label} heard {expected} Hz")
    return ProbeResult(
        True,
        Layer.APPLICATION,
        f"call to {spec.number} established and both sides heard each other",
        sent,
        f"{established}; " + "; ".join(heard),
    )


# Kamailio uac_reg record flags (modules/uac/uac_reg.c)
_REG_DISABLED, _REG_ONLINE = 1, 4


@probe("sip-trunk")
def sip_trunk_probe(spec: SipTrunkProbe, place: Place) -> ProbeResult:
    sent = f"kamcmd uac.reg_info l_uuid {spec.registration} (the PBX's registration at the operator {spec.operator})"
    try:
        result = place.run(["kamcmd", "-s", spec.control, "uac.reg_info", "l_uuid", spec.registration], timeout=spec.timeout)
    except FileNotFoundError:
        return ProbeResult(False, Layer.APPLICATION, "kamcmd is not installed here: is this the PBX?", sent)
    if result.returncode != 0:
        return ProbeResult(False, Layer.APPLICATION, "the PBX does not answer on its control socket: is Kamailio running?", sent,
                           (result.stderr or result.stdout).strip()[-200:])  # fmt: skip
    fields = dict(re.findall(r"^\s*(\w+): (.*)$", result.stdout, flags=re.M))
    flags = int(fields.get("flags", "0") or 0)
    received = f"flags {flags}, contact {fields.get('contact_addr', '?')}, expires {fields.get('expires', '?')} s"
    if flags & _REG_DISABLED:
        return ProbeResult(False, Layer.APPLICATION, "the trunk's registration is disabled on the PBX", sent, received)
    if flags & _REG_ONLINE:
        return ProbeResult(
            True, Layer.APPLICATION, f"the trunk is registered at the operator as {fields.get('auth_username', '?')}", sent, received
        )
    # Not registered: ask the operator ourselves, from the PBX, with the credentials the PBX holds (Expires: 0).
    proxy = re.fullmatch(r"sip:([^:;>]+)(?::(\d+))?.*", fields.get("auth_proxy", ""))
    host, port = (proxy[1], int(proxy[2] or 5060)) if proxy else (spec.operator, 5060)
    user, password = fields.get("auth_username", ""), fields.get("auth_password", "")
    test = SipRegisterProbe(server=host, port=port, user=user, password=password, timeout=3)
    answer = sip_register_probe(test, place)
    if answer.layer is Layer.TRANSPORT:
        return ProbeResult(
            False, Layer.TRANSPORT, f"the trunk is not registered: no answer from the operator {spec.operator}", sent, received
        )
    if " 403" in str(answer.received):
        return ProbeResult(
            False,
            Layer.APPLICATION,
            "the operator refuses the trunk's credentials (403): check the trunk's username and password",
            sent,
            f"{received}; a test REGISTER with them: {answer.received}",
        )
    return ProbeResult(False, Layer.APPLICATION, f"the trunk is not registered yet (a test REGISTER: {answer.summary})", sent, received)
