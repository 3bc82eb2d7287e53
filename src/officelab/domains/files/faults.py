"""Faults of the file server: a share's write right removed (its configuration, reloaded), a share's directory
permissions broken (chmod on the server's disk)."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.core.errors import OfficeLabError
from officelab.domains.files.model import SmbProbe
from officelab.faults import truth as t
from officelab.faults.mechanisms import edit_file, restore_file, run
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TRI-CT", "TAI-CP11", "TRI-CP6", "TAI-CP6")


def _shares(site: Site) -> dict[str, str]:
    """Share name → its file server."""
    return {s.name: n.name for n in site.nodes if n.services.files for s in n.services.files.shares}


def _share_checks(site: Site, share: str, action: str) -> tuple[str, ...]:
    """The checks that open ``share`` for ``action`` and must succeed, whichever domain derived them (a remote
    worker's, over the VPN, too): SMB sessions to that share on its server."""
    server = _shares(site)[share]
    return tuple(
        c.id
        for c in t.checks(site)
        if c.expect
        and isinstance(c.probe, SmbProbe)
        and (c.probe.share, c.probe.action) == (share, action)
        and c.probe.server.split(".")[0] == server
    )


class _ShareFault(Fault):
    kept_in_state: ClassVar[bool] = True
    share: str = Field(description="a share of the site's file server (compta)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(share=s) for s in _shares(site) if cls.evidence(site, s)]

    @classmethod
    def evidence(cls, site: Site, share: str) -> tuple[str, ...]:
        raise NotImplementedError

    def problems(self, site: Site) -> list[str]:
        shares = _shares(site)
        if self.share not in shares:
            return [f"no share {self.share} (the site's: {', '.join(shares) or 'none'})"]
        return [] if self.evidence(site, self.share) else [f"no check of the recette would see this fault on {self.share}"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        checks = self.evidence(site, self.share)
        return t.place_of(site, checks[0]), f"share:{self.share}", _shares(site)[self.share]

    def reload(self, lab: Lab) -> None:
        run(lab, _shares(lab.site())[self.share], ["smbcontrol", "smbd", "reload-config"], "reloading smbd")


class ShareRightRemoved(_ShareFault):
    kind: ClassVar[str] = "share-right-removed"
    title_fr: ClassVar[str] = "Droit d'écriture retiré sur un partage"
    title_en: ClassVar[str] = "Write right removed from a share"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    @classmethod
    def evidence(cls, site: Site, share: str) -> tuple[str, ...]:
        return _share_checks(site, share, "write")

    def truth(self, site: Site) -> GroundTruth:
        server = _shares(site)[self.share]
        return GroundTruth(
            f"le partage {self.share} de {server} n'accorde plus l'écriture à ses groupes (write list)",
            f"share {self.share} on {server} no longer grants its groups write access (write list)",
            f"{server}: share {self.share}",
            f"rétablir la liste d'écriture du partage {self.share}",
            f"restore the share's write list ({self.share})",
            self.evidence(site, self.share),
        )

    def inject(self, lab: Lab) -> Undo:
        server = _shares(lab.site())[self.share]
        text = (lab.dir.node_dir(server) / "etc" / "samba" / "shares.conf").read_text()
        section = re.search(rf"^\[{re.escape(self.share)}\]\n(?:(?!\[).*\n)*", text, re.M)
        if section is None or "write list = " not in section[0]:
            raise OfficeLabError(f"{server}: share {self.share} has no write list to remove")
        old = section[0]
        new = re.sub(r"write list = .*", "write list = nobody", old)
        undo = edit_file(lab, server, "etc/samba/shares.conf", old, new)
        self.reload(lab)
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        self.reload(lab)


class SharePermissionBroken(_ShareFault):
    kind: ClassVar[str] = "share-permission-broken"
    title_fr: ClassVar[str] = "Permissions du dossier partagé cassées"
    title_en: ClassVar[str] = "Shared folder permissions broken"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 3
    competencies: ClassVar[tuple[str, ...]] = SKILLS

    @classmethod
    def evidence(cls, site: Site, share: str) -> tuple[str, ...]:
        return (*_share_checks(site, share, "list"), *_share_checks(site, share, "write"))

    def truth(self, site: Site) -> GroundTruth:
        server = _shares(site)[self.share]
        return GroundTruth(
            f"le dossier du partage {self.share} sur {server} n'est plus accessible (permissions 000 sur le disque)",
            f"the folder of share {self.share} on {server} is no longer accessible (mode 000 on disk)",
            f"{server}: shares/{self.share}",
            "rétablir les permissions du dossier (chmod 1777, ou les ACL d'origine)",
            "restore the folder's permissions (chmod 1777, or the original ACLs)",
            self.evidence(site, self.share),
            ("backup:*",),
        )

    def inject(self, lab: Lab) -> Undo:
        path = lab.dir.node_dir(_shares(lab.site())[self.share]) / "shares" / self.share
        mode = path.stat().st_mode & 0o7777
        os.chmod(path, 0)  # as an administrator's mistaken chmod on the server would
        return {"mode": mode}

    def clear(self, lab: Lab, undo: Undo) -> None:
        os.chmod(lab.dir.node_dir(_shares(lab.site())[self.share]) / "shares" / self.share, undo["mode"])


def catalogue() -> tuple[type[Fault], ...]:
    return (ShareRightRemoved, SharePermissionBroken)
