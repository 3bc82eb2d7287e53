"""The recette of a site, derived from its model: what the site says must work, and what it says must not.

Each domain derives its part (``officelab.domains.<name>.checks.derive``), in registry order: the network
bottom-up for every host (link → IP configuration → gateway → DNS), DHCP per VLAN, layer-2 isolation, switch
management and the WAN; the firewall policy as a matrix of flows; web sites by name; the directory, shares,
printing, backups, automation, video and telephony. Each check is mapped to the criteria it evidences. The
site file's own ``checks:`` are appended.
"""

from __future__ import annotations

from officelab.core.errors import Problem
from officelab.domains import parts
from officelab.recette.context import Derivation
from officelab.recette.model import Check, NotBuilt
from officelab.site.model import Site, SiteCheck


def check_from_spec(spec: SiteCheck, place: str, group: str) -> Check:
    """A check written by a person (in a site file or a field plan)."""
    return Check(
        spec.id,
        spec.title,
        spec.title_en or spec.title,
        place,
        spec.probe,
        tuple(spec.criteria),
        expect=spec.expect == "pass",
        depends=tuple(spec.depends),
        required=spec.required,
        group=group,
    )


def derive(site: Site) -> Derivation:
    """The whole derivation: its checks, and (`unbuilt_checks`) what could not be built."""
    ctx = Derivation(site)
    for domain in parts("checks"):
        domain.derive(ctx)
    for custom in site.checks:
        ctx.add(check_from_spec(custom, custom.from_, "site"))
    return ctx


def derive_suite(site: Site) -> list[Check]:
    """Every check the site's model implies, plus the site's own."""
    return derive(site).checks


def unbuilt_checks(ctx: Derivation) -> list[NotBuilt]:
    """The checks a derivation's site implies that cannot be built on it, with why."""
    return [n for n in ctx.unbuilt if n.id not in ctx.ids]


def not_built(site: Site) -> list[NotBuilt]:
    return unbuilt_checks(derive(site))


def reference_problems(site: Site) -> list[Problem]:
    """The site's own checks may depend only on checks that exist (derived, or of the site)."""
    if not site.checks:
        return []
    ids = {c.id for c in derive_suite(site)}
    problems = []
    for i, check in enumerate(site.checks):
        for k, dep in enumerate(check.depends):
            if dep not in ids or dep == check.id:
                problems.append(
                    Problem(("checks", i, "depends", k), f"unknown check {dep!r}", "see `officelab check --list` for the check ids")
                )
    return problems
