"""The fault catalogue (every domain's ``faults.py``) and what a trainer does with it on a live lab: inject a fault
(checked against the site first), list the active ones, clear one or all (restoring what each changed, the last
injected first), draw random ones, and make them again on a lab restored from a snapshot."""

from __future__ import annotations

import random
from dataclasses import asdict
from functools import cache
from typing import Any

from pydantic import ValidationError

from officelab.core.errors import OfficeLabError
from officelab.domains import DOMAINS, parts
from officelab.faults import store
from officelab.faults.model import Fault, FaultInfo, GroundTruth
from officelab.faults.store import ActiveFault
from officelab.runtime.kernel import require_root
from officelab.runtime.lab import Lab
from officelab.site.model import Site


@cache
def catalogue() -> dict[str, tuple[str, type[Fault]]]:
    """Every fault type by kind → (its domain, its class), in registry order."""
    found: dict[str, tuple[str, type[Fault]]] = {}
    for module in parts("faults"):
        domain = module.__name__.split(".")[-2]
        for kind in module.catalogue():
            if kind.kind in found:
                raise TypeError(f"fault type {kind.kind} declared by {domain} and {found[kind.kind][0]}")
            found[kind.kind] = (domain, kind)
    return found


def describe(kind: type[Fault], domain: str) -> FaultInfo:
    parameters = {name: f.description or "" for name, f in kind.model_fields.items()}
    return FaultInfo(kind.kind, domain, kind.title_fr, kind.title_en, kind.layer, kind.difficulty, kind.competencies, parameters)


def fault_type(kind: str) -> type[Fault]:
    known = catalogue()
    if kind not in known:
        raise OfficeLabError(f"no fault type {kind!r}: see `officelab fault catalogue` ({len(known)} types)")
    return known[kind][1]


def make(site: Site, kind: str, params: dict[str, Any]) -> Fault:
    """A fault of type ``kind`` with ``params``, refused with a readable line if they do not fit the site."""
    cls = fault_type(kind)
    try:
        fault = cls.model_validate(params)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or kind
        expected = ", ".join(cls.model_fields)
        raise OfficeLabError(f"fault {kind}: {where}: {first['msg']} (its parameters: {expected or 'none'})") from None
    problems = fault.problems(site)
    if problems:
        raise OfficeLabError(f"fault {kind}: {problems[0]}")
    return fault


def _restore(entry: ActiveFault) -> Fault:
    return fault_type(entry.kind).model_validate(entry.params)


def active(lab: Lab) -> list[ActiveFault]:
    return store.load(lab.dir.path)


def truth_of(entry: ActiveFault) -> GroundTruth:
    data = entry.truth
    words = {k: str(data[k]) for k in ("cause_fr", "cause_en", "where", "fix_fr", "fix_en")}
    return GroundTruth(**words, fails=tuple(data["fails"]), may_fail=tuple(data.get("may_fail", ())))


def inject(lab: Lab, fault: Fault, hidden: bool = False) -> ActiveFault:
    """Make ``fault`` on the live lab and record it with its ground truth."""
    require_root()
    with lab.dir.lock():
        if not lab.is_up():
            raise OfficeLabError(f"lab {lab.name} is not up: `officelab up --lab {lab.name}` first")
        faults = store.load(lab.dir.path)
        label = fault.label()
        if any(_restore(f).label() == label for f in faults):
            raise OfficeLabError(f"{label} is already injected in lab {lab.name}")
        truth = fault.truth(lab.site())
        undo = fault.inject(lab)
        entry = ActiveFault(store.next_id(faults), fault.kind, fault.model_dump(mode="json"), hidden, undo, asdict(truth))
        store.save(lab.dir.path, [*faults, entry])
    return entry


def clear(lab: Lab, ids: list[str] | None = None) -> list[ActiveFault]:
    """Clear the faults ``ids`` (all when None), the last injected first, each put back as it was."""
    require_root()
    with lab.dir.lock():
        faults = store.load(lab.dir.path)
        if ids is not None:
            unknown = [i for i in ids if i not in {f.id for f in faults}]
            if unknown:
                shown = ", ".join(f.id for f in faults) or "none"
                raise OfficeLabError(f"no active fault {', '.join(unknown)} in lab {lab.name} (active: {shown})")
        chosen = [f for f in faults if ids is None or f.id in ids]
        cleared: list[ActiveFault] = []
        try:
            for entry in reversed(chosen):
                if lab.is_up():
                    _restore(entry).clear(lab, entry.undo)
                cleared.append(entry)
        finally:
            store.save(lab.dir.path, [f for f in faults if f not in cleared])
    return cleared


def draw(site: Site, count: int, seed: int | None, domain: str | None = None) -> list[Fault]:
    """``count`` different faults for this site, drawn with ``seed`` (the same seed, the same faults), each of
    another type, so that they do not hide each other."""
    if domain is not None and domain not in {d.name for d in DOMAINS}:
        raise OfficeLabError(f"no domain {domain!r}: the domains are {', '.join(d.name for d in DOMAINS)}")
    rng = random.Random(seed)
    types = [cls for d, cls in catalogue().values() if domain in (None, d)]
    rng.shuffle(types)
    chosen: list[Fault] = []
    for cls in types:
        options = cls.candidates(site)
        if options:
            chosen.append(rng.choice(options))
        if len(chosen) == count:
            return chosen
    raise OfficeLabError(f"only {len(chosen)} fault types apply to this site{f' in domain {domain}' if domain else ''}, not {count}")


def reapply(lab: Lab) -> int:
    """After a snapshot's restore (a fresh boot of its state): make its recorded faults again. Returns how many."""
    faults = store.load(lab.dir.path)
    for entry in faults:
        _restore(entry).reapply(lab, entry.undo)
    return len(faults)
