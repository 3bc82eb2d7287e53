"""MQTT probes (paho, MQTT v5): connect with credentials over TLS, read a device's state, command it and see
the state follow, and try a write the broker's ACL must refuse."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from officelab.domains.automation.model import MqttProbe
from officelab.probes import Layer, ProbeResult, probe
from officelab.probes.place import Place

CONNECT_REASONS = {134: "wrong user name or password", 135: "not authorised", 4: "wrong user name or password", 5: "not authorised"}


def _client(spec: MqttProbe, place: Place) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"officelab-probe-{uuid.uuid4().hex[:6]}", protocol=mqtt.MQTTv5)
    if spec.user:
        client.username_pw_set(spec.user, spec.password)
    if spec.tls:
        client.tls_set(ca_certs=place.path(spec.ca) if spec.ca else None)
    return client


@probe("mqtt")
def mqtt_probe(spec: MqttProbe, place: Place) -> ProbeResult:
    sent = f"MQTT CONNECT{' (TLS)' if spec.tls else ''} as {spec.user or 'anonymous'} to {spec.host}:{spec.port}"
    client = _client(spec, place)
    connected = threading.Event()
    outcome: dict[str, Any] = {}
    messages: list[tuple[str, str]] = []

    def on_connect(c: mqtt.Client, userdata: object, flags: object, reason: Any, properties: object = None) -> None:
        outcome["reason"] = reason
        connected.set()

    def on_message(c: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        messages.append((message.topic, message.payload.decode(errors="replace")))

    def on_publish(c: mqtt.Client, userdata: object, mid: int, reason: Any, properties: object = None) -> None:
        outcome[f"puback-{mid}"] = reason

    client.on_connect, client.on_message, client.on_publish = on_connect, on_message, on_publish
    try:
        with place.inside():
            client.connect(spec.host, spec.port, keepalive=10)
    except OSError as exc:
        text = str(exc)
        if "CERTIFICATE_VERIFY_FAILED" in text or "certificate" in text.lower():
            return ProbeResult(
                False, Layer.TRANSPORT, f"TLS refused: the broker's certificate is not signed by the site's CA ({text[:80]})", sent
            )
        return ProbeResult(False, Layer.TRANSPORT, f"no MQTT broker at {spec.host}:{spec.port} ({exc.strerror or text[:80]})", sent)
    client.loop_start()
    try:
        if not connected.wait(spec.timeout):
            return ProbeResult(False, Layer.APPLICATION, f"no CONNACK from {spec.host}:{spec.port} within {spec.timeout:.0f} s", sent)
        reason = outcome["reason"]
        if reason.is_failure:
            why = CONNECT_REASONS.get(int(reason.value), str(reason))
            return ProbeResult(False, Layer.APPLICATION, f"the broker refused {spec.user or 'anonymous'}: {why}", sent, f"CONNACK {reason}")
        if spec.action == "connect":
            return ProbeResult(True, Layer.APPLICATION, f"{spec.user or 'anonymous'} connected", sent, f"CONNACK {reason}")
        if spec.action == "publish":
            info = client.publish(spec.topic, spec.payload, qos=1)
            info.wait_for_publish(spec.timeout)
            return _publish_result(spec, sent, info, outcome.get(f"puback-{info.mid}"))
        watched = spec.watch or spec.topic
        if spec.action == "read" and spec.online:
            client.subscribe(f"{spec.topic}/availability", qos=1)  # retained: "offline" once the device is gone
        client.subscribe(f"{watched}/state", qos=1)
        if spec.action == "command":
            sent += f"; PUBLISH {spec.topic}/set {spec.payload}"
            client.publish(f"{spec.topic}/set", spec.payload, qos=1)
        deadline = time.monotonic() + spec.timeout
        while time.monotonic() < deadline:
            seen = dict(messages)
            if spec.action == "read" and spec.online and seen.get(f"{spec.topic}/availability", "online") != "online":
                return ProbeResult(
                    False,
                    Layer.APPLICATION,
                    f"{spec.topic} is {seen[f'{spec.topic}/availability']}: the device is not connected to the broker "
                    "(its last state is only the broker's retained copy)",
                    sent,
                    f"{spec.topic}/availability: {seen[f'{spec.topic}/availability']}",
                )
            for topic, payload in list(messages):
                state = _parse(payload)
                if spec.action == "read" and state and (not spec.online or f"{spec.topic}/availability" in seen):
                    return ProbeResult(
                        True,
                        Layer.APPLICATION,
                        f"{spec.topic} reports {_short(state)}",
                        sent,
                        f"{topic}: {payload[:120]}",
                        data={"state": state},
                    )
                if spec.action == "command" and topic == f"{watched}/state" and str(state.get(spec.field)) == spec.expect:
                    return ProbeResult(
                        True,
                        Layer.APPLICATION,
                        f"{watched} reports {spec.field}={spec.expect}",
                        sent,
                        f"{topic}: {payload[:120]}",
                        data={"state": state},
                    )
            time.sleep(0.05)  # paho delivers on its own thread: poll what arrived until the deadline
        last = messages[-1][1][:120] if messages else "nothing"
        if spec.action == "read":
            return ProbeResult(
                False, Layer.APPLICATION, f"no state from {spec.topic} within {spec.timeout:.0f} s (device offline?)", sent, last
            )
        return ProbeResult(
            False,
            Layer.APPLICATION,
            f"{watched} did not reach {spec.field}={spec.expect} within {spec.timeout:.0f} s",
            sent,
            f"last state: {last}",
        )
    finally:
        client.loop_stop()
        client.disconnect()


def _publish_result(spec: MqttProbe, sent: str, info: mqtt.MQTTMessageInfo, reason: Any) -> ProbeResult:
    sent += f"; PUBLISH {spec.topic} (QoS 1)"
    if info.rc == mqtt.MQTT_ERR_SUCCESS and info.is_published():
        # An MQTT v5 broker answers an unauthorised QoS 1 publish with PUBACK reason 135 (not authorised).
        if reason is not None and getattr(reason, "is_failure", False):
            return ProbeResult(
                False, Layer.APPLICATION, f"the broker refused the publish on {spec.topic}: {reason}", sent, f"PUBACK {reason}"
            )
        return ProbeResult(True, Layer.APPLICATION, f"{spec.user} may publish on {spec.topic}", sent, "PUBACK success")
    return ProbeResult(False, Layer.APPLICATION, f"the publish on {spec.topic} was not acknowledged", sent, f"rc {info.rc}")


def _parse(payload: str) -> dict[str, Any]:
    try:
        value = json.loads(payload)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _short(state: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(state.items()))[:120]
