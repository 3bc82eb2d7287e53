"""The building-automation controller: it reads every device's state from the broker and applies the site's
rules (``when`` a device's value is below/above a threshold or another value, ``then`` command a device),
publishing commands only when the wanted state differs from the reported one. It logs each decision.

Run as ``python -m officelab.devices.automation_controller CONFIG.json`` (on the controller node).
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def holds(value: Any, op: str, ref: Any) -> bool:
    """Is ``value op ref``? A reference may name another field of the same device (``setpoint``)."""
    try:
        if op == "below":
            return float(value) < float(ref)
        if op == "above":
            return float(value) > float(ref)
    except (TypeError, ValueError):
        return False
    return str(value) == str(ref)


class Controller:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.states: dict[str, dict[str, Any]] = {}
        self.topics = {d["name"]: d["topic"] for d in config["devices"]}
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=config["username"], protocol=mqtt.MQTTv5)
        self.client.username_pw_set(config["username"], config["password"])
        if config.get("tls", True):
            self.client.tls_set(ca_certs=config["ca"])
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message
        self.stop = threading.Event()

    def on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, properties: object = None) -> None:
        print(f"connected: {reason}", flush=True)
        for topic in self.topics.values():
            client.subscribe(f"{topic}/state", qos=1)

    def on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        name = next((n for n, t in self.topics.items() if message.topic == f"{t}/state"), None)
        if name is None:
            return
        try:
            self.states[name] = json.loads(message.payload)
        except ValueError:
            return
        self.apply()

    def apply(self) -> None:
        for rule in self.config["rules"]:
            when, then = rule["when"], rule["then"]
            state = self.states.get(when["device"])
            target = self.states.get(then["device"])
            if state is None or target is None or when["field"] not in state:
                continue
            ref = state.get(when["value"], when["value"]) if isinstance(when["value"], str) else when["value"]
            wanted = then["command"] if holds(state[when["field"]], when["op"], ref) else then.get("otherwise")
            field = then.get("field", "power")
            if wanted is None or str(target.get(field)) == str(wanted):
                continue
            print(
                f"rule {rule['name']}: {when['device']}.{when['field']}={state[when['field']]} {when['op']} {ref} "
                f"-> {then['device']} {wanted}",
                flush=True,
            )
            self.client.publish(f"{self.topics[then['device']]}/set", str(wanted), qos=1)

    def run(self) -> None:
        # A device retries every few seconds when the broker goes away (paho's default backs off to two minutes).
        self.client.reconnect_delay_set(min_delay=1, max_delay=5)
        self.client.connect(self.config["host"], int(self.config["port"]), keepalive=30)
        self.client.loop_start()
        self.stop.wait()
        self.client.loop_stop()
        self.client.disconnect()


def main() -> None:
    controller = Controller(json.loads(Path(sys.argv[1]).read_text()))
    signal.signal(signal.SIGTERM, lambda *_: controller.stop.set())
    controller.run()


if __name__ == "__main__":
    main()
