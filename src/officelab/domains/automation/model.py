"""Building automation (GTB): an MQTT broker, devices with their own credentials and topics, and rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from officelab.core.model import Model, NodeName
from officelab.core.probe import ProbeSpecBase

DeviceName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,30}$")]


class AutomationDevice(Model):
    """A device on MQTT, running on its lab node (an `iot` or `camera` node)."""

    name: DeviceName
    node: NodeName
    type: Literal["thermostat", "heater", "light", "door-sensor"]
    password: str = Field(min_length=8)
    topic: str = Field(default="", description="base topic; default <site>/<name>")


class Condition(Model):
    device: DeviceName
    field: str
    op: Literal["below", "above", "equals"]
    value: float | str = Field(description="a number, a text, or the name of another field of the device (setpoint)")


class Action(Model):
    device: DeviceName
    command: str = Field(description="what is published on the device's set topic, e.g. ON")
    otherwise: str | None = Field(default=None, description="published when the condition stops holding, e.g. OFF")
    field: str = Field(default="power", description="the state field that shows the command took effect")


class AutomationRule(Model):
    name: DeviceName
    when: Condition
    then: Action


class Automation(Model):
    """Site-wide section ``automation:``: the broker (mosquitto, TLS, passwords, ACLs), the controller, devices, rules."""

    broker: NodeName
    controller: NodeName
    controller_password: str = Field(min_length=8)
    tls: bool = True
    devices: list[AutomationDevice] = Field(default_factory=list)
    rules: list[AutomationRule] = Field(default_factory=list)

    def topic(self, site: str, device: AutomationDevice) -> str:
        return device.topic or f"{site}/{device.name}"


class MqttProbe(ProbeSpecBase):
    """MQTT v5 to a broker (TLS with the site's CA): ``connect``; ``read`` the state of ``topic``; ``command``: publish
    ``payload`` on ``topic``/set and wait until ``watch`` (default ``topic``) reports ``field`` = ``expect``;
    ``publish`` ``payload`` on ``topic`` (the broker's ACL may refuse it)."""

    kind: Literal["mqtt"] = "mqtt"
    host: str
    port: int = Field(default=8883, ge=1, le=65535)
    tls: bool = True
    ca: str = Field(default="/run/officelab/mqtt-ca.pem", description="the CA file, as seen on the node")
    user: str = ""
    password: str = ""
    action: Literal["connect", "read", "command", "publish"] = "connect"
    topic: str = ""
    payload: str = ""
    watch: str = ""
    field: str = "power"
    expect: str = ""
    online: bool = Field(default=True, description="read: the device's availability topic must also say online")
    timeout: float = Field(default=5.0, gt=0, le=60)
