"""Sessions on the switch with its command tables: a user's, OfficeLab's own, or the one that reads a configuration."""

from __future__ import annotations

from officelab.devices.switchos.commands import commands_of
from officelab.devices.switchos.config import SwitchConfig
from officelab.devices.switchos.session import CliSession, unbanner
from officelab.devices.switchos.switch import Switch


class IosShell:
    def session(self, switch: Switch, user: str = "", peer: str = "", privilege: int = 1, config: SwitchConfig | None = None) -> CliSession:
        return CliSession(switch, commands_of, user, peer, privilege, config)

    def load(self, switch: Switch, text: str) -> tuple[SwitchConfig, list[str]]:
        """A configuration from its text, typed in configuration mode on a blank switch, as a switch boots."""
        config = switch.blank()
        session = self.session(switch, privilege=15, config=config)
        session.enter("config")
        return config, session.run_lines(unbanner(text.splitlines()), file=True)


SHELL = IosShell()
