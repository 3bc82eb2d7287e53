"""The fault catalogue, without root: every type is declared once in its domain, documented, applies to the
default site, and its ground truth names checks the recette really has."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest

from officelab.core.errors import OfficeLabError
from officelab.faults import engine
from officelab.faults import truth as t
from officelab.faults.model import Fault
from officelab.site.loader import load_site
from officelab.site.model import Site

SITE = load_site("cabinet-martin")
SMALL = load_site("tpe")
"""The small site: the internet box's faults apply to it, not to the default site (it has no box)."""
TYPES = engine.catalogue()


def site_of(kind: str) -> Site:
    """The default site, or the small one for a type that applies only there."""
    return SITE if TYPES[kind][1].candidates(SITE) else SMALL


def test_at_least_35_types_over_every_domain_with_faults() -> None:
    assert len(TYPES) >= 35
    assert {d for d, _ in TYPES.values()} >= {
        "network",
        "firewall",
        "web",
        "directory",
        "files",
        "printing",
        "automation",
        "video",
        "telephony",
    }


@pytest.mark.parametrize("kind", list(TYPES))
def test_each_type_is_documented_and_applies_to_the_default_site(kind: str) -> None:
    cls = TYPES[kind][1]
    assert cls.title_fr and cls.title_en and 1 <= cls.difficulty <= 3
    assert "TRI-CT" in cls.competencies or "TAI-CP11" in cls.competencies
    assert all(f.description for f in cls.model_fields.values()), "every parameter says what it is"
    site = site_of(kind)
    candidates = cls.candidates(site)
    assert candidates, f"{kind} applies to the default site (or, for the box's, to tpe)"
    assert site is SITE or TYPES[kind][0] == "box", f"{kind} applies to the default site"
    for fault in candidates:
        assert fault.problems(site) == []


@pytest.mark.parametrize("kind", list(TYPES))
def test_ground_truth_names_checks_of_the_recette(kind: str) -> None:
    site = site_of(kind)
    present = {c.id for c in t.checks(site)}
    for fault in TYPES[kind][1].candidates(site):
        truth = fault.truth(site)
        assert truth.fails and set(truth.fails) <= present, (fault.label(), truth.fails)
        assert truth.cause_fr and truth.cause_en and truth.where and truth.fix_fr and truth.fix_en
        for pattern in truth.may_fail:
            assert any(fnmatch.fnmatchcase(i, pattern) for i in present), (fault.label(), pattern)


def test_parameters_are_checked_against_the_site() -> None:
    with pytest.raises(OfficeLabError, match="is not a host's cabled interface"):
        engine.make(SITE, "cable-pulled", {"at": "pc-nowhere:eth0"})
    with pytest.raises(OfficeLabError, match="at: Field required"):
        engine.make(SITE, "cable-pulled", {})
    with pytest.raises(OfficeLabError, match="Extra inputs are not permitted"):
        engine.make(SITE, "cable-pulled", {"at": "pc-compta-1:eth0", "speed": "1"})
    with pytest.raises(OfficeLabError, match="no fault type 'cable-cut'"):
        engine.make(SITE, "cable-cut", {})
    with pytest.raises(OfficeLabError, match="vlan must be another"):
        engine.make(SITE, "port-wrong-vlan", {"port": "sw-floor:ge1", "vlan": "10"})
    fault = engine.make(SITE, "cable-pulled", {"at": "pc-compta-1:eth0"})
    assert fault.label() == "cable-pulled at=pc-compta-1:eth0"


def test_random_draws_are_reproducible_and_of_distinct_types() -> None:
    first = engine.draw(SITE, 5, seed=7)
    assert [f.label() for f in first] == [f.label() for f in engine.draw(SITE, 5, seed=7)]
    assert len({f.kind for f in first}) == 5
    assert all(TYPES[f.kind][0] == "directory" for f in engine.draw(SITE, 3, seed=1, domain="directory"))
    with pytest.raises(OfficeLabError, match="only"):
        engine.draw(SITE, 500, seed=1)


def test_hosts_behind_a_trunk() -> None:
    floor = t.hosts_behind(SITE, "sw-core:ge2")  # the trunk down to the floor switch
    assert "pc-compta-1" in floor and "sw-floor" in floor and "srv-ad" not in floor and "fw" not in floor
    core = t.hosts_behind(SITE, "sw-core:ge1")  # the uplink to the router
    assert {"srv-ad", "pc-compta-1"} <= core and "fw" not in core


def test_addressing_matches_whole_names_only() -> None:
    assert t._mentions('{"target": "pc-compta-1.x"}', "pc-compta-1")
    assert not t._mentions('{"target": "pc-compta-10"}', "pc-compta-1")
    assert not t._mentions('{"target": "10.10.40.100"}', "10.10.40.10")
    assert t._mentions('{"target": "10.10.40.10"}', "10.10.40.10")


def test_every_fault_is_a_typed_model() -> None:
    assert all(issubclass(cls, Fault) for _, cls in TYPES.values())


def test_the_documented_catalogue_lists_every_type() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "troubleshooting.md").read_text()
    assert [k for k in TYPES if f"| `{k}` |" not in doc] == []


@pytest.mark.parametrize("kind", list(TYPES))
def test_vantage_points_are_hosts_and_targets_the_site_has(kind: str) -> None:
    from officelab.diagnosis.target import resolve

    nodes = {n.name for n in SITE.nodes}
    for fault in TYPES[kind][1].candidates(SITE)[:3]:
        vantage = fault.vantage(SITE)
        if vantage is None:
            continue
        source, target, named = vantage
        assert source in nodes and named, (fault.label(), vantage)
        assert resolve(SITE, target).text == target
