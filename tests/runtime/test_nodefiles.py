"""The nodes' files: written at boot for the nodes that run something (in a child process), deferred to first use
for the others, never overwriting what is there when materialised."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from officelab.runtime import nodefiles
from officelab.runtime.build import plan_indexes
from officelab.runtime.plan import compile_plan
from officelab.site.loader import load_site


def _plan(tmp_path: Path):  # type: ignore[no-untyped-def]
    return compile_plan(load_site("cabinet-martin"), "t", tmp_path)


def test_entries_are_each_node_s_directories_then_its_files(tmp_path: Path) -> None:
    p = _plan(tmp_path)
    todo = nodefiles.entries(p, {"pc-accueil"})
    paths = [path for path, _, _ in todo]
    base = str(tmp_path / "nodes" / "pc-accueil")
    assert paths[:4] == [base, f"{base}/etc", f"{base}/run", f"{base}/log"]
    assert all(path.startswith(base) for path in paths)
    assert f"{base}/etc/resolv.conf" in paths
    assert len(nodefiles.entries(p)) > len(todo)


def test_the_child_writes_the_files_with_their_modes_whatever_the_umask(tmp_path: Path) -> None:
    p = _plan(tmp_path)
    old = os.umask(0o077)
    try:
        nodefiles.write_apart(p, {"srv-files", "pc-accueil"})
    finally:
        os.umask(old)
    hosts = tmp_path / "nodes" / "pc-accueil" / "etc" / "hosts"
    assert "pc-accueil" in hosts.read_text()
    assert stat.S_IMODE(hosts.stat().st_mode) == 0o644
    for f in (f for f in p.files if f.node == "srv-files"):
        path = tmp_path / "nodes" / "srv-files" / f.path
        assert stat.S_IMODE(path.stat().st_mode) == f.mode, f.path
    assert not (tmp_path / "nodes" / "fw").exists()


def test_a_child_that_cannot_write_says_what(tmp_path: Path) -> None:
    p = _plan(tmp_path)
    (tmp_path / "nodes").write_text("not a directory")
    try:
        nodefiles.write_apart(p, {"pc-accueil"})
    except OSError as exc:
        assert "writing the nodes' files" in str(exc) and "nodes" in str(exc)
    else:
        raise AssertionError("a file where the nodes' directory should be must fail the boot")


def test_deferred_files_appear_at_first_use_and_keep_what_is_there(tmp_path: Path) -> None:
    p = _plan(tmp_path)
    nodefiles.defer(p, tmp_path, {"isp", "teletravail"})
    etc = tmp_path / "nodes" / "teletravail" / "etc"
    assert not etc.exists()
    etc.mkdir(parents=True)
    (etc / "resolv.conf").write_text("nameserver 198.51.100.53\n")  # e.g. a snapshot's, or a learner's change
    nodefiles.materialise(tmp_path, "teletravail")
    assert (etc / "resolv.conf").read_text() == "nameserver 198.51.100.53\n"
    assert "teletravail" in (etc / "hostname").read_text()
    assert not (tmp_path / "nodes" / "isp").exists()
    nodefiles.materialise(tmp_path, "pc-accueil")  # not deferred: nothing to do
    assert not (tmp_path / "nodes" / "pc-accueil").exists()


def test_first_uses_side_by_side_write_each_file_once_and_whole(tmp_path: Path) -> None:
    p = _plan(tmp_path)
    nodefiles.defer(p, tmp_path, {"isp"})
    threads = [threading.Thread(target=nodefiles.materialise, args=(tmp_path, "isp")) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    etc = tmp_path / "nodes" / "isp" / "etc"
    expected = {Path(path).name: text for path, _, text in nodefiles.entries(p, {"isp"}) if text is not None and "/etc/" in path}
    assert {f.name: f.read_text() for f in etc.iterdir()} == expected  # no half-written file, no temporary left


def test_indexes_are_chosen_per_namespace_after_the_loopback(tmp_path: Path) -> None:
    p = _plan(tmp_path)
    indexes = plan_indexes(p)
    for names in indexes.values():
        assert names["lo"] == 1
        assert sorted(names.values()) == list(range(1, len(names) + 1))
    floor = indexes[p.netns("sw-floor")]
    bridge = next(b for b in p.bridges if b.node == "sw-floor")
    assert floor[bridge.name] == 2 and all(port in floor for port in bridge.ports)
