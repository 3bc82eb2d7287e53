"""Validation of backups: shares of a file server of the site, saved to another server with a static address."""

from __future__ import annotations

from officelab.site.model import NodeKind
from officelab.site.validate import Validation


def validate(v: Validation) -> None:
    for k, job in enumerate(v.site.backups):
        path: tuple[str | int, ...] = ("backups", k)
        source = v.topo.nodes.get(job.source)
        if source is None or source.services.files is None:
            v.add((*path, "source"), f"{job.source!r} is not a file server of the site", "name a node with `services: {files: …}`")
        else:
            names = {s.name for s in source.services.files.shares}
            for m, wanted in enumerate(job.shares):
                if wanted not in names:
                    v.add((*path, "shares", m), f"{job.source} has no share {wanted!r}", f"its shares: {', '.join(sorted(names))}")
        target = v.topo.nodes.get(job.target)
        if target is None or target.kind is not NodeKind.SERVER or not any(i.address for i in target.interfaces):
            v.add((*path, "target"), f"{job.target!r} must be a server with a static address", "name the backup server (NAS)")
