"""Building automation's part of the recette, from the controller: the broker accepts it over TLS and refuses
anonymous clients, wrong passwords and plain MQTT; each device's data arrives; no device may command another (ACL);
each actuator obeys ON and OFF; each rule on a setpoint is provoked both ways and its target follows."""

from __future__ import annotations

import json

from officelab.domains.automation.facts import broker_address, port
from officelab.domains.automation.model import MqttProbe
from officelab.domains.network.checks import ip_checks
from officelab.domains.network.model import TcpProbe
from officelab.recette.context import Derivation


def derive(ctx: Derivation) -> None:
    a = ctx.site.automation
    if a is None:
        return

    host, mqtt_port = broker_address(ctx.site), port(ctx.site)
    where = a.controller
    base = tuple(ip_checks(ctx, where))
    secure = ("TRI-CP7-C4", "TRI-CP1-C4")

    def mqtt(**fields: object) -> MqttProbe:
        return MqttProbe(host=host, port=mqtt_port, tls=a.tls, **fields)

    ctx.check(
        "mqtt:broker",
        f"Le broker MQTT de {a.broker} accepte le contrôleur ({'TLS' if a.tls else 'en clair'})",
        f"The MQTT broker on {a.broker} accepts the controller ({'TLS' if a.tls else 'plain'})",
        on=where,
        probe=mqtt(user="controller", password=a.controller_password),
        criteria=("TRI-CP7-C1", "TRI-CP1-C3"),
        depends=base,
        group="automation",
    )
    ctx.check(
        "mqtt:anonymous",
        "Le broker refuse les connexions anonymes",
        "The broker refuses anonymous clients",
        on=where,
        probe=mqtt(),
        criteria=secure,
        expect=False,
        depends=("mqtt:broker",),
        group="automation",
    )
    ctx.check(
        "mqtt:badpass",
        "Le broker refuse un mauvais mot de passe",
        "The broker refuses a wrong password",
        on=where,
        probe=mqtt(user="controller", password="not-" + a.controller_password),
        criteria=secure,
        expect=False,
        depends=("mqtt:broker",),
        group="automation",
    )
    if a.tls:
        ctx.check(
            "mqtt:plaintext",
            "Le broker n'accepte pas MQTT en clair (port 1883)",
            "The broker offers no plain MQTT (port 1883)",
            on=where,
            probe=TcpProbe(host=host, port=1883, timeout=1),
            criteria=secure,
            expect=False,
            depends=("mqtt:broker",),
            group="automation",
        )
    devices = {d.name: d for d in a.devices}
    for device in a.devices:
        topic = a.topic(ctx.site.name, device)
        node_checks = tuple(ip_checks(ctx, device.node))
        ctx.check(
            f"mqtt:data:{device.name}",
            f"Les données de {device.name} parviennent au contrôleur",
            f"{device.name}'s data reaches the controller",
            on=where,
            probe=mqtt(user="controller", password=a.controller_password, action="read", topic=topic),
            criteria=("TRI-CP7-C2", "TRI-CP1-C3"),
            depends=("mqtt:broker", *node_checks),
            group="automation",
        )
        others = [d for d in a.devices if d.name != device.name]
        if others:
            victim = others[0]
            ctx.check(
                f"mqtt:acl:{device.name}",
                f"{device.name} ne peut pas commander {victim.name} (ACL)",
                f"{device.name} cannot command {victim.name} (ACL)",
                on=where,
                probe=mqtt(
                    user=device.name,
                    password=device.password,
                    action="publish",
                    topic=f"{a.topic(ctx.site.name, victim)}/set",
                    payload="ON",
                ),
                criteria=secure,
                expect=False,
                depends=("mqtt:broker",),
                group="automation",
            )
    targets = {r.then.device for r in a.rules}
    for device in a.devices:
        if device.type in ("heater", "light") and device.name not in targets:
            topic = a.topic(ctx.site.name, device)
            for command, previous in (("ON", ()), ("OFF", (f"mqtt:command:{device.name}:on",))):
                ctx.check(
                    f"mqtt:command:{device.name}:{command.lower()}",
                    f"{device.name} obéit à la commande {command}",
                    f"{device.name} obeys the command {command}",
                    on=where,
                    probe=mqtt(
                        user="controller",
                        password=a.controller_password,
                        action="command",
                        topic=topic,
                        payload=command,
                        field="power",
                        expect=command,
                    ),
                    criteria=("TRI-CP7-C2", "TRI-CP7-C1"),
                    depends=(f"mqtt:data:{device.name}", *previous),
                    group="automation",
                )
    for rule in a.rules:
        condition, action = rule.when, rule.then
        if condition.op not in ("below", "above") or not isinstance(condition.value, str) or action.otherwise is None:
            continue  # a rule on a fixed value is checked by its effect only when the lab can provoke it
        source = devices[condition.device]
        # Provoke the condition through the reference field (setpoint) and watch the target follow, both ways.
        high, low = ("35", "5") if condition.op == "below" else ("5", "35")
        steps = ((action.command, high, "on"), (action.otherwise, low, "off"))
        after: tuple[str, ...] = ()
        for wanted, value, label in steps:
            check_id = f"mqtt:rule:{rule.name}:{label}"
            ctx.check(
                check_id,
                f"Règle {rule.name} : {condition.value}={value} → {action.device} {wanted}",
                f"Rule {rule.name}: {condition.value}={value} → {action.device} {wanted}",
                on=where,
                probe=mqtt(
                    user="controller",
                    password=a.controller_password,
                    action="command",
                    topic=a.topic(ctx.site.name, source),
                    payload=json.dumps({condition.value: float(value)}),
                    watch=a.topic(ctx.site.name, devices[action.device]),
                    field=action.field,
                    expect=wanted,
                    timeout=10,
                ),
                criteria=("TRI-CP7-C2", "TRI-CP7-C1"),
                depends=dict.fromkeys((f"mqtt:data:{source.name}", f"mqtt:data:{action.device}", *after)),
                group="automation",
            )
            after = (check_id,)
