"""OfficeLab's own way in: configuration lines and exec commands over a Unix socket in the switch's ``/run``.

A fault that moves a port to another VLAN, or ``officelab port set``, is a configuration change typed into
the switch like any other (and logged as such), so that ``show running-config`` tells the truth. One JSON
request per connection: ``{"configure": [lines]}`` or ``{"exec": line}``; the answer is ``{"ok", "output",
"refused"}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socketserver
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from officelab.devices.switchos.session import is_refusal

if TYPE_CHECKING:
    from officelab.devices.switchos.switch import Switch


def _answer(switch: Switch, request: dict[str, Any]) -> dict[str, Any]:
    session = switch.shell.session(switch, privilege=15)
    session.length = 0
    if "configure" in request:
        session.enter("config")
        with switch.lock:
            refused = session.run_lines([str(line) for line in request["configure"]])
            session.end()
        switch.log("SYS", 5, "CONFIG_I", "Configured from OfficeLab (management socket)")
        return {"ok": not refused, "output": "", "refused": refused}
    if "exec" in request:
        reply = session.run(str(request["exec"]))
        return {"ok": not is_refusal(reply.output), "output": reply.output, "refused": []}
    return {"ok": False, "output": "expected {configure: [...]} or {exec: line}", "refused": []}


def serve(switch: Switch, path: Path) -> socketserver.UnixStreamServer:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            try:
                request = json.loads(self.rfile.readline() or b"{}")
                answer = _answer(switch, request if isinstance(request, dict) else {})
            except Exception as error:
                answer = {"ok": False, "output": f"{type(error).__name__}: {error}", "refused": []}
            self.wfile.write(json.dumps(answer).encode() + b"\n")

    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    old = os.umask(0o177)
    try:
        server = socketserver.ThreadingUnixStreamServer(str(path), Handler)
    finally:
        os.umask(old)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="control", daemon=True).start()
    return server
