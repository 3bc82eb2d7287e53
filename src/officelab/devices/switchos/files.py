"""Where a managed switch keeps its files under its node's directory: what OfficeLab writes there (the startup
configuration, ``hardware.json``) and reads or reaches there (the running configuration, the VLAN programs it
compiled, its management socket)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SwitchFiles:
    node_dir: Path

    @property
    def base(self) -> Path:
        return self.node_dir / "switchos"

    @property
    def nvram(self) -> Path:
        return self.base / "startup-config"

    @property
    def running(self) -> Path:
        return self.base / "running-config"

    @property
    def hardware(self) -> Path:
        return self.base / "hardware.json"

    @property
    def cache(self) -> Path:
        """The VLAN programs the switch compiled (and their descriptions)."""
        return self.base / "cache"

    @property
    def control(self) -> Path:
        return self.node_dir / "run" / "switchos.sock"
