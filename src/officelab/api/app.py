"""The REST API (FastAPI): the same library calls as the CLI, behind accounts and roles.

A route only checks who asks and turns the library's answer into JSON: no logic lives here. A trainer sees and
manages every lab; a learner sees only their own lab (403 on any other, and on trainer routes). Errors are the
library's one line: 400 for bad input, 404 for an unknown lab, 409 for a lab in the wrong state.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from officelab.api import accounts, exercising, labwork
from officelab.api.auth import Credentials, LabName, Trainer, Who
from officelab.api.console import console
from officelab.core.errors import LabError, OfficeLabError, SiteInvalid

if TYPE_CHECKING:
    from officelab.recette.model import Check
    from officelab.runtime.lab import Lab


class Login(BaseModel):
    name: str
    password: str


class SiteText(BaseModel):
    text: str
    file: str = "site.yaml"


class Boot(BaseModel):
    site: str = "cabinet-martin"


def create_app(store: Engine | None = None) -> FastAPI:
    """The API over the accounts of ``store`` (default: the OfficeLab home's ``web.sqlite``)."""
    engine = store or accounts.open_accounts()
    app = FastAPI(title="OfficeLab", version="1", description="The workbench's API: what the CLI does, by role.")
    app.state.accounts = engine
    app.add_api_websocket_route("/api/labs/{lab}/nodes/{node}/console", console)
    app.include_router(labwork.router)
    app.include_router(exercising.router)

    @app.exception_handler(OfficeLabError)
    async def refused(request: Request, error: OfficeLabError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=409 if isinstance(error, LabError) else 400)

    @app.post("/api/login")
    def login(body: Login) -> dict[str, Any]:
        opened = accounts.log_in(engine, body.name, body.password)
        if opened is None:
            raise HTTPException(401, "wrong account name or password")
        account = accounts.account_of(engine, opened[0])
        assert account is not None
        return {"token": opened[0], "expires": opened[1], "role": account.role, "lab": account.lab}

    @app.post("/api/logout")
    def logout(account: Who, credentials: Credentials) -> dict[str, bool]:
        assert credentials is not None
        accounts.log_out(engine, credentials.credentials)
        return {"ok": True}

    @app.get("/api/me")
    def me(account: Who) -> dict[str, Any]:
        return {"name": account.name, "role": account.role, "lab": account.lab}

    @app.get("/api/sites")
    def sites(account: Who) -> list[dict[str, str]]:
        from officelab.site.catalog import builtin_sites
        from officelab.site.loader import load_site

        return [{"name": name, "description": load_site(path).site.description} for name, path in builtin_sites().items()]

    @app.post("/api/sites/validate")
    def validate(body: SiteText, account: Who) -> dict[str, Any]:
        from officelab.recette.sitefile import load_checked_text

        try:
            site = load_checked_text(body.text, body.file)
        except SiteInvalid as invalid:
            problems = [{"file": p.file, "line": p.line, "field": p.field, "message": p.message, "hint": p.hint} for p in invalid.problems]
            return {"valid": False, "problems": problems}
        return {"valid": True, "site": site.name, "nodes": len(site.nodes), "vlans": len(site.vlans), "links": len(site.links)}

    @app.get("/api/labs")
    def labs(account: Who) -> list[dict[str, Any]]:
        from officelab.runtime.lab import Lab
        from officelab.runtime.state import all_labs

        return [{"name": name, "state": Lab(name).record.state} for name in all_labs() if account.may_see(name)]

    @app.get("/api/labs/{lab}")
    def lab_status(lab: LabName) -> dict[str, Any]:
        from officelab.runtime.lab import Lab
        from officelab.runtime.status import lab_status

        return lab_status(Lab(lab)).to_dict()

    @app.post("/api/labs/{lab}/up")
    def up(lab: str, body: Boot, account: Trainer) -> dict[str, Any]:
        from officelab.runtime.lab import Lab
        from officelab.site.catalog import resolve
        from officelab.site.loader import load_site

        path = resolve(body.site)
        target = Lab(lab)
        target.up(load_site(path), path.read_text())
        return {"name": lab, "state": target.record.state}

    @app.post("/api/labs/{lab}/down")
    def down(account: Trainer, lab: LabName) -> dict[str, Any]:
        from officelab.runtime.lab import Lab

        Lab(lab).down()
        return {"name": lab, "state": "down"}

    @app.get("/api/labs/{lab}/recette")
    def recette(lab: LabName, criterion: str | None = None, node: str | None = None, lang: str = "fr") -> dict[str, Any]:
        """Run the recette (or the checks of a criterion, or of a node, with what they need): the JSON report."""
        from officelab.recette.report import to_json
        from officelab.recette.run import run_on_lab

        target, checks = _selection(lab, criterion, node)
        return to_json(run_on_lab(target, checks), lang)

    @app.get("/api/labs/{lab}/recette/stream")
    def recette_stream(lab: LabName, criterion: str | None = None, node: str | None = None, lang: str = "fr") -> StreamingResponse:
        """The same run as server-sent events: one `check` event per check as it ends, then `done` with the report."""
        from officelab.recette.report import to_json
        from officelab.recette.run import run_on_lab
        from officelab.recette.secrets import Masker, secret_values

        target, checks = _selection(lab, criterion, node)
        masker = Masker(secret_values(target.site()))
        events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()

        def run() -> None:
            try:
                result = run_on_lab(target, checks, lambda o: events.put(("check", o.to_dict(lang, masker=masker))))
                events.put(("done", to_json(result, lang)))
            except OfficeLabError as error:
                events.put(("error", {"detail": str(error)}))

        threading.Thread(target=run, name=f"recette-{lab}", daemon=True).start()

        def stream() -> Iterator[str]:
            while True:
                kind, data = events.get()
                yield f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
                if kind != "check":
                    return

        return StreamingResponse(stream(), media_type="text/event-stream")

    @app.get("/api/faults/catalogue")
    def catalogue(account: Trainer) -> list[dict[str, Any]]:
        from officelab.faults import engine as faults

        return [
            {
                "kind": kind,
                "domain": domain,
                "title_fr": cls.title_fr,
                "title_en": cls.title_en,
                "layer": str(cls.layer),
                "difficulty": cls.difficulty,
            }
            for kind, (domain, cls) in faults.catalogue().items()
        ]

    return app


def _selection(lab: str, criterion: str | None, node: str | None) -> tuple[Lab, list[Check]]:
    """The lab, and the checks asked for (all of its site's, or those of a criterion or a node, with their needs)."""
    from officelab.criteria import catalogue
    from officelab.recette.derive import derive_suite
    from officelab.recette.run import select
    from officelab.runtime.lab import Lab

    target = Lab(lab)
    site = target.site()
    if criterion is not None and criterion not in catalogue().criteria:
        raise OfficeLabError(f"unknown criterion {criterion!r}: see `officelab criteria`")
    if node is not None and all(n.name != node for n in site.nodes):
        raise OfficeLabError(f"no node {node!r} in lab {lab}")
    return target, select(derive_suite(site), criterion, node)
