"""The box's admin daemon: HTTP on the box's LAN address (and on its WAN address only when remote administration
is on), a session cookie after login, and each form applied to the live box, then saved.

Run as ``python -m officelab.devices.box.server CONFIG.json``."""

from __future__ import annotations

import json
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import cookies
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from officelab.devices.box import live, pages
from officelab.devices.box.settings import (
    Forward,
    Refused,
    Settings,
    check_forward,
    check_password,
    check_range,
    check_wifi,
    hash_password,
    load,
    password_matches,
)

COOKIE = "box_session"
SESSION_SECONDS = 1800


@dataclass
class Box:
    """The page's logic: sessions and settings; ``apply`` makes the live box what the settings say."""

    config: dict[str, Any]
    settings: Settings
    apply_firewall: Callable[[dict[str, Any], Settings], None] = live.apply_firewall
    apply_dhcp: Callable[[dict[str, Any], Settings], bool] = live.apply_dhcp
    apply_wifi: Callable[[dict[str, Any], Settings], bool] = live.apply_wifi
    sessions: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def save(self) -> None:
        self.settings.save(Path(self.config["settings"]))

    def login(self, password: str) -> str | None:
        if not password_matches(password, self.settings.password):
            return None
        token = secrets.token_urlsafe(24)
        self.sessions[token] = time.monotonic() + SESSION_SECONDS
        return token

    def valid(self, token: str | None) -> bool:
        return token is not None and self.sessions.get(token, 0) > time.monotonic()

    def change(self, form: dict[str, str]) -> str:
        """One form of the page (by its action), applied live then saved; the page's message."""
        path = form["_path"]
        s = self.settings
        with self.lock:
            if path == "/dhcp":
                start, end, lease = form.get("start", ""), form.get("end", ""), form.get("lease", "")
                check_range(self.config["lan_subnet"], self.config["address"], start, end, lease)
                before = (s.dhcp_start, s.dhcp_end, s.dhcp_lease)
                s.dhcp_start, s.dhcp_end, s.dhcp_lease = start, end, lease
                try:
                    restarted = self.apply_dhcp(self.config, s)
                except RuntimeError:
                    s.dhcp_start, s.dhcp_end, s.dhcp_lease = before
                    raise
                self.save()
                return f"Plage DHCP {start} – {end}, bail {lease}" + (" : serveur DHCP redémarré" if restarted else " (inchangée)")
            if path == "/nat/add":
                try:
                    port = int(form.get("port", ""))
                    to_port = int(form.get("to_port") or port)
                except ValueError:
                    raise Refused("un port est un nombre") from None
                fwd = Forward(form.get("name", ""), form.get("proto", "tcp"), port, form.get("to", ""), to_port)
                check_forward(self.config["lan_subnet"], self.config["address"], s.forwards, fwd)
                self._firewall([*s.forwards, fwd])
                return f"Redirection {fwd.name} ajoutée : {fwd.proto}/{fwd.port} → {fwd.to}:{fwd.to_port}"
            if path == "/nat/remove":
                name = form.get("name", "")
                if all(f.name != name for f in s.forwards):
                    raise Refused(f"aucune redirection ne s'appelle {name}")
                self._firewall([f for f in s.forwards if f.name != name])
                return f"Redirection {name} supprimée"
            if path == "/password":
                if not password_matches(form.get("current", ""), s.password):
                    raise Refused("le mot de passe actuel est faux")
                check_password(form.get("new", ""), form.get("confirm", ""), self.config["factory_password"])
                s.password = hash_password(form["new"])
                self.save()
                return "Mot de passe changé"
            if path == "/wifi":
                check_wifi(form.get("ssid", ""), form.get("key", ""))
                s.ssid, s.wifi_key = form["ssid"], form["key"]
                radio = self.apply_wifi(self.config, s)
                self.save()
                return f"Réseau Wi-Fi {s.ssid} enregistré" + (" : point d'accès rechargé" if radio else "")
        raise Refused(f"page inconnue : {path}")

    def _firewall(self, forwards: list[Forward]) -> None:
        old = self.settings.forwards
        self.settings.forwards = forwards
        try:
            self.apply_firewall(self.config, self.settings)
        except RuntimeError:
            self.settings.forwards = old
            raise
        self.save()


def _status(b: Box, **n: str) -> str:
    wan = live.wan_status(b.config["wan_iface"])
    return pages.status(b.config["model"], wan, live.uptime(b.config["started"]), b.config["address"], **n)


PAGES: dict[str, Callable[..., str]] = {
    "/": _status,
    "/dhcp": lambda b, **n: pages.dhcp(b.config["model"], b.settings, live.leases(b.config["leases"]), **n),
    "/nat": lambda b, **n: pages.nat(b.config["model"], b.settings, **n),
    "/password": lambda b, **n: pages.password(b.config["model"], **n),
    "/wifi": lambda b, **n: pages.wifi(b.config["model"], b.settings, **n),
    "/firmware": lambda b, **n: pages.firmware(b.config["model"], b.config["firmware"], **n),
}
BACK = {"/dhcp": "/dhcp", "/nat/add": "/nat", "/nat/remove": "/nat", "/password": "/password", "/wifi": "/wifi"}


def handler(box: Box) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "BoxAdmin/1"

        def log_message(self, format: str, *args: Any) -> None:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

        def _token(self) -> str | None:
            jar = cookies.SimpleCookie(self.headers.get("Cookie", ""))
            return jar[COOKIE].value if COOKIE in jar else None

        def _send(self, status: int, body: str = "", headers: dict[str, str] | None = None) -> None:
            data = body.encode()
            self.send_response(status)
            for k, v in {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", **(headers or {})}.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/login":
                return self._send(200, pages.login(box.config["model"]))
            if path not in PAGES:
                return self._send(404, pages.layout("Page introuvable", "", box.config["model"], menu=False))
            if not box.valid(self._token()):
                return self._send(303, headers={"Location": "/login"})
            self._send(200, PAGES[path](box))

        def do_POST(self) -> None:
            path = self.path.split("?")[0]
            length = min(int(self.headers.get("Content-Length") or 0), 16384)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(errors="replace")).items()}
            if path == "/login":
                token = box.login(form.get("password", ""))
                if token is None:
                    return self._send(401, pages.login(box.config["model"], "Mot de passe incorrect"))
                cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}"
                return self._send(303, headers={"Location": "/", "Set-Cookie": cookie})
            if not box.valid(self._token()):
                return self._send(303, headers={"Location": "/login"})
            if path == "/logout":
                box.sessions.pop(self._token() or "", None)
                return self._send(303, headers={"Location": "/login", "Set-Cookie": f"{COOKIE}=; Path=/; Max-Age=0"})
            back = BACK.get(path, "/")
            try:
                message, error, status = box.change({**form, "_path": path}), "", 200
            except (Refused, RuntimeError) as exc:
                message, error, status = "", str(exc), 400
            self._send(status, PAGES[back](box, message=message, error=error))

    return Handler


def serve(box: Box) -> None:
    """The LAN address always; the WAN address too when remote administration is on (as the settings say)."""
    addresses = [box.config["address"], *([box.config["wan_address"]] if box.settings.remote_admin else [])]
    servers = [ThreadingHTTPServer((a, box.config["port"]), handler(box)) for a in addresses]
    for srv in servers[1:]:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    urls = [f"http://{a}:{box.config['port']}/" for a in addresses]
    print(f"box admin page on {', '.join(urls)}", flush=True)
    servers[0].serve_forever()


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    config["started"] = time.monotonic()
    settings = load(Path(config["settings"]), config["initial"])
    box = Box(config, settings)
    box.apply_firewall(config, settings)  # the live box made what the saved settings say (after a restart too)
    box.apply_dhcp(config, settings)
    box.apply_wifi(config, settings)
    serve(box)


if __name__ == "__main__":
    main()
