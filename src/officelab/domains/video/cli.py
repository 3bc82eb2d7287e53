"""`officelab camera snapshot`: one picture from a camera, as the recorder sees it."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Annotated

import typer

from officelab.cli.output import DEFAULT_LAB, LabOption, fail, ok
from officelab.domains.video.facts import camera_url
from officelab.runtime.kernel import require_root
from officelab.runtime.lab import Lab


def register(app: typer.Typer) -> None:
    app.add_typer(camera_app, name="camera")


camera_app = typer.Typer(help="IP cameras and the recorder.", no_args_is_help=True)


@camera_app.command("snapshot")
def camera_snapshot(
    camera: str,
    output: Annotated[Path, typer.Option("-o", "--output", help="PNG file to write.")] = Path("snapshot.png"),
    lab: LabOption = DEFAULT_LAB,
) -> None:
    """Grab one picture from a camera, as the recorder sees it (a viewer's snapshot)."""

    target = Lab(lab)
    site = target.site()
    cameras = {c.node: c for c in (site.video.cameras if site.video else [])}
    if camera not in cameras:
        fail(f"no camera {camera!r} in lab {lab} (cameras: {', '.join(cameras) or 'none'})", 2)
    assert site.video is not None
    require_root()
    argv = [
        "ffmpeg",
        "-v",
        "error",
        "-rtsp_transport",
        "tcp",
        "-i",
        camera_url(site, cameras[camera]),
        "-frames:v",
        "1",
        "-f",
        "image2",
        "-c:v",
        "png",
        "-",
    ]
    proc = target.popen(site.video.recorder, argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    data, errors = proc.communicate(timeout=30)
    if proc.returncode != 0 or not data:
        fail(f"no picture from {camera}: {errors.decode(errors='replace').strip().splitlines()[-1:]}")
    output.write_bytes(data)
    ok(f"{output}: {len(data) // 1024} KiB from {camera} (taken on {site.video.recorder})")
