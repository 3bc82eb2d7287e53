"""The switch operating system, run on a switch or access point node: ``python -m officelab.devices.switchos HARDWARE.json``.

It boots on the saved configuration, makes the data plane follow it, serves SSH on the management address and
OfficeLab's management socket, and watches the bridge (learned addresses, links) for port security and the log.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from officelab.devices.switchos import control
from officelab.devices.switchos.config import secret_matches
from officelab.devices.switchos.kernelplane import KernelPlane
from officelab.devices.switchos.server import serve
from officelab.devices.switchos.session import CliSession
from officelab.devices.switchos.shell import SHELL
from officelab.devices.switchos.switch import Hardware, Switch


class Access:
    """Who may log in, and what they get: the ``username`` lines, ``login local``, ``transport input``."""

    def __init__(self, switch: Switch) -> None:
        self.switch = switch

    def authenticate(self, user: str, password: str) -> bool:
        config = self.switch.config
        account = config.users.get(user)
        if config.vty.transport == "none" or account is None:
            return False
        return secret_matches(account.secret, password)

    def banner(self) -> str:
        return self.switch.config.banner_motd

    def open_session(self, user: str, peer: str) -> CliSession:
        account = self.switch.config.users.get(user)
        return self.switch.shell.session(self.switch, user, peer, privilege=account.privilege if account else 1)


async def _run(switch: Switch) -> None:
    hw = switch.hw
    server = await serve(Access(switch), hw.listen, hw.ssh_port, Path(hw.host_key))
    loop = asyncio.get_running_loop()

    def close_sessions() -> None:  # commands run in worker threads; the server's sessions live in its loop
        loop.call_soon_threadsafe(server.close_sessions)

    switch.close_sessions = close_sessions
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"{hw.hostname}: SSH on {hw.listen}:{hw.ssh_port}", flush=True)
    await stop.wait()
    await server.close()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m officelab.devices.switchos HARDWARE.json", file=sys.stderr)
        return 2
    hw = Hardware.read(Path(argv[1]))
    plane = KernelPlane(hw.bridge, Path(hw.cache))
    switch = Switch(hw, plane, SHELL)
    for line in switch.boot():
        print(f"startup-config: {line}", flush=True)
    plane.watch(switch.learned, switch.link_changed)
    control.serve(switch, Path(hw.control))
    asyncio.run(_run(switch))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
