"""The trade domains of OfficeLab, each one package with the same files, and the one list that registers them.

A domain package may hold, where it has them:

==============  =================================================================  ===========
file            what it holds                                                      layer
==============  =================================================================  ===========
``model.py``    its section of the site file and its probe kinds (pure data)       model
``facts.py``    what follows from the site file alone: addresses, URLs, plans      facts
``validate.py`` ``validate(v)``: the cross-references of its section               facts
``probes.py``   the implementations of its probe kinds (``@probe``)                 probes
``realise.py``  ``realise(plan, topo, node)``: the files, commands and daemons     runtime
``admin.py``    live changes on a running lab                                      runtime
``checks.py``   ``derive(ctx)``: its part of the recette                           recette
``faults.py``   ``catalogue()``: its fault types, with their ground truth           faults
``cli.py``      ``register(app)``: its sub-commands                                cli
``templates/``  its configuration templates (Jinja2)
==============  =================================================================  ===========

Each layer loads only the files of its own layer or below, through `parts`; the import contracts in
``.importlinter`` enforce it. Adding a domain is adding its package and one line to `DOMAINS`.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Literal

Part = Literal["model", "facts", "validate", "probes", "realise", "admin", "checks", "faults", "cli"]


@dataclass(frozen=True)
class Domain:
    """A trade domain: its package name and what it covers, in a technician's words."""

    name: str
    summary: str

    @property
    def package(self) -> str:
        return f"{__name__}.{self.name}"


DOMAINS: tuple[Domain, ...] = (
    Domain("network", "addressing plan, switching and VLANs, DHCP, DNS, hosts bottom-up"),
    Domain("firewall", "zones, policies, rules, NAT and port forwards"),
    Domain("switchcli", "switch and access-point command lines over SSH, configuration backups by TFTP"),
    Domain("web", "web servers and sites by name"),
    Domain("directory", "Active Directory: domain controller, users, groups, computers"),
    Domain("files", "file server shares and their rights"),
    Domain("printing", "print server queues and IPP printers"),
    Domain("backup", "backups of the shares to a NAS"),
    Domain("automation", "building automation over MQTT"),
    Domain("video", "IP cameras and the recorder"),
    Domain("telephony", "IP PBX, phones, SIP trunk and operator"),
    Domain("mail", "a mail provider on the internet: SMTP submission, IMAPS, the site's mailboxes"),
    Domain("box", "the internet box of a small business or a home: its admin page, port forwards, DHCP, Wi-Fi settings"),
    Domain("vpn", "the user VPN: OpenVPN server, per-lab CA and certificates, remote workers' tunnels"),
    Domain("wireless", "Wi-Fi admission: WPA2/WPA3-Personal and WPA2-Enterprise (FreeRADIUS on the DC) by 802.1X, stations' supplicants"),
    Domain("desk", "the service desk: tickets with ITIL priority, life cycle, escalation and SLA clocks"),
)
"""The registry, in dependency order: a domain may use the facts and checks of the domains above it."""


ENTRY_POINTS: dict[Part, tuple[str, int]] = {
    "validate": ("validate", 1),  # validate(v: site.validate.Validation)
    "realise": ("realise", 3),  # realise(plan: LabPlan, topo: Topology, node: Node)
    "checks": ("derive", 1),  # derive(ctx: recette.context.Derivation)
    "faults": ("catalogue", 0),  # catalogue() -> its fault types (officelab.faults.model.Fault subclasses)
    "cli": ("register", 1),  # register(app: typer.Typer)
}
"""The function each kind of file offers its layer, with its number of parameters (the domain protocol)."""


@cache
def parts(part: Part) -> tuple[ModuleType, ...]:
    """The ``part`` module of every domain that has one, in registry order (each checked for its entry point)."""
    found = []
    for domain in DOMAINS:
        name = f"{domain.package}.{part}"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        if part in ENTRY_POINTS:
            entry, arity = ENTRY_POINTS[part]
            function = getattr(module, entry, None)
            if not callable(function) or len(inspect.signature(function).parameters) != arity:
                raise TypeError(f"{name} must define {entry}() with {arity} parameter(s): see officelab.domains.ENTRY_POINTS")
        found.append(module)
    return tuple(found)


def part_of(module: str, part: Part) -> ModuleType | None:
    """The ``part`` module of the domain that ``module`` belongs to (None outside a domain, or if it has none): what
    serves one object of a domain (a probe spec declared in its model) without importing every domain."""
    for domain in DOMAINS:
        if module == domain.package or module.startswith(f"{domain.package}."):
            name = f"{domain.package}.{part}"
            return importlib.import_module(name) if importlib.util.find_spec(name) else None
    return None
