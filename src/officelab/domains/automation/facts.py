"""Automation facts that follow from the site file alone: the broker's address and port, and its access-control list."""

from __future__ import annotations

from officelab.site.model import Site
from officelab.site.topology import service_address

CA_ON_NODE = "run/officelab/mqtt-ca.pem"


def broker_address(site: Site) -> str:
    assert site.automation is not None
    return service_address(site, site.automation.broker)


def port(site: Site) -> int:
    assert site.automation is not None
    return 8883 if site.automation.tls else 1883


def acl(site: Site) -> str:
    """Each device writes its state and availability and reads its commands; the controller does everything."""
    a = site.automation
    assert a is not None
    lines = [f"user controller\ntopic readwrite {site.name}/#\n"]
    for device in a.devices:
        topic = a.topic(site.name, device)
        lines.append(f"user {device.name}\ntopic write {topic}/state\ntopic write {topic}/availability\ntopic read {topic}/set\n")
    return "\n".join(lines)
