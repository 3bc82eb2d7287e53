"""What a domain's ``checks.py`` derives its part of the recette with: the site, its topology, and a check builder.

A domain that depends on another domain's checks asks that domain for their ids by calling it
(``network.checks.ip_checks(ctx, node)``, ``directory.checks.dc_ready(ctx)``): ids are computed from the site,
never read back from the checks derived so far, so the order in which domains derive does not matter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from typing import Any, TypeVar, cast

from officelab.core.probe import ProbeSpecBase
from officelab.probes.spec import ProbeSpec
from officelab.recette.model import Check, NotBuilt, Vantage
from officelab.site.model import Node, Site
from officelab.site.topology import HostPort, Topology

On = str | Sequence[Vantage]
T = TypeVar("T")
"""Where a check runs: one node, or vantage points in order of preference (each with what it needs there)."""

VANTAGES = 3
"""How many places a shared check may run from: its first choice and two fallbacks, on other switches first."""


class Derivation:
    """The recette being derived from one site."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.checks: list[Check] = []
        self.ids: set[str] = set()
        self.unbuilt: list[NotBuilt] = []
        self._facts: dict[str, Any] = {}

    def fact(self, key: str, compute: Callable[[], T]) -> T:
        """A fact of the site that several domains ask for (the firewall's planned flows), computed once."""
        if key not in self._facts:
            self._facts[key] = compute()
        return cast(T, self._facts[key])

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

    def not_built(self, id: str, fr: str, en: str, why: str, group: str) -> None:
        """Record a check the site implies that cannot be built on it, and why (once per id)."""
        if id not in self.ids and all(n.id != id for n in self.unbuilt):
            self.unbuilt.append(NotBuilt(id, fr, en, why, group))

    def check(
        self,
        id: str,
        fr: str,
        en: str,
        *,
        on: On,
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
        what it needs (it is blocked when one fails); ``after``: what it must only follow (a phone holds one call).
        With vantage points, ``depends`` is added to what each needs."""
        common = tuple(depends)

        def once(ids: Iterable[str]) -> tuple[str, ...]:  # two needs may name the same trunk
            return tuple(dict.fromkeys(ids))

        fallbacks: tuple[Vantage, ...] = ()
        if isinstance(on, str):
            place, needs = on, once(common)
        else:
            first, *rest = on
            place, needs = first.place, once((*first.depends, *common))
            probe = first.probe or probe
            fallbacks = tuple(Vantage(v.place, once((*v.depends, *common)), v.probe) for v in rest)
        return self.add(
            Check(
                id,
                fr,
                en,
                place,
                probe,
                tuple(criteria),
                expect=expect,
                depends=needs,
                fallbacks=fallbacks,
                after=tuple(after),
                required=required,
                deadline=deadline,
                group=group,
            )
        )

    def access_switch(self, hp: HostPort) -> str:
        """The switch (or node) a host's interface is cabled to ("" if not cabled)."""
        far = self.topo.peers.get((hp.node.name, hp.iface.name))
        return far[0] if far else ""

    def vantages(
        self,
        hosts: Iterable[HostPort],
        needs: Callable[[HostPort], Iterable[str]],
        probe: Callable[[HostPort], ProbeSpec] | None = None,
        also: Iterable[HostPort] = (),
    ) -> tuple[Vantage, ...]:
        """Up to `VANTAGES` places to run a shared check from: the first of ``hosts``, then hosts cabled to other
        switches (a pulled trunk must not take every vantage point with it), then the next ones; the last one
        from ``also`` (hosts of another kind that can run it too) when there are any."""
        first = self._spread(list(hosts), VANTAGES - 1 if also else VANTAGES, [])
        chosen = self._spread(list(also), VANTAGES, first)
        return tuple(Vantage(hp.node.name, tuple(needs(hp)), probe(hp) if probe else None) for hp in chosen)

    def _spread(self, hosts: list[HostPort], limit: int, chosen: list[HostPort]) -> list[HostPort]:
        chosen = list(chosen)
        taken = {(c.node.name, c.iface.name) for c in chosen}
        switches = {self.access_switch(c) for c in chosen}
        for spread in (True, False):
            for hp in hosts:
                key = (hp.node.name, hp.iface.name)
                if len(chosen) < limit and key not in taken and not (spread and chosen and self.access_switch(hp) in switches):
                    chosen.append(hp)
                    taken.add(key)
                    switches.add(self.access_switch(hp))
        return chosen
