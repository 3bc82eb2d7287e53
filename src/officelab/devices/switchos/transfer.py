"""Configuration files to and from a server: ``copy … tftp:``, ``copy tftp: …``, ``configure replace``.

TFTP goes through the tftp-hpa client (a real TFTP exchange with the lab's server); ``scp:`` URLs through
asyncssh's SCP client. A file copied into the running configuration is merged, as IOS does (typed in
configuration mode); ``configure replace`` makes the running configuration exactly the file.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import asyncssh

from officelab.core.secrets import hide_url_passwords
from officelab.devices.switchos.config import render
from officelab.devices.switchos.terminal import Reply

if TYPE_CHECKING:
    from officelab.devices.switchos.session import CliSession

TIMEOUT = 10.0


class TransferError(Exception):
    pass


def _scp(url: str, local: Path, upload: bool) -> None:
    """A real SCP exchange (asyncssh's client), with the password the URL gives."""
    parts = urlsplit(url)

    async def copy() -> None:
        async with asyncssh.connect(
            parts.hostname or "",
            port=parts.port or 22,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            known_hosts=None,
            connect_timeout=TIMEOUT,
        ) as conn:
            remote = (conn, parts.path)
            if upload:
                await asyncssh.scp(str(local), remote)
            else:
                await asyncssh.scp(remote, str(local))

    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a loop of its own: the caller may be in one
            pool.submit(asyncio.run, copy()).result(TIMEOUT * 2)
    except (OSError, asyncssh.Error, TimeoutError, concurrent.futures.TimeoutError) as exc:
        raise TransferError(f"%Error opening {hide_url_passwords(url)} ({exc or type(exc).__name__})") from None


def send(url: str, text: str) -> str:
    """Put ``text`` at ``url``; returns IOS's report."""
    parts = urlsplit(url)
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / "config"
        local.write_text(text)
        started = time.monotonic()
        if parts.scheme == "tftp":
            _tftp(parts.hostname or "", ["put", str(local), parts.path.lstrip("/")])
        elif parts.scheme == "scp":
            _scp(url, local, upload=True)
        else:
            raise TransferError(
                f"%Error opening {hide_url_passwords(url)} (Invalid argument): use tftp://HOST/FILE or scp://USER:PASS@HOST/FILE"
            )
        took = max(time.monotonic() - started, 0.001)
    size = len(text.encode())
    return f"!!\n{size} bytes copied in {took:.3f} secs ({int(size / took)} bytes/sec)"


def fetch(url: str) -> str:
    parts = urlsplit(url)
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / "config"
        if parts.scheme == "tftp":
            _tftp(parts.hostname or "", ["get", parts.path.lstrip("/"), str(local)])
        elif parts.scheme == "scp":
            _scp(url, local, upload=False)
        else:
            raise TransferError(
                f"%Error opening {hide_url_passwords(url)} (Invalid argument): use tftp://HOST/FILE or scp://USER:PASS@HOST/FILE"
            )
        if not local.exists() or local.stat().st_size == 0:
            raise TransferError(f"%Error opening {hide_url_passwords(url)} (No such file or directory)")
        return local.read_text(errors="replace")


def _tftp(host: str, command: list[str]) -> None:
    if not host:
        raise TransferError("%Error parsing filename (Bad IP address or host name)")
    try:
        result = subprocess.run(
            ["tftp", "-m", "binary", host, "-c", *command],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, "LANG": "C"},
        )
    except subprocess.TimeoutExpired:
        raise TransferError(f"%Error opening tftp://{host}/{command[1 if command[0] == 'get' else 2]} (Timed out)") from None
    problem = (result.stdout + result.stderr).strip()
    if result.returncode != 0 or "Error" in problem or "timed out" in problem.lower():
        raise TransferError(f"%Error opening tftp://{host}/ ({problem.splitlines()[-1] if problem else 'failed'})")


def _url(host: str, name: str) -> str:
    return f"tftp://{host.strip()}/{name.strip()}"


# ---------------------------------------------------------------------------------------------- commands


def _upload(s: CliSession, url: str, text: str) -> str:
    try:
        return f"Accessing {hide_url_passwords(url)}...\n" + send(url, text)
    except TransferError as error:
        return str(error)


def upload(source: str) -> Callable[[CliSession, dict[str, Any]], str]:
    """``copy running-config URL`` / ``copy startup-config URL``."""

    def run(s: CliSession, a: dict[str, Any]) -> str:
        text = render(s.config) if source == "running-config" else s.switch.startup_text()
        if text is None:
            return "%Error opening nvram:startup-config (No such file or directory)"
        return _upload(s, a["url"], text)

    return run


def upload_prompted(s: CliSession, a: dict[str, Any]) -> Reply:
    default = f"{s.config.hostname.lower()}-confg"

    def host(typed: str) -> Reply:
        def name(file: str) -> Reply:
            return Reply(output=_upload(s, _url(typed, file or default), render(s.config)))

        s.pending = name
        return Reply(confirm=f"Destination filename [{default}]? ")

    s.pending = host
    return Reply(confirm="Address or name of remote host []? ")


def _merge(s: CliSession, url: str) -> str:
    try:
        text = fetch(url)
    except TransferError as error:
        return str(error)
    loader = s.switch.shell.session(s.switch, privilege=15, config=s.switch.config)
    loader.enter("config")
    refused = loader.run_lines(text.splitlines(), file=True)
    s.switch.apply()
    s.switch.log("SYS", 5, "CONFIG_I", f"Configured from {hide_url_passwords(url)} by {s.user or 'officelab'}")
    size = len(text.encode())
    return "\n".join(
        [
            f"Accessing {hide_url_passwords(url)}...",
            f"Loading {urlsplit(url).path.lstrip('/')} from {urlsplit(url).hostname}: !",
            *refused,
            f"[OK - {size} bytes]",
            f"{size} bytes copied",
        ]
    )


def download(target: str) -> Callable[[CliSession, dict[str, Any]], str]:
    """``copy URL running-config`` (merged) / ``copy URL startup-config`` (the saved file replaced)."""

    def run(s: CliSession, a: dict[str, Any]) -> str:
        if target == "running-config":
            return _merge(s, a["url"])
        try:
            text = fetch(a["url"])
        except TransferError as error:
            return str(error)
        Path(s.switch.hw.nvram).write_text(text)
        return f"Accessing {hide_url_passwords(a['url'])}...\n[OK - {len(text.encode())} bytes]"

    return run


def download_prompted(s: CliSession, a: dict[str, Any]) -> Reply:
    def host(typed: str) -> Reply:
        def name(file: str) -> Reply:
            def target(dest: str) -> Reply:
                return Reply(output=_merge(s, _url(typed, file)))

            s.pending = target
            return Reply(confirm="Destination filename [running-config]? ")

        s.pending = name
        return Reply(confirm="Source filename []? ")

    s.pending = host
    return Reply(confirm="Address or name of remote host []? ")


def configure_replace(s: CliSession, a: dict[str, Any]) -> str:
    try:
        text = fetch(a["url"])
    except TransferError as error:
        return str(error)
    config, refused = s.switch.shell.load(s.switch, text)
    if refused:
        return "\n".join(["%Rollback aborted: the file has lines this switch refuses:", *refused])
    with s.switch.lock:
        s.switch.config = config
        s.switch.err_disabled.clear()
        s.switch.apply()
    s.switch.log("SYS", 5, "CONFIG_I", f"Configured from {hide_url_passwords(a['url'])} by {s.user or 'officelab'} (configure replace)")
    return "Total number of passes: 1\nRollback Done"
