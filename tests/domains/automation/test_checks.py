"""Building automation's checks, from the controller: the broker's security, each device's data, the ACL between
devices, each actuator's commands, and each rule provoked both ways."""

from __future__ import annotations

from officelab.domains.automation.model import MqttProbe
from officelab.domains.network.checks import ip_checks
from officelab.domains.network.model import TcpProbe
from tests.domains.derived import alone, assert_sound, derivation, without

DEVICES = {"thermostat": "thermostat", "chauffage": "chauffage", "eclairage": "eclairage", "porte": "porte-entree"}  # name -> node
REFUSED = {"mqtt:anonymous", "mqtt:badpass", "mqtt:plaintext", *(f"mqtt:acl:{d}" for d in DEVICES)}
RULES = {"chauffage-auto": ("thermostat", "chauffage"), "thermostat-chauffe": ("thermostat", "thermostat")}  # rule -> (source, target)


def test_automation_checks_are_sound() -> None:
    # A rule whose target is its own source lists that device's data twice: see the test below.
    assert_sound("automation", "cabinet-martin", uses=("network",), groups={"automation"})


def test_rule_checks_list_each_dependency_once() -> None:
    for check in alone("automation").values():
        assert len(set(check.depends)) == len(check.depends), f"{check.id}: {check.depends}"


def test_cabinet_martin_checks_its_building_automation() -> None:
    checks = alone("automation")
    assert set(checks) == {
        "mqtt:broker",
        *REFUSED,
        *(f"mqtt:data:{d}" for d in DEVICES),
        "mqtt:command:eclairage:on",
        "mqtt:command:eclairage:off",
        *(f"mqtt:rule:{r}:{state}" for r in RULES for state in ("on", "off")),
    }, "commands only for an actuator no rule drives (the heater follows its rule)"
    assert all(c.place == "gtb" for c in checks.values()), "from the controller"
    assert {i for i, c in checks.items() if not c.expect} == REFUSED, "must NOT reach"
    secure = ("TRI-CP7-C4", "TRI-CP1-C4")
    assert all(checks[i].criteria == secure and checks[i].depends == ("mqtt:broker",) for i in REFUSED)
    broker = checks["mqtt:broker"]
    assert broker.depends == ip_checks(derivation("cabinet-martin"), "gtb") == ("ip:gtb:eth0", "trunk:sw-core:ge1"), (
        "its address and its way to the router"
    )
    assert isinstance(broker.probe, MqttProbe) and broker.probe.tls and broker.probe.user == "controller"
    plain = checks["mqtt:plaintext"].probe
    assert isinstance(plain, TcpProbe) and plain.port == 1883, "TLS only: plain MQTT is closed"


def test_data_commands_and_rules_are_chained() -> None:
    checks, ctx = alone("automation"), derivation("cabinet-martin")
    for device, node in DEVICES.items():
        assert checks[f"mqtt:data:{device}"].depends == ("mqtt:broker", *ip_checks(ctx, node))
        assert checks[f"mqtt:data:{device}"].depends[:2] == ("mqtt:broker", f"ip:{node}:eth0")
    assert checks["mqtt:command:eclairage:on"].depends == ("mqtt:data:eclairage",)
    assert checks["mqtt:command:eclairage:off"].depends == ("mqtt:data:eclairage", "mqtt:command:eclairage:on")
    for rule, (source, target) in RULES.items():
        on, off = checks[f"mqtt:rule:{rule}:on"], checks[f"mqtt:rule:{rule}:off"]
        data = tuple(dict.fromkeys((f"mqtt:data:{source}", f"mqtt:data:{target}")))
        assert on.depends[: len(data)] == off.depends[: len(data)] == data, "the devices' data first, each once"
        assert off.depends[len(data) :] == (on.id,), "provoked both ways, one after the other"
        assert on.criteria == off.criteria == ("TRI-CP7-C2", "TRI-CP7-C1")
        assert isinstance(on.probe, MqttProbe) and on.probe.expect == "ON"
        assert isinstance(off.probe, MqttProbe) and off.probe.expect == "OFF"


def test_a_site_without_automation_has_no_automation_checks() -> None:
    assert alone("automation", "tpe") == {}
    bare = without("cabinet-martin", ("automation",))
    assert bare.automation is None and alone("automation", bare) == {}
