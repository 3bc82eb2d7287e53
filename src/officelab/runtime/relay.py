"""A TCP relay from a loopback port of this machine into a lab node: each connection accepted on 127.0.0.1 is
opened again from inside the node's network namespace, towards an address the node reaches (a box's admin page on
its LAN). The lab stays sealed: the root namespace gets no lab route, only a loopback port that a person's browser
(or a test's) uses as if it sat on that node."""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType

from officelab.runtime import kernel
from officelab.runtime.netns import NodeContext
from officelab.runtime.state import NETNS_DIR


class Relay:
    """Listens on ``127.0.0.1:port`` (0: a free one); connections go to ``host:target_port`` from ``node``."""

    def __init__(self, node: NodeContext, host: str, target_port: int, port: int = 0) -> None:
        self.netns = str(NETNS_DIR / node.netns)
        self.target = (host, target_port)
        self.listener = socket.create_server(("127.0.0.1", port))
        self.closed = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/"

    def __enter__(self) -> Relay:
        threading.Thread(target=self._accept, name="relay", daemon=True).start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        try:
            with kernel.in_netns(self.netns):  # the socket belongs to the node's namespace for its whole life
                upstream = socket.socket()
            upstream.settimeout(5)
            upstream.connect(self.target)
            upstream.settimeout(None)
        except OSError:
            client.close()
            return
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
        _pump(client, upstream)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Bytes one way until either side closes; then both are closed."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
