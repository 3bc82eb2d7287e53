"""Web servers (nginx): one page per site name."""

from __future__ import annotations

from pydantic import Field

from officelab.core.model import Model


class WebSite(Model):
    server_name: str = Field(min_length=1)
    title: str = "It works"
    body: str = ""


class WebService(Model):
    """An HTTP server (nginx) serving one page per site name."""

    sites: list[WebSite] = Field(default_factory=list)
