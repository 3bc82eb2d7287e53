"""Loading site files: the built-in sites load, and every kind of mistake is reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from officelab.core.errors import SiteInvalid
from officelab.site.catalog import builtin_sites, resolve
from officelab.site.loader import load_site, load_text
from officelab.site.model import NodeKind


def problems(text: str) -> list[str]:
    with pytest.raises(SiteInvalid) as info:
        load_text(text, "site.yaml")
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize("name", ["cabinet-martin", "tpe"])
def test_builtin_sites_are_valid(name: str) -> None:
    site = load_site(name)
    assert site.name == name


def test_default_site_has_what_the_firm_needs() -> None:
    site = load_site("cabinet-martin")
    kinds = {n.kind for n in site.nodes}
    assert {
        NodeKind.ROUTER,
        NodeKind.SWITCH,
        NodeKind.ISP,
        NodeKind.PUBLIC_SERVER,
        NodeKind.WORKSTATION,
        NodeKind.LAPTOP,
        NodeKind.TABLET,
    } <= kinds
    assert {v.name for v in site.vlans} >= {"users", "voice", "iot", "servers", "guests", "mgmt"}
    assert len([n for n in site.nodes if n.kind is NodeKind.SWITCH and n.name.startswith("sw-")]) == 2
    fw = site.node("fw").services.firewall
    assert fw is not None and fw.nat.masquerade and fw.nat.forwards
    public = [str(i.address.ip) for n in site.nodes for i in n.interfaces if n.kind.on_internet and i.address]
    assert public and all(a.startswith(("198.51.100.", "203.0.113.")) for a in public)


def test_resolve_by_name_and_path(tmp_path: Path) -> None:
    assert resolve("tpe") == builtin_sites()["tpe"]
    copy = tmp_path / "mine.yaml"
    copy.write_text(builtin_sites()["tpe"].read_text())
    assert load_site(copy).name == "tpe"


def test_unknown_key_names_line_and_suggests(default_site_text: str) -> None:
    text = default_site_text.replace("      lease: 12h\n", "      leese: 12h\n", 1)
    [problem] = problems(text)
    line = text.splitlines().index("      leese: 12h") + 1
    assert problem.startswith(f"site.yaml:{line}: vlans[0].dhcp.leese: unknown key `leese`")
    assert "did you mean `lease`" in problem


def test_wrong_type_and_enum(default_site_text: str) -> None:
    text = default_site_text.replace("id: 20", "id: twenty").replace("kind: camera", "kind: camra")
    found = problems(text)
    assert any("vlans[1].id" in p for p in found)
    assert any("kind" in p and "'camra' is not one of the allowed values" in p and "camera" in p for p in found)


def test_yaml_syntax_error_has_line() -> None:
    [problem] = problems("site:\n  name: x\n  domain: [unclosed\nnodes: []\n")
    assert problem.startswith("site.yaml:") and "YAML syntax" in problem


def test_duplicate_yaml_key_is_an_error() -> None:
    found = problems("site:\n  name: a\n  name: b\n  domain: a.lan\nnodes: []\n")
    assert found and "site.yaml:3" in found[0]


def test_not_a_mapping() -> None:
    [problem] = problems("- just\n- a list\n")
    assert "site file" in problem and "is a YAML mapping" in problem


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(SiteInvalid) as info:
        load_site(tmp_path)  # a directory
    assert "cannot read the site file" in str(info.value)


def test_all_problems_at_once(default_site_text: str) -> None:
    text = (
        default_site_text.replace("10.10.40.10/24", "10.10.41.10/24")
        .replace("[www:eth0, inet-sw:p3]", "[www:eth0, inet-sw:p9]")
        .replace("from: iot, to: servers", "from: iot, to: servres")
        .replace("10.10.99.3/24", "10.10.99.2/24")
    )
    found = problems(text)
    assert len(found) >= 4
    joined = "\n".join(found)
    assert "unknown zone 'servres'" in joined
    assert "inet-sw has no port 'p9'" in joined and "p1, p2" in joined
    assert "duplicate address 10.10.99.2" in joined
    assert "10.10.41.10/24 is not in VLAN 40 (servers)" in joined
    assert all(p.startswith("site.yaml:") and "hint:" in p for p in found)


def test_error_string_counts_problems(default_site_text: str) -> None:
    with pytest.raises(SiteInvalid) as info:
        load_text(default_site_text.replace("name: users", "name: Users"), "f.yaml")
    assert str(info.value).splitlines()[0].startswith("f.yaml: ") and "nothing was changed" in str(info.value)
