"""Blocking stays local: a fault on one host fails or blocks only the checks that really depend on that host.

The recette is run by its real engine on a simulated network: every probe answers as the design says, except the
link probes of the hosts whose cable is pulled (and of the trunks cut). Shared checks (a VLAN's DHCP, DNS
records, the directory, the firewall matrix…) must move to another vantage point instead of being blocked."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace

from officelab.domains.network.model import LinkProbe
from officelab.probes import Layer, ProbeResult
from officelab.probes.spec import ProbeSpec
from officelab.recette.derive import derive_suite, not_built
from officelab.recette.engine import run_suite
from officelab.recette.model import Check, Outcome, Status
from officelab.site.loader import load_site, load_text
from officelab.site.model import Site


@dataclass(frozen=True)
class SimPlace:
    name: str

    @contextlib.contextmanager
    def inside(self) -> Iterator[None]:
        yield

    def run(self, argv: list[str], timeout: float, input: str | None = None) -> subprocess.CompletedProcess[str]:
        raise AssertionError("a simulated place runs nothing")

    def resolv_conf(self) -> str:
        return ""

    def path(self, node_path: str) -> str:
        return node_path

    def neighbour(self, node: str) -> SimPlace:
        return SimPlace(node)


def simulate(checks: list[Check], pulled: set[str]) -> list[Outcome]:
    """Run the suite where the link probes at ``pulled`` (``node`` or ``node:port`` of a switch) fail."""
    # Each probe made a distinct object, so that a probe tells which check it belongs to.
    checks = [
        replace(
            c,
            deadline=0,
            probe=c.probe.model_copy(),
            fallbacks=tuple(replace(v, probe=(v.probe or c.probe).model_copy()) for v in c.fallbacks),
        )
        for c in checks
    ]
    owner: dict[int, Check] = {}
    for check in checks:
        for v in check.vantages:
            owner[id(v.probe or check.probe)] = check

    def runner(probe: ProbeSpec, place: SimPlace) -> ProbeResult:  # type: ignore[override]
        check = owner[id(probe)]
        if isinstance(probe, LinkProbe) and (place.name in pulled or f"{place.name}:{probe.interface}" in pulled):
            return ProbeResult(False, Layer.PHYSICAL, f"no carrier on {probe.interface}", "netlink")
        return ProbeResult(check.expect, Layer.APPLICATION, "as designed", "simulated")

    return run_suite(checks, SimPlace, runner=runner)  # type: ignore[arg-type]


def not_passed(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.status is not Status.PASS]


def generated_site(vlans: int, *, dhcp_only: tuple[int, ...] = (), empty: tuple[int, ...] = ()) -> Site:
    """A router on a stick, a core switch, one access switch per VLAN; in each VLAN one DHCP workstation and one
    fixed server (``dhcp_only``: no server; ``empty``: nobody); a directory on the first server joined by every
    workstation; the policy lets each VLAN reach the next one."""
    lines = [
        "site: {name: gen, domain: gen.lan}",
        "vlans:",
        *(
            f"  - {{id: {10 * v}, name: v{v}, subnet: 10.1.{v}.0/24, gateway: 10.1.{v}.1, "
            f"dhcp: {{start: 10.1.{v}.100, end: 10.1.{v}.150}}}}"
            for v in range(1, vlans + 1)
        ),
        "nodes:",
        "  - name: fw",
        "    kind: router",
        f"    interfaces: [{{name: lan, vlans: [{', '.join(f'v{v}' for v in range(1, vlans + 1))}]}}]",
        "    services:",
        "      dhcp: {}",
        "      dns: {}",
        "      firewall:",
        "        zones:",
        *(f"          z{v}: {{vlans: [v{v}], input: accept}}" for v in range(1, vlans + 1)),
        "        policies:",
        *(f"          - {{from: z{v}, to: z{v % vlans + 1}, action: accept}}" for v in range(1, vlans + 1)),
        "  - name: core",
        "    kind: switch",
        "    ports:",
        f"      - {{name: ge1, mode: trunk, vlans: [{', '.join(f'v{v}' for v in range(1, vlans + 1))}]}}",
        *(f"      - {{name: ge{v + 1}, mode: trunk, vlans: [v{v}]}}" for v in range(1, vlans + 1)),
    ]
    for v in range(1, vlans + 1):
        lines.append(
            f"  - {{name: sw{v}, kind: switch, ports: [{{name: up, mode: trunk, vlans: [v{v}]}}, {{name: 'p[1-2]', vlan: v{v}}}]}}"
        )
        if v not in empty:
            lines.append(f"  - {{name: pc{v}, kind: workstation, interfaces: [{{name: eth0, dhcp: true}}]}}")
        if v not in empty + dhcp_only:
            lines.append(f"  - {{name: srv{v}, kind: server, interfaces: [{{name: eth0, address: 10.1.{v}.10/24, gateway: 10.1.{v}.1}}]}}")
    lines += [
        "directory:",
        "  domain: ad.gen.lan",
        "  netbios: GEN",
        "  admin_password: Adm1n-Passw0rd-Gen",
        "  controller: srv1",
        f"  computers: [{', '.join(f'pc{v}' for v in range(1, vlans + 1) if v not in empty)}]",
        "  users: [{login: pdurand, name: Paul Durand, password: Passw0rd-Durand}]",
        "links:",
        "  - [fw:lan, core:ge1]",
    ]
    for v in range(1, vlans + 1):
        lines.append(f"  - [core:ge{v + 1}, sw{v}:up]")
        if v not in empty:
            lines.append(f"  - [pc{v}:eth0, sw{v}:p1]")
        if v not in empty + dhcp_only:
            lines.append(f"  - [srv{v}:eth0, sw{v}:p2]")
    return load_text("\n".join(lines) + "\n", "generated.yaml")


def test_pulling_every_vlans_dhcp_host_blocks_only_their_own_checks() -> None:
    site = generated_site(4)
    checks = derive_suite(site)
    pulled = {f"pc{v}" for v in range(1, 5)}
    healthy = simulate(checks, set())
    assert not not_passed(healthy), [o.check.id for o in not_passed(healthy)]
    broken = simulate(checks, pulled)
    wrong = [o.check.id for o in not_passed(broken) if o.check.place not in pulled or o.check.fallbacks]
    assert not wrong, f"checks failed or blocked away from the pulled hosts: {wrong}"
    # Each VLAN's DHCP is still tested, from the fixed server of the VLAN, and the directory from a workstation
    # is blocked only because every workstation is pulled: it is not built elsewhere, it is blocked honestly.
    by_id = {o.check.id: o for o in broken}
    for v in range(1, 5):
        assert by_id[f"dhcp:vlan{10 * v}"].status is Status.PASS
        assert by_id[f"dhcp:vlan{10 * v}"].ran_at == f"srv{v}"
        assert by_id[f"link:pc{v}:eth0"].status is Status.FAIL
        assert by_id[f"gw:pc{v}"].blocked_by == f"link:pc{v}:eth0"


def test_one_pc_pulled_on_the_default_site_blocks_only_that_pc() -> None:
    site = load_site("cabinet-martin")
    checks = derive_suite(site)
    first_pc = next(c.place for c in checks if c.id.startswith("ad:login:"))
    outcomes = simulate(checks, {first_pc})
    hurt = not_passed(outcomes)
    assert {o.check.place for o in hurt} == {first_pc}, [(o.check.id, o.check.place) for o in hurt]
    assert all(not o.check.fallbacks for o in hurt)
    assert len(hurt) <= 8, [o.check.id for o in hurt]  # its link, address, gateway, DNS, domain join, VDI…
    moved = [o for o in outcomes if o.ran_at != o.check.place]
    assert any(o.check.id.startswith("ad:login:") for o in moved)


def test_a_pulled_trunk_is_one_root_cause_named_by_its_two_ends() -> None:
    site = load_site("cabinet-martin")
    checks = derive_suite(site)
    outcomes = simulate(checks, {"sw-floor:ge24"})
    failed = [o.check.id for o in outcomes if o.status is Status.FAIL]
    assert failed == ["trunk:sw-floor:ge24"]
    trunk = next(o for o in outcomes if o.check.id == "trunk:sw-floor:ge24")
    assert "sw-core:ge2" in trunk.check.title_en
    blocked = [o for o in outcomes if o.status is Status.BLOCKED]
    assert blocked and all(o.blocked_by == "trunk:sw-floor:ge24" for o in blocked)


def test_a_zone_of_dhcp_hosts_only_is_tested_at_the_address_its_host_holds() -> None:
    site = generated_site(3, dhcp_only=(2,))
    flows = {c.id: c for c in derive_suite(site) if c.id.startswith("flow:")}
    into = flows["flow:z1->z2:icmp"]
    assert into.probe.address_of == "pc2:eth0"  # type: ignore[attr-defined]
    assert "ip:pc2:eth0" in into.depends
    assert not flows["flow:z3->z2:icmp"].expect  # the policy lets z1 into z2 only: the denied flow is tested too


def test_flows_that_nothing_can_test_are_reported_not_built_with_why() -> None:
    site = generated_site(3, empty=(3,))
    missing = {n.id: n.why for n in not_built(site)}
    assert missing["flow:z3->z1"] == "zone z3 has no host with a gateway to test from"
    assert missing["flow:z1->z3"] == "zone z3 has no host to reach (no fixed address, no DHCP host)"
    assert not any(i.startswith(("flow:z1->z2", "flow:z2->z1")) for i in missing)
