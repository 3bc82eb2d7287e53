"""Cross-reference checks of a site: everything the types alone cannot say.

The driver hands a `Validation` to each domain's ``validate(v)`` in registry order; each appends `Problem`s
with the field path where a person would fix it, and the loader turns paths into line numbers. All problems
are collected, none stops the others. The dependencies of the site's own checks name derived checks: the
recette layer checks them (`officelab.recette.derive.reference_problems`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cached_property

from officelab.core.errors import Problem
from officelab.core.model import VlanRef
from officelab.domains import parts
from officelab.site.model import Site
from officelab.site.topology import Topology

Path = tuple[str | int, ...]


class Validation:
    """What a domain's validator works with: the site, its topology, and where problems go."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.problems: list[Problem] = []

    @cached_property
    def topo(self) -> Topology:
        return Topology(self.site)

    def add(self, path: Path, message: str, hint: str = "") -> None:
        self.problems.append(Problem(path=path, message=message, hint=hint))

    def vlan_ref(self, ref: VlanRef | None, path: Path) -> None:
        """A reference to a VLAN must name a declared one."""
        if ref is not None and self.topo.vlan(ref) is None:
            known = ", ".join(f"{v.id} ({v.name})" for v in self.site.vlans) or "none declared"
            self.add(path, f"unknown VLAN {ref!r}", f"declared VLANs: {known}")

    def duplicates(self, values: Iterable[tuple[object, Path]], what: str) -> None:
        """Each repeated value is reported where it appears again."""
        items = list(values)
        counts = Counter(v for v, _ in items)
        seen: set[object] = set()
        for value, path in items:
            if counts[value] > 1:
                if value in seen:
                    self.add(path, f"duplicate {what} {value}", f"each {what} must be unique in the site")
                seen.add(value)


def _site_checks(v: Validation) -> None:
    """The site's own checks: a known node and known criteria."""
    if not v.site.checks:
        return
    from officelab.criteria import catalogue

    known = catalogue().criteria
    for i, check in enumerate(v.site.checks):
        if check.from_ not in v.topo.nodes:
            v.add(("checks", i, "from"), f"unknown node {check.from_!r}", "the node the probe runs on, from `nodes:`")
        for k, criterion in enumerate(check.criteria):
            if criterion not in known:
                v.add(("checks", i, "criteria", k), f"unknown criterion {criterion!r}", "see `officelab criteria` for the IDs")


def validate(site: Site) -> list[Problem]:
    """Every cross-reference problem of a site (an empty list when it is sound)."""
    v = Validation(site)
    for domain in parts("validate"):
        domain.validate(v)
    _site_checks(v)
    return v.problems
