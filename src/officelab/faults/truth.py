"""What a ground truth is computed from: the checks the recette derives for the site, where each runs and what it
addresses, and the site's cabling (which hosts are behind a port)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from officelab.recette.derive import derive_suite
from officelab.recette.model import Check
from officelab.site.model import Site, split_endpoint
from officelab.site.topology import Topology, fixed_address

_DERIVED: list[tuple[Site, tuple[Check, ...]]] = []
"""The last sites' derived checks (a site model is not hashable; a few faults of one site ask for them)."""


def checks(site: Site) -> tuple[Check, ...]:
    for known, derived in _DERIVED:
        if known is site:
            return derived
    derived = tuple(derive_suite(site))
    _DERIVED[:] = [(site, derived), *_DERIVED[:3]]
    return derived


def ids(site: Site, *wanted: str) -> tuple[str, ...]:
    """The ids among ``wanted`` that the recette of this site has (a site without a camera has no camera checks)."""
    present = {c.id for c in checks(site)}
    return tuple(w for w in wanted if w in present)


def addressing(site: Site, nodes: Iterable[str]) -> tuple[str, ...]:
    """The checks that run on one of ``nodes`` or address one of them (by name, FQDN or address): the ones a
    fault on those nodes may make fail, as consequences a technician would see."""
    names = set(nodes)
    words: set[str] = set()
    for node in site.nodes:
        if node.name in names:
            words.add(node.name)
            address = fixed_address(node, reserved=True)
            if address is not None:
                words.add(str(address))
    found = []
    for check in checks(site):
        if any(v.place in names for v in check.vantages):
            found.append(check.id)
            continue
        text = json.dumps([(v.probe or check.probe).model_dump(mode="json") for v in check.vantages])
        if any(_mentions(text, w) for w in words):
            found.append(check.id)
    return tuple(found)


def _mentions(text: str, word: str) -> bool:
    """``word`` appears in ``text`` as a whole name or address (``pc-1`` is not in ``pc-10``)."""
    start = text.find(word)
    while start != -1:
        before = text[start - 1] if start else " "
        end = start + len(word)
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before in "-_.") and not (
            after.isalnum() or after in "-_" or (after == "." and text[end + 1 : end + 2].isdigit())
        ):
            return True
        start = text.find(word, start + 1)
    return False


def hosts_behind(site: Site, endpoint: str) -> set[str]:
    """The nodes that reach the rest of the site only through the cable at ``endpoint`` (``sw-core:ge2`` → every
    node of the floor switch's side): the side of that cable away from the router, the cable cut."""
    node, _ = split_endpoint(endpoint)
    link = next(lk for lk in site.links if endpoint in (lk.a, lk.b))
    far = split_endpoint(link.b if link.a == endpoint else link.a)[0]
    graph: dict[str, set[str]] = {}
    for lk in site.links:
        if lk is link:
            continue
        a, b = split_endpoint(lk.a)[0], split_endpoint(lk.b)[0]
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set()).add(a)
    routers = {n.name for n in site.nodes if n.kind.routes}

    def side(start: str) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    near, beyond = side(node), side(far)
    return beyond if not (beyond & routers) else (near if not (near & routers) else set())


def topology(site: Site) -> Topology:
    return Topology(site)


def roots(site: Site, failing: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split checks that a fault makes fail into those the recette runs and sees fail (none of what they depend
    on fails too, at one of the places they can run from at least) and those it reports blocked under them:
    (roots, blocked)."""
    wanted = set(failing)
    by_id = {c.id: c for c in checks(site)}
    memo: dict[str, bool] = {}

    def down(check_id: str) -> bool:
        """The check fails or is blocked."""
        return check_id in wanted or blocked(check_id)

    def blocked(check_id: str) -> bool:
        if check_id not in memo:
            memo[check_id] = False  # the suite has no cycle; this only guards the recursion
            check = by_id.get(check_id)
            memo[check_id] = check is not None and all(any(down(d) for d in v.depends) for v in check.vantages)
        return memo[check_id]

    ordered = [c.id for c in checks(site) if c.id in wanted]
    root = tuple(i for i in ordered if not blocked(i))
    return root, tuple(i for i in ordered if i not in root)


def place_of(site: Site, check_id: str) -> str:
    """Where a derived check runs ("" if the site has no such check)."""
    return next((c.place for c in checks(site) if c.id == check_id), "")


def other_server(site: Site, node: str) -> str:
    """A host with a fixed address other than ``node``: a target to walk towards from it."""
    topo = Topology(site)
    return next(hp.node.name for hp in topo.hosts if hp.fixed is not None and hp.node.name != node and not hp.node.kind.on_internet)


def configured(site: Site, node: str) -> tuple[str, ...]:
    """The checks that read ``node``'s configuration (a managed switch's, over its command line)."""
    return tuple(c.id for c in checks(site) if getattr(c.probe, "kind", "") == "switch-config" and getattr(c.probe, "hostname", "") == node)


def with_configuration(site: Site, node: str, fails: Iterable[str], may: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A fault that is a change of ``node``'s configuration also makes the checks that read it fail (it is no longer
    the design, nor the saved configuration), unless they are blocked (the switch out of reach)."""
    root, blocked = roots(site, [*fails, *configured(site, node)])
    return root, (*may, *blocked)
