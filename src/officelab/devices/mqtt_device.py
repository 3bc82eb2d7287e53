"""A building-automation device on MQTT (paho): a thermostat, a heater, a light, a door sensor.

It connects to the broker over TLS with its own credentials, publishes its state (retained, JSON) on
``<topic>/state``, obeys commands on ``<topic>/set``, and announces itself on ``<topic>/availability`` with a
last will. A thermostat measures a temperature that moves towards the heating's effect, so automation rules
have something real to act on. Run as ``python -m officelab.devices.mqtt_device CONFIG.json`` (on its node).
"""

from __future__ import annotations

import json
import random
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

TICK = 2.0


class Device:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.topic = config["topic"]
        self.kind = config["type"]
        self.state: dict[str, Any] = dict(config.get("initial", {}))
        if self.kind == "thermostat":
            self.state.setdefault("temperature", 19.0)
            self.state.setdefault("setpoint", 20.0)
            self.state.setdefault("heating", "OFF")
        elif self.kind in ("heater", "light"):
            self.state.setdefault("power", "OFF")
        elif self.kind == "door-sensor":
            self.state.setdefault("door", "closed")
        self.stop = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=config["username"], protocol=mqtt.MQTTv5)
        self.client.username_pw_set(config["username"], config["password"])
        if config.get("tls", True):
            self.client.tls_set(ca_certs=config["ca"])
        self.client.will_set(f"{self.topic}/availability", "offline", qos=1, retain=True)
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message

    def on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, properties: object = None) -> None:
        print(f"connected: {reason}", flush=True)
        client.subscribe(f"{self.topic}/set", qos=1)
        client.publish(f"{self.topic}/availability", "online", qos=1, retain=True)
        self.publish()

    def on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        payload = message.payload.decode(errors="replace").strip()
        try:
            command = json.loads(payload)
        except ValueError:
            command = payload
        if isinstance(command, dict):
            for key, value in command.items():
                if key in self.state:
                    self.state[key] = value
        elif isinstance(command, str) and command.upper() in ("ON", "OFF"):
            key = "heating" if self.kind == "thermostat" else "power"
            self.state[key] = command.upper()
        print(f"command {payload!r} -> {self.state}", flush=True)
        self.publish()

    def publish(self) -> None:
        self.client.publish(f"{self.topic}/state", json.dumps(self.state, sort_keys=True), qos=1, retain=True)

    def tick(self) -> None:
        if self.kind == "thermostat":
            # The room warms towards 24 °C while heated and cools towards 15 °C otherwise (the heater reports its
            # power on its own topic; the thermostat follows its own `heating` field, set by the controller).
            ambient = 24.0 if self.state.get("heating") == "ON" else 15.0
            temperature = float(self.state["temperature"])
            self.state["temperature"] = round(temperature + (ambient - temperature) * 0.05 + random.uniform(-0.02, 0.02), 2)
            self.publish()

    def run(self) -> None:
        # A device retries every few seconds when the broker goes away (paho's default backs off to two minutes).
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.connect(self.config["host"], int(self.config["port"]), keepalive=30)
        self.client.loop_start()
        while not self.stop.wait(TICK):
            self.tick()
        self.client.publish(f"{self.topic}/availability", "offline", qos=1, retain=True).wait_for_publish(2)
        self.client.loop_stop()
        self.client.disconnect()


def main() -> None:
    device = Device(json.loads(Path(sys.argv[1]).read_text()))
    signal.signal(signal.SIGTERM, lambda *_: device.stop.set())
    device.run()


if __name__ == "__main__":
    main()
