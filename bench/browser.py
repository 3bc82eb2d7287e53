"""A real browser on the real server, for the web workbench's end-to-end tests and its benchmark: Debian's
headless Chromium (driven by Playwright) and the API served by uvicorn on a loopback port of its own."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

CHROMIUM = "/usr/bin/chromium"
# As root, and with no network out of the machine: no sandbox, no GPU, none of Chromium's own connections.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1366, "height": 768}
"""The smallest screen the workbench is made for."""


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 at a free port, in a thread; yields its URL; stops it on exit."""
    import uvicorn

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="workbench", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


def log_in(browser: Any, url: str, name: str, password: str) -> Any:
    """A new page of the laptop's size, logged in as ``name``; ``page.errors`` collects the page's JavaScript errors."""
    page = browser.new_page(viewport=LAPTOP)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(url)
    page.fill("#login-name", name)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_selector("#app:not([hidden])")
    return page
