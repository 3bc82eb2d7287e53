"""What a domain's ``checks.py`` derives its part of the recette with: the site, its topology, and a check builder.

A domain that depends on another domain's checks asks that domain for their ids by calling it
(``network.checks.ip_checks(ctx, node)``, ``directory.checks.dc_ready(ctx)``): ids are computed from the site,
never read back from the checks derived so far, so the order in which domains derive does not matter.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from officelab.core.probe import ProbeSpecBase
from officelab.recette.model import Check
from officelab.site.model import Node, Site
from officelab.site.topology import HostPort, Topology


class Derivation:
    """The recette being derived from one site."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.checks: list[Check] = []
        self.ids: set[str] = set()

    @cached_property
    def topo(self) -> Topology:
        return Topology(self.site)

    @property
    def domain(self) -> str:
        """The site's internal DNS domain."""
        return self.site.site.domain

    @property
    def hosts(self) -> list[HostPort]:
        return self.topo.hosts

    @cached_property
    def internal_dns(self) -> list[Node]:
        """The site's own DNS servers (not those of the emulated internet)."""
        return [n for n in self.site.nodes if n.services.dns is not None and not n.kind.on_internet]

    def add(self, check: Check) -> str:
        """Add a check (once per id: the first derivation of an id wins) and return its id."""
        if check.id not in self.ids:
            self.ids.add(check.id)
            self.checks.append(check)
        return check.id

    def check(
        self,
        id: str,
        fr: str,
        en: str,
        *,
        on: str,
        probe: ProbeSpecBase,
        criteria: Iterable[str],
        group: str,
        expect: bool = True,
        depends: Iterable[str] = (),
        after: Iterable[str] = (),
        deadline: float = 6.0,
        required: bool = True,
    ) -> str:
        """Add the check ``id`` (titles in French and English), run ``on`` a node, and return its id. ``depends``:
        what it needs (it is blocked when one fails); ``after``: what it must only follow (a phone holds one call)."""
        return self.add(
            Check(
                id,
                fr,
                en,
                on,
                probe,
                tuple(criteria),
                expect=expect,
                depends=tuple(depends),
                after=tuple(after),
                required=required,
                deadline=deadline,
                group=group,
            )
        )
