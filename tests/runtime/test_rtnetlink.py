"""Batched rtnetlink, against the kernel: two scratch namespaces, a bridge, cables with chosen indexes, addresses,
routes, carrier, and a refusal that names its request."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from officelab.core.errors import LabError
from officelab.runtime import netns
from officelab.runtime.rtnetlink import Batch
from officelab.runtime.state import NETNS_DIR

pytestmark = pytest.mark.live

SWITCH, HOST = f"oltest{os.getpid()}-sw", f"oltest{os.getpid()}-h"


@pytest.fixture()
def pair() -> Iterator[tuple[Batch, Batch, int]]:
    netns.ensure_netns_dir()
    for name in (SWITCH, HOST):
        netns.create(name)
    sw, host = Batch.open("sw", str(NETNS_DIR / SWITCH)), Batch.open("h", str(NETNS_DIR / HOST))
    fd = os.open(NETNS_DIR / HOST, os.O_RDONLY)
    try:
        yield sw, host, fd
    finally:
        os.close(fd)
        sw.close()
        host.close()
        for name in (SWITCH, HOST):
            netns.delete(name)


def ip(ns: str, *args: str) -> str:
    return subprocess.run(["ip", "-n", ns, *args], capture_output=True, text=True, check=True).stdout


def test_a_switch_and_its_hosts_in_three_rounds(pair: tuple[Batch, Batch, int]) -> None:
    sw, host, fd = pair
    sw.link_up(1, "lo up")
    sw.bridge("br0", 2, "bridge")
    sw.send()
    sw.collect()
    for i in range(3):
        sw.veth(f"ge{i}", 10 + i, 2, None, (f"eth{i}", 20 + i, fd, f"02:00:00:00:01:0{i}"), f"cable {i}")
    sw.send()
    sw.collect()
    for i in range(3):
        host.link_up(20 + i, f"eth{i} up")
    host.address(20, "10.1.0.5/24", "address")
    host.route("default", "10.1.0.1", "default route")
    host.route("10.9.0.0/16", "10.1.0.254", "route")
    host.send()
    host.collect()
    assert "master br0" in ip(SWITCH, "link", "show", "ge1")
    assert ip(HOST, "-o", "link", "show", "eth2").startswith("22: eth2@if12")
    assert "link/ether 02:00:00:00:01:01" in ip(HOST, "link", "show", "eth1")
    assert "inet 10.1.0.5/24" in ip(HOST, "addr", "show", "eth0")
    routes = ip(HOST, "route")
    assert "default via 10.1.0.1 dev eth0" in routes and "10.9.0.0/16 via 10.1.0.254 dev eth0" in routes
    for _ in range(500):  # the link watcher sets the state within milliseconds
        host.ask_links()
        if {20, 21, 22} <= host.running():
            break
    else:
        raise AssertionError("the host's ends never came up")


def test_a_refused_request_is_named(pair: tuple[Batch, Batch, int]) -> None:
    _, host, _ = pair
    host.link_up(1, "lo up")
    host.address(42, "10.1.0.5/24", "address 10.1.0.5/24 on h:eth0")
    host.send()
    with pytest.raises(LabError, match=r"h: address 10.1.0.5/24 on h:eth0: No such device"):
        host.collect()
    assert not host.pending
