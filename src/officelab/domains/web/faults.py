"""Faults of the web servers: a site misconfigured (its document root pointing nowhere, the server reloaded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.faults import truth as t
from officelab.faults.mechanisms import edit_file, reload, restore_file
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab


def _sites(site: Site) -> dict[str, str]:
    """Server name → its web server node (of the site, not of the emulated internet)."""
    return {s.server_name: n.name for n in site.nodes if n.services.web and not n.kind.on_internet for s in n.services.web.sites}


def _evidence(site: Site, name: str) -> tuple[str, ...]:
    return tuple(c.id for c in t.checks(site) if c.id.startswith("web:") and c.id.endswith(f":{name}") and c.expect)


class SiteMisconfigured(Fault):
    kind: ClassVar[str] = "web-site-misconfigured"
    title_fr: ClassVar[str] = "Site web mal configuré"
    title_en: ClassVar[str] = "Web site misconfigured"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = ("TRI-CT", "TAI-CP11", "TRI-CP5")
    kept_in_state: ClassVar[bool] = True

    name: str = Field(description="a web site's server name (intranet.cabinet-martin.lan)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(name=n) for n in _sites(site) if _evidence(site, n)]

    def problems(self, site: Site) -> list[str]:
        names = [n for n in _sites(site) if _evidence(site, n)]
        return [] if self.name in names else [f"no web site {self.name} that the recette checks ({', '.join(names) or 'none'})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = _evidence(site, self.name)[0]
        return t.place_of(site, check), check, _sites(site)[self.name]

    def truth(self, site: Site) -> GroundTruth:
        node = _sites(site)[self.name]
        return GroundTruth(
            f"sur {node}, la racine du site {self.name} pointe vers un dossier qui n'existe pas (404)",
            f"on {node}, site {self.name}'s document root points to a folder that does not exist (404)",
            f"{node}: nginx server {self.name}",
            f"corriger la directive root du site {self.name} et recharger nginx",
            f"correct site {self.name}'s root directive and reload nginx",
            _evidence(site, self.name),
        )

    def inject(self, lab: Lab) -> Undo:
        node = _sites(lab.site())[self.name]
        root = f"www/{self.name};"
        undo = edit_file(lab, node, "nginx.conf", root, f"www/{self.name}-old;")
        reload(lab, f"{node}/nginx")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        reload(lab, f"{undo['node']}/nginx")


def catalogue() -> tuple[type[Fault], ...]:
    return (SiteMisconfigured,)
