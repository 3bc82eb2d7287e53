"""The REST API (FastAPI): the same library calls as the CLI, behind accounts and roles.

A route only checks who asks and turns the library's answer into JSON: no logic lives here. A trainer sees and
manages every lab; a learner sees only their own lab (403 on any other, and on trainer routes). Errors are the
library's one line: 400 for bad input, 404 for an unknown lab, 409 for a lab in the wrong state.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from officelab.api import accounts, desking, exercising, labwork
from officelab.api.auth import Credentials, LabName, Trainer, Who, learner_mode
from officelab.api.console import console, open_consoles
from officelab.core.errors import LabError, OfficeLabError, SiteInvalid

if TYPE_CHECKING:
    from officelab.recette.model import Check, NotBuilt
    from officelab.runtime.lab import Lab


class Login(BaseModel):
    name: str
    password: str


class SiteText(BaseModel):
    text: str
    file: str = "site.yaml"


class Boot(BaseModel):
    site: str = "cabinet-martin"


LOG = logging.getLogger("officelab.api")


def create_app(store: Engine | None = None) -> FastAPI:
    """The API over the accounts of ``store`` (default: the OfficeLab home's ``web.sqlite``)."""
    engine = store or accounts.open_accounts()
    app = FastAPI(title="OfficeLab", version="1", description="The workbench's API: what the CLI does, by role.")
    app.state.accounts = engine
    app.add_api_websocket_route("/api/labs/{lab}/nodes/{node}/console", console)
    app.include_router(labwork.router)
    app.include_router(exercising.router)
    app.include_router(desking.router)

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

    @app.get("/api/labs/{lab}/recette", response_model=None)
    def recette(
        lab: LabName, account: Who, criterion: str | None = None, node: str | None = None, lang: str = "fr", format: str = "json"
    ) -> dict[str, Any] | Response:
        """Run the recette (or the checks of a criterion, or of a node, with what they need): the JSON report, or
        ``format=junit`` (JUnit XML) or ``format=html`` (the printable report). A learner in an exercise gets each
        check's status only."""
        from officelab.diagnosis.recette import localise
        from officelab.recette.report import learner_view, render_html, render_junit, to_json
        from officelab.recette.run import run_on_lab

        if format not in ("json", "junit", "html"):
            raise HTTPException(400, f"format {format!r}: json, junit or html")
        hidden = learner_mode(account, lab)
        if hidden and format != "json":
            raise HTTPException(403, "during an exercise the recette's reports are the trainer's: check your work instead")
        target, checks, unbuilt = _selection(lab, criterion, node)
        result = run_on_lab(target, checks)
        result.not_built = unbuilt
        if not hidden:
            localise(target, result)
        if format == "junit":
            return Response(render_junit(result, lang), media_type="application/xml")
        if format == "html":
            return HTMLResponse(render_html(result, lang))
        report = to_json(result, lang)
        return learner_view(report) if hidden else report

    @app.get("/api/labs/{lab}/recette/stream")
    def recette_stream(
        lab: LabName, account: Who, criterion: str | None = None, node: str | None = None, lang: str = "fr"
    ) -> StreamingResponse:
        """The same run as server-sent events: one `check` event per check as it ends, then `done` with the report."""
        from officelab.diagnosis.recette import localise
        from officelab.recette.report import learner_view, to_json
        from officelab.recette.run import run_on_lab
        from officelab.recette.secrets import Masker, secret_values

        target, checks, unbuilt = _selection(lab, criterion, node)
        masker = Masker(secret_values(target.site()))
        hidden = learner_mode(account, lab)
        shown = learner_view if hidden else (lambda data: data)
        events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()

        def run() -> None:
            try:
                result = run_on_lab(target, checks, lambda o: events.put(("check", shown(o.to_dict(lang, masker=masker)))))
                result.not_built = unbuilt
                if not hidden:
                    localise(target, result)
                events.put(("done", shown(to_json(result, lang))))
            except OfficeLabError as error:
                events.put(("error", {"detail": str(error)}))
            except Exception as error:  # the stream must end, whatever stopped the run; the log keeps the traceback
                LOG.exception("the recette of lab %s stopped", lab)
                events.put(("error", {"detail": f"the recette stopped: {type(error).__name__}: {error}"}))

        threading.Thread(target=run, name=f"recette-{lab}", daemon=True).start()

        def stream() -> Iterator[str]:
            while True:
                kind, data = events.get()
                yield f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
                if kind != "check":
                    return

        return StreamingResponse(stream(), media_type="text/event-stream")

    @app.get("/api/labs/{lab}/consoles")
    def consoles(account: Trainer, lab: LabName) -> list[dict[str, str]]:
        """The node consoles open on the lab (a trainer may watch one read-only)."""
        return open_consoles(lab)

    @app.get("/api/criteria")
    def criteria(account: Who, lang: str = "fr") -> list[dict[str, Any]]:
        """The competencies and their criteria (the grouping of the recette's page)."""
        from officelab.criteria import catalogue

        return [
            {"id": c.id, "title": c.title(lang), "criteria": [{"id": k.id, "title": k.fr if lang == "fr" else k.en} for k in c.criteria]}
            for c in catalogue().competencies
        ]

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

    _serve_page(app)
    return app


def _serve_page(app: FastAPI) -> None:
    """The workbench's page at ``/``, its files under ``/static`` (the front-end libraries in ``static/vendor``,
    copied there by the setup from the npm lockfile: nothing comes from a CDN)."""
    static = Path(__file__).with_name("static")
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        if not (static / "vendor" / "xterm.js").exists():
            return PlainTextResponse("the workbench's front-end libraries are missing: run `make setup` (npm ci in web/)", 503)
        return FileResponse(static / "index.html", headers={"Cache-Control": "no-cache"})


def _selection(lab: str, criterion: str | None, node: str | None) -> tuple[Lab, list[Check], list[NotBuilt]]:
    """The lab, the checks asked for (all of its site's, or those of a criterion or a node, with their needs), and,
    for the whole recette, the checks its site implies that cannot be built (reported, never dropped)."""
    from officelab.criteria import catalogue
    from officelab.recette.derive import derive, unbuilt_checks
    from officelab.recette.run import select
    from officelab.runtime.lab import Lab

    target = Lab(lab)
    site = target.site()
    if criterion is not None and criterion not in catalogue().criteria:
        raise OfficeLabError(f"unknown criterion {criterion!r}: see `officelab criteria`")
    if node is not None and all(n.name != node for n in site.nodes):
        raise OfficeLabError(f"no node {node!r} in lab {lab}")
    derived = derive(site)
    unbuilt = unbuilt_checks(derived) if criterion is None and node is None else []
    return target, select(derived.checks, criterion, node), unbuilt
