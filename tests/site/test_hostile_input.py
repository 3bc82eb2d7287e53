"""Hostile or broken input is bounded: whatever a site file holds, it is refused with a `SiteInvalid` naming the
file, within a second and well under 200 MB, and its refusal never echoes a whole value.

The properties generate each kind of hostile input (huge files, deep nesting, alias bombs, huge port ranges,
long values, binary junk, files that are not regular files) and time each refusal in this process. The memory
of the worst case of each kind is measured in a fresh subprocess: the growth of its peak resident size during
the load (``VmHWM``, reset after the imports; ``ru_maxrss`` where it cannot be reset), which is more honest
than a count of Python allocations.

The refusals that need the whole file parsed and typed first (more nodes than allowed) are measured apart, in
a fresh process too (`test_refusals_after_parsing`), against the same second.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from officelab.core.errors import SiteInvalid
from officelab.site.limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_NODES,
    MAX_PORTS,
    MAX_PORTS_PER_RANGE,
    MAX_PORTS_PER_SWITCH,
    MAX_SITE_BYTES,
    MAX_TEXT_CHARS,
    MAX_YAML_VALUES,
)
from officelab.site.loader import load_site, load_text
from tests.conftest import cli

SECONDS = 1.0
"""Every early refusal comes within this (measured with `time.monotonic` around `load_site`)."""
MEGABYTES = 200
"""And grows the process's peak resident size by less than this."""
OUTPUT_CHARS = 4000
"""A refusal is a few lines, never the value it refuses."""

HEAD = "site: {name: hostile, domain: hostile.lan}\n"
BASE = HEAD + "nodes:\n  - {name: srv, kind: server, interfaces: [{name: eth0, address: 10.0.0.1/24}]}\n"
"""A valid site: each hostile case below breaks it one way."""

DIR = Path(tempfile.mkdtemp(prefix="officelab-hostile-"))
atexit.register(shutil.rmtree, DIR, ignore_errors=True)
FIFO = DIR / "fifo.yaml"
os.mkfifo(FIFO)


def _file(name: str, content: str | bytes) -> Path:
    path = DIR / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def refused(path: Path | str, *expected: str) -> SiteInvalid:
    """Load ``path``: it must be refused within `SECONDS`, naming the file, with a short output saying ``expected``."""
    start = time.monotonic()
    with pytest.raises(SiteInvalid) as info:
        load_site(path)
    elapsed = time.monotonic() - start
    assert elapsed < SECONDS, f"refused after {elapsed:.2f} s"
    return _check(info.value, str(path), expected)


def _check(exc: SiteInvalid, file: str, expected: tuple[str, ...]) -> SiteInvalid:
    text = str(exc)
    assert exc.problems and all(p.file == file for p in exc.problems), text
    assert all(line.startswith(f"{file}") or line.startswith("    hint:") for line in text.splitlines()), text
    assert len(text) < OUTPUT_CHARS, f"{len(text)} characters of output"
    assert "Traceback" not in text
    for part in expected:
        assert part in text, text
    return exc


# --------------------------------------------------------------------------- the hostile inputs


def oversize(size: int) -> str:
    """A valid site padded with a comment to ``size`` bytes."""
    return BASE + "#" * (size - len(BASE) - 1) + "\n"


def deep(depth: int, style: str) -> str:
    if style == "flow-seq":
        return HEAD + "nodes: " + "[" * depth + "]" * depth + "\n"
    if style == "flow-map":
        return HEAD + "nodes: " + "{a: " * depth + "1" + "}" * depth + "\n"
    return HEAD + "nodes:\n" + "".join(" " * (2 * i + 2) + "a:\n" for i in range(depth)) + " " * (2 * depth + 2) + "1\n"


def bomb(width: int, where: str) -> str:
    """The "billion laughs": each anchor repeats the previous one ``width`` times, until it expands past the budget."""
    levels = math.ceil(math.log(MAX_YAML_VALUES * 2) / math.log(width))
    lines = ["x0: &a0 [lol]"]
    lines += [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels + 1)]
    body = "\n".join(lines) + "\n"
    if where == "nodes":
        return HEAD + body + f"nodes: *a{levels}\n"
    return BASE + body + f"checks: *a{levels}\n"


def many_aliases(count: int) -> str:
    return BASE + "x: &x 1\ny: [" + ", ".join(["*x"] * count) + "]\n"


def port_range(first: int, count: int, prefix: str) -> str:
    return HEAD + f"nodes:\n  - {{name: sw, kind: switch, ports: [{{name: '{prefix}[{first}-{first + count - 1}]'}}]}}\n"


def ports_per_switch(ranges: int) -> str:
    per = -(-(MAX_PORTS_PER_SWITCH + 1) // ranges)
    ports = ", ".join(f"{{name: 'p{k}x[1-{per}]'}}" for k in range(ranges))
    return HEAD + f"nodes:\n  - {{name: sw, kind: switch, ports: [{ports}]}}\n"


def ports_per_site() -> str:
    switches = MAX_PORTS // MAX_PORTS_PER_SWITCH + 1
    nodes = "".join(f"  - {{name: sw{i}, kind: switch, ports: [{{name: 'p[1-{MAX_PORTS_PER_SWITCH}]'}}]}}\n" for i in range(switches))
    return HEAD + "nodes:\n" + nodes


LONG_FIELDS = {
    "site.description": lambda v: BASE.replace("domain: hostile.lan}", f"domain: hostile.lan, description: {v}}}"),
    "nodes[0].description": lambda v: BASE.replace("kind: server,", f"kind: server, description: {v},"),
    "nodes[0].name": lambda v: BASE.replace("name: srv,", f"name: {v},"),
    "vlans[0].purpose": lambda v: BASE + f"vlans: [{{id: 1, name: lan, subnet: 10.0.0.0/24, purpose: {v}}}]\n",
}


def long_value(length: int, field: str, style: str) -> str:
    value = "Ab c" * (length // 4 + 1)
    value = value[:length].strip() + "z"
    if style == "single":
        written = f"'{value}'"
    elif style == "double":
        written = f'"{value}"'
    else:
        written = value
    if style == "key":
        return BASE + f'? "{value}"\n: 1\n'
    return LONG_FIELDS[field](written)


# --------------------------------------------------------------------------- properties


def test_the_base_site_is_valid() -> None:
    assert load_text(BASE, "base.yaml").name == "hostile"


SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


@SETTINGS
@given(st.integers(MAX_SITE_BYTES + 1, 4 * MAX_SITE_BYTES))
def test_huge_file(size: int) -> None:
    refused(_file("huge.yaml", oversize(size)), f"more than the limit of {MAX_SITE_BYTES // 1024} KiB")


def test_huge_text_given_directly() -> None:
    start = time.monotonic()
    with pytest.raises(SiteInvalid) as info:
        load_text(oversize(24 * 1024 * 1024), "big.yaml")
    assert time.monotonic() - start < SECONDS
    _check(info.value, "big.yaml", (f"24.0 MiB, more than the limit of {MAX_SITE_BYTES // 1024} KiB",))


@SETTINGS
@given(st.sampled_from(["flow-seq", "flow-map", "block"]), st.integers(MAX_DEPTH + 1, 100_000))
def test_deep_nesting(style: str, depth: int) -> None:
    depth = min(depth, 400) if style == "block" else depth  # block nesting costs its indentation: 400 levels are 160 KB
    text = deep(depth, style)
    if len(text) > MAX_SITE_BYTES:  # refused for its size first
        refused(_file("deep.yaml", text), "more than the limit of")
        return
    exc = refused(_file("deep.yaml", text), f"nested more than {MAX_DEPTH} levels deep")
    assert exc.problems[0].line is not None and exc.problems[0].path[0] == "nodes"


@SETTINGS
@given(st.integers(2, 40), st.sampled_from(["nodes", "checks"]))
def test_alias_bomb(width: int, where: str) -> None:
    refused(_file("bomb.yaml", bomb(width, where)), "expands, with its aliases, to more than")


@SETTINGS
@given(st.integers(MAX_ALIASES + 1, 20 * MAX_ALIASES))
def test_too_many_aliases(count: int) -> None:
    refused(_file("aliases.yaml", many_aliases(count)), f"more than {MAX_ALIASES:,} YAML aliases")


def test_alias_inside_itself() -> None:
    refused(_file("cycle.yaml", HEAD + "nodes: &n [*n]\n"), "an alias refers to a value that contains it")


@SETTINGS
@given(st.integers(0, 10**6), st.integers(MAX_PORTS_PER_RANGE + 1, 10**12), st.sampled_from(["ge", "p", "eth"]))
def test_huge_port_range(first: int, count: int, prefix: str) -> None:
    if len(prefix + str(first + count - 1)) > 15:
        count = 10 ** (15 - len(prefix)) - first - 1
    exc = refused(_file("range.yaml", port_range(first, count, prefix)), f"more than the limit of {MAX_PORTS_PER_RANGE:,} per range")
    assert exc.problems[0].field == "nodes[0].ports[0].name" and exc.problems[0].line == 3


@SETTINGS
@given(st.integers(2, 64))
def test_too_many_ports_on_a_switch(ranges: int) -> None:
    exc = refused(_file("switch.yaml", ports_per_switch(ranges)), f"more than the limit of {MAX_PORTS_PER_SWITCH:,}")
    assert exc.problems[0].field == "nodes[0].ports"


def test_too_many_ports_in_the_site() -> None:
    exc = refused(_file("ports.yaml", ports_per_site()), f"switch ports in the site, more than the limit of {MAX_PORTS:,}")
    assert exc.problems[0].field == "nodes"


@SETTINGS
@given(
    st.integers(MAX_TEXT_CHARS + 1, MAX_SITE_BYTES - 1000),
    st.sampled_from(sorted(LONG_FIELDS)),
    st.sampled_from(["plain", "single", "double", "key"]),
)
def test_long_value(length: int, field: str, style: str) -> None:
    exc = refused(_file("long.yaml", long_value(length, field, style)), f"characters long, more than the limit of {MAX_TEXT_CHARS:,}")
    problem = exc.problems[0]
    assert problem.line is not None
    assert problem.field == ("(top level)" if style == "key" else field)


@SETTINGS
@given(st.binary(min_size=1, max_size=4096), st.booleans())
def test_binary_junk(junk: bytes, after_a_valid_start: bool) -> None:
    # After a valid start, junk that happens to be a comment would be a valid site: make it binary for sure.
    refused(_file("junk.yaml", BASE.encode() + b"\x80" + junk if after_a_valid_start else junk))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfes\x00i\x00t\x00e\x00", "is not UTF-8 text"),
        (b"site: {name: a\x00b}\n", "character #x0000 is not allowed"),
        (BASE.encode() + b"\x89PNG\r\n\x1a\n", "is not UTF-8 text (byte 0x89"),
    ],
)
def test_not_text(content: bytes, expected: str) -> None:
    refused(_file("binary.yaml", content), expected)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (FIFO, "it is a FIFO (named pipe), not a regular file"),
        ("/dev/zero", "it is a character device, not a regular file"),
        ("/dev/urandom", "it is a character device, not a regular file"),
        (DIR, "it is a directory"),
    ],
)
def test_not_a_regular_file(path: Path | str, expected: str) -> None:
    refused(path, "cannot read the site file", expected)


def test_fifo_behind_a_symlink() -> None:
    link = DIR / "link.yaml"
    if not link.exists():
        link.symlink_to(FIFO)
    refused(link, "FIFO")


# --------------------------------------------------------------------------- memory, in a fresh process

WORKER = textwrap.dedent(
    """
    import json, re, resource, sys, time
    from officelab.core.errors import SiteInvalid
    from officelab.domains import parts
    from officelab.site.loader import load_site

    def status(field):
        return int(re.search(field + r":\\s+(\\d+)", open("/proc/self/status").read()).group(1))

    parts("validate")  # everything a load imports, before measuring
    try:  # reset the peak resident size to the current one (Linux), so the imports' own peak does not hide the load's
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        before = status("VmRSS")
    except OSError:
        before = None
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    try:
        load_site(sys.argv[1])
        outcome = {"refused": False, "text": ""}
    except SiteInvalid as exc:
        outcome = {"refused": True, "text": str(exc), "files": sorted({p.file for p in exc.problems})}
    outcome["seconds"] = time.monotonic() - start
    if before is not None:
        outcome["megabytes"] = (status("VmHWM") - before) / 1024
    else:
        outcome["megabytes"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss) / 1024
    print(json.dumps(outcome))
    """
)


def measure(path: Path | str) -> dict[str, object]:
    """Load ``path`` in a fresh Python: was it refused, how long it took, how much the peak resident size grew."""
    done = subprocess.run([sys.executable, "-c", WORKER, str(path)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and not done.stderr, done.stderr[-2000:]
    outcome: dict[str, object] = json.loads(done.stdout)
    return outcome


WORST: dict[str, Callable[[], str | bytes]] = {
    "24 MB file": lambda: oversize(24 * 1024 * 1024),
    "file just over the limit": lambda: oversize(MAX_SITE_BYTES + 1),
    "nesting 100 000 deep": lambda: deep(100_000, "flow-seq"),
    "alias bomb": lambda: bomb(9, "checks"),
    "aliases": lambda: many_aliases(50_000),
    "range ge[1-999999999]": lambda: port_range(1, 999_999_999, "ge"),
    "ports of a site": ports_per_site,
    "value at the size limit": lambda: long_value(MAX_SITE_BYTES - 200, "nodes[0].description", "plain"),
    "binary junk": lambda: os.urandom(MAX_SITE_BYTES - 1),
}


@pytest.mark.parametrize("case", [*WORST, "FIFO", "/dev/zero"])
def test_worst_case_memory(case: str) -> None:
    path: Path | str = FIFO if case == "FIFO" else ("/dev/zero" if case == "/dev/zero" else _file("worst.yaml", WORST[case]()))
    outcome = measure(path)
    assert outcome["refused"] and outcome["files"] == [str(path)], outcome["text"]
    assert isinstance(outcome["megabytes"], float) and outcome["megabytes"] < MEGABYTES, outcome
    assert isinstance(outcome["seconds"], float) and outcome["seconds"] < SECONDS, outcome
    assert isinstance(outcome["text"], str) and len(outcome["text"]) < OUTPUT_CHARS


PARSED: dict[str, Callable[[], str]] = {
    "YAML values": lambda: HEAD + "nodes: []\nchecks: [" + ", ".join(["1"] * MAX_YAML_VALUES) + "]\n",
    "nodes": lambda: HEAD + "nodes:\n" + "".join(f"  - {{name: n{i}, kind: iot}}\n" for i in range(MAX_NODES + 1)),
}


@pytest.mark.parametrize("case", list(PARSED))
def test_refusals_after_parsing(case: str) -> None:
    outcome = measure(_file("parsed.yaml", PARSED[case]()))
    assert outcome["refused"] and "more than" in str(outcome["text"]), outcome["text"]
    assert isinstance(outcome["megabytes"], float) and outcome["megabytes"] < MEGABYTES, outcome
    assert isinstance(outcome["seconds"], float) and outcome["seconds"] < SECONDS, outcome


def test_bench_site_passes() -> None:
    """The limits leave room for the generated 1000-host bench site."""
    from bench.topology import Topo, site_yaml

    outcome = measure(_file("bench.yaml", site_yaml(Topo(1000, 50))))
    assert not outcome["refused"], outcome["text"]


# --------------------------------------------------------------------------- the command line


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("range", "port range ge[1-999999999] declares 999,999,999 ports, more than the limit of 4,096 per range"),
        ("deep", f"YAML nested more than {MAX_DEPTH} levels deep"),
        ("fifo", "it is a FIFO (named pipe), not a regular file"),
        ("long", f"this value is 200,000 characters long, more than the limit of {MAX_TEXT_CHARS:,}"),
    ],
)
def test_cli_refuses_in_one_located_line(case: str, expected: str) -> None:
    files = {
        "range": lambda: _file("cli-range.yaml", port_range(1, 999_999_999, "ge")),
        "deep": lambda: _file("cli-deep.yaml", deep(10_000, "flow-map")),
        "fifo": lambda: FIFO,
        "long": lambda: _file("cli-long.yaml", BASE.replace("kind: server,", f"kind: server, description: {'x' * 200_000},")),
    }
    path = files[case]()
    result = cli("validate", str(path), timeout=30)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"{path}: 1 problem found, nothing was changed"
    located = [line for line in lines[1:] if not line.startswith("    hint:")]
    assert len(located) == 1 and located[0].startswith(f"{path}:"), result.stderr
    assert expected in located[0]
    if case != "fifo":
        assert located[0].split(":")[1].isdigit(), "the line number"
    assert len(result.stderr) < OUTPUT_CHARS
