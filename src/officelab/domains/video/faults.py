"""Faults of video surveillance: a camera's password or stream path changed on the camera (its configuration,
the camera restarted), the recorder of a camera stopped."""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from officelab.core.deadline import wait_for
from officelab.core.errors import OfficeLabError
from officelab.faults import truth as t
from officelab.faults.mechanisms import DaemonStopped, edit_file, restart, restore_file
from officelab.faults.model import Fault, GroundTruth, Undo
from officelab.probes import Layer
from officelab.site.model import Site

if TYPE_CHECKING:
    from officelab.runtime.lab import Lab

SKILLS = ("TRI-CT", "TAI-CP11", "TRI-CP7")


def _cameras(site: Site) -> list[str]:
    return [c.node for c in site.video.cameras] if site.video else []


def _of(site: Site, camera: str) -> tuple[str, ...]:
    return tuple(c.id for c in t.checks(site) if c.id.startswith("cam:") and c.id.endswith(f":{camera}"))


class _CameraChanged(Fault):
    """One setting of the camera's own configuration changed, the camera restarted: the recorder and the
    recette still use the site's."""

    kept_in_state: ClassVar[bool] = True
    setting: ClassVar[str]

    camera: str = Field(description="a camera node (cam-entree)")

    @classmethod
    def candidates(cls, site: Site) -> list[Fault]:
        return [cls(camera=c) for c in _cameras(site) if t.ids(site, f"cam:rtsp:{c}")]

    def problems(self, site: Site) -> list[str]:
        cameras = _cameras(site)
        return [] if self.camera in cameras else [f"{self.camera} is not a camera of the site ({', '.join(cameras) or 'none'})"]

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        check = f"cam:rtsp:{self.camera}"
        return t.place_of(site, check), check, self.camera

    def wrong(self) -> str:
        raise NotImplementedError

    def inject(self, lab: Lab) -> Undo:
        config = json.loads((lab.dir.node_dir(self.camera) / "camera.json").read_text())
        old = f'"{self.setting}": {json.dumps(config[self.setting])}'
        undo = edit_file(lab, self.camera, "camera.json", old, f'"{self.setting}": {json.dumps(self.wrong())}')
        restart(lab, f"{self.camera}/camera")
        return undo

    def clear(self, lab: Lab, undo: Undo) -> None:
        restore_file(lab, undo)
        restart(lab, f"{self.camera}/camera")
        site = lab.site()
        if site.video is not None and site.video.recorder:
            # The recorder gave up on the stream while the camera refused it: start its recording again now
            # rather than at the supervisor's next try (its back-off reaches 5 s).
            recorder = f"{site.video.recorder}/record-{self.camera}"
            restart(lab, recorder)
            if not wait_for(lambda: lab.daemons().get(recorder, {}).get("state") == "running", 10):
                raise OfficeLabError(f"{recorder} did not record again after {self.camera} was restored")

    def camera_truth(self, site: Site, what_fr: str, what_en: str, fix_fr: str, fix_en: str) -> GroundTruth:
        return GroundTruth(
            what_fr,
            what_en,
            f"{self.camera}: {self.setting}",
            fix_fr,
            fix_en,
            t.ids(site, f"cam:rtsp:{self.camera}"),
            _of(site, self.camera),
        )


class CameraPasswordChanged(_CameraChanged):
    kind: ClassVar[str] = "camera-password-changed"
    title_fr: ClassVar[str] = "Mot de passe de la caméra changé"
    title_en: ClassVar[str] = "Camera password changed"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    setting: ClassVar[str] = "password"

    def wrong(self) -> str:
        return f"Cam{secrets.token_hex(4)}"

    def truth(self, site: Site) -> GroundTruth:
        return self.camera_truth(
            site,
            f"le mot de passe de {self.camera} a été changé sur la caméra : l'enregistreur est refusé (401)",
            f"{self.camera}'s password was changed on the camera: the recorder is refused (401)",
            f"remettre le mot de passe prévu sur {self.camera} (ou le nouveau dans l'enregistreur)",
            f"set the planned password on {self.camera} again (or the new one in the recorder)",
        )


class CameraPathChanged(_CameraChanged):
    kind: ClassVar[str] = "camera-stream-path-changed"
    title_fr: ClassVar[str] = "Chemin du flux de la caméra changé"
    title_en: ClassVar[str] = "Camera stream path changed"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 2
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    setting: ClassVar[str] = "path"

    def wrong(self) -> str:
        return "/h264/ch1/main"

    def truth(self, site: Site) -> GroundTruth:
        return self.camera_truth(
            site,
            f"le chemin du flux RTSP de {self.camera} a changé ({self.wrong()}) : l'enregistreur demande l'ancien (404)",
            f"{self.camera}'s RTSP stream path changed ({self.wrong()}): the recorder asks for the old one (404)",
            f"remettre le chemin prévu sur {self.camera} (ou le nouveau dans l'enregistreur)",
            f"set the planned path on {self.camera} again (or the new one in the recorder)",
        )


class RecorderStopped(DaemonStopped):
    kind: ClassVar[str] = "recorder-stopped"
    title_fr: ClassVar[str] = "Enregistrement d'une caméra arrêté"
    title_en: ClassVar[str] = "A camera's recording stopped"
    layer: ClassVar[Layer] = Layer.APPLICATION
    difficulty: ClassVar[int] = 1
    competencies: ClassVar[tuple[str, ...]] = SKILLS
    daemon_name: ClassVar[str] = "recorder"

    @classmethod
    def target(cls, site: Site) -> str | None:
        cameras = _cameras(site)
        return f"{site.video.recorder}/record-{cameras[0]}" if site.video and cameras and site.video.recorder else None

    def vantage(self, site: Site) -> tuple[str, str, str] | None:
        camera = self.daemon(site).split("/")[1].removeprefix("record-")
        check = f"cam:nvr:{camera}"
        return t.place_of(site, check), check, camera

    def truth(self, site: Site) -> GroundTruth:
        recorder, daemon = self.daemon(site).split("/")
        camera = daemon.removeprefix("record-")
        return GroundTruth(
            f"l'enregistrement de {camera} est arrêté sur {recorder}",
            f"the recording of {camera} is stopped on {recorder}",
            f"{recorder}/{daemon}",
            f"relancer l'enregistrement de {camera}",
            f"start the recording of {camera} again",
            t.ids(site, f"cam:nvr:{camera}"),
        )


def catalogue() -> tuple[type[Fault], ...]:
    return (CameraPasswordChanged, CameraPathChanged, RecorderStopped)
