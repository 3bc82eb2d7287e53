"""Shared helpers of the domain tests: the built-in sites, one domain's checks derived alone, the whole suite,
and a site file with some of its sections taken out."""

from __future__ import annotations

import importlib
import importlib.util
import io
from collections.abc import Iterable
from functools import cache
from types import ModuleType

from ruamel.yaml import YAML

from officelab.criteria import catalogue
from officelab.domains import DOMAINS
from officelab.domains.firewall.model import FirewallService
from officelab.recette.context import Derivation
from officelab.recette.derive import derive_suite
from officelab.recette.model import Check
from officelab.site.catalog import builtin_sites
from officelab.site.loader import load_site, load_text
from officelab.site.model import Node, Site

SITES = ("cabinet-martin", "tpe")


@cache
def site(name: str) -> Site:
    return load_site(name)


def checks_of(domain: str) -> ModuleType:
    return importlib.import_module(f"officelab.domains.{domain}.checks")


def derivation(where: str | Site, *domains: str) -> Derivation:
    """A fresh derivation of ``where`` (a built-in site's name, or a site) into which ``domains`` derived, in that order."""
    ctx = Derivation(site(where) if isinstance(where, str) else where)
    for domain in domains:
        checks_of(domain).derive(ctx)
    return ctx


def alone(domain: str, where: str | Site = "cabinet-martin") -> dict[str, Check]:
    """The checks ``domain`` derives alone, into a fresh derivation, by id (in derivation order)."""
    return {c.id: c for c in derivation(where, domain).checks}


def firewall(ctx: Derivation) -> tuple[Node, FirewallService]:
    """The site's router with a firewall, and its firewall."""
    router = next(n for n in ctx.site.nodes if n.services.firewall is not None)
    assert router.services.firewall is not None
    return router, router.services.firewall


@cache
def suite(name: str) -> dict[str, Check]:
    """The whole suite of a built-in site, by id."""
    return {c.id: c for c in derive_suite(site(name))}


@cache
def reversed_suite(name: str) -> dict[str, Check]:
    """Every domain's checks derived in the reverse of the registry's order (of the domains that have checks)."""
    having = [d.name for d in reversed(DOMAINS) if importlib.util.find_spec(f"officelab.domains.{d.name}.checks") is not None]
    return {c.id: c for c in derivation(name, *having).checks}


def family(checks: Iterable[str], prefix: str) -> set[str]:
    return {i for i in checks if i.startswith(prefix)}


def assert_sound(domain: str, name: str, uses: Iterable[str], groups: set[str], unique_depends: bool = True) -> dict[str, Check]:
    """What ``domain`` derives alone on the built-in site ``name`` is sound, and returned.

    Sound: not empty; every check in one of ``groups``, run on a node of the site, titled in both languages and
    mapped to criteria of the catalogue; every dependency a check of the domain or of the domains it ``uses``, and
    in the whole suite; each check equal to the check of that id in the whole suite, whatever the order the
    domains derive in (ids computed from the site, not from the checks derived before)."""
    mine = alone(domain, name)
    assert mine, f"{domain} derives nothing on {name}"
    theirs = set().union(*(alone(d, name) for d in uses))
    assert not theirs & set(mine), "a domain derives only its own ids"
    known, nodes = set(catalogue().criteria), {n.name for n in site(name).nodes}
    for check in mine.values():
        assert check.group in groups, check.id
        assert check.place in nodes, check.id
        assert check.title_fr and check.title_en, check.id
        assert check.criteria and set(check.criteria) <= known, f"{check.id}: {set(check.criteria) - known}"
        assert check.id not in check.depends, check.id
        if unique_depends:
            assert len(set(check.depends)) == len(check.depends), f"{check.id} lists a dependency twice: {check.depends}"
        for dep in check.depends:
            assert dep in mine or dep in theirs, f"{check.id} depends on {dep}, neither of {domain} nor of {', '.join(uses)}"
            assert dep in suite(name), f"{check.id} depends on {dep}, not in the suite"
        assert suite(name)[check.id] == check, f"{check.id} differs in the whole suite"
        assert reversed_suite(name)[check.id] == check, f"{check.id} differs when the domains derive in reverse order"
    return mine


def without(name: str, *paths: tuple[str, ...]) -> Site:
    """The built-in site ``name`` without the keys at ``paths``, loaded and validated.

    A path goes down the site file's mappings by key, and through a list by an item's ``name``:
    ``("nodes", "srv-files", "services", "print")``; its last name may be a list's item."""
    yaml = YAML(typ="rt")
    data = yaml.load(builtin_sites()[name].read_text(encoding="utf-8"))
    for *head, last in paths:
        node = data
        for key in head:
            node = next(item for item in node if item["name"] == key) if isinstance(node, list) else node[key]
        if isinstance(node, list):
            kept = [item for item in node if item["name"] != last]
            assert len(kept) < len(node), f"{name} has no {'.'.join((*head, last))}"
            node[:] = kept
            continue
        assert last in node, f"{name} has no {'.'.join((*head, last))}"
        del node[last]
    text = io.StringIO()
    yaml.dump(data, text)
    return load_text(text.getvalue(), f"{name}-without")
