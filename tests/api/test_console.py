"""The node console's websocket, without a lab: every refusal closes before a shell starts, with its code."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from tests.api.test_api import token

URL = "/api/labs/alice/nodes/pc-paie/console"


def _closed(client: TestClient, greeting: str | None, url: str = URL) -> tuple[int, str]:
    with client.websocket_connect(url) as ws:
        if greeting is not None:
            ws.send_text(greeting)
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_bytes()
    return closed.value.code, closed.value.reason


def test_a_console_needs_a_greeting_with_a_live_session(client: TestClient) -> None:
    assert _closed(client, "hello")[0] == 4400
    assert _closed(client, "[1, 2]")[0] == 4400
    code, reason = _closed(client, '{"token": "forged"}')
    assert code == 4401 and "log in first" in reason


def test_a_learner_opens_no_console_in_another_lab(client: TestClient) -> None:
    bob = token(client, "bob", "Bob-2026!!")["Authorization"].removeprefix("Bearer ")
    code, reason = _closed(client, f'{{"token": "{bob}", "cols": 80, "rows": 24}}')
    assert code == 4403 and "not yours" in reason


def test_a_console_on_a_lab_that_is_not_up_is_refused_by_name(client: TestClient) -> None:
    trainer = token(client, "formateur", "Former-2026!")["Authorization"].removeprefix("Bearer ")
    code, reason = _closed(client, f'{{"token": "{trainer}"}}', "/api/labs/nolab/nodes/pc-paie/console")
    assert code == 4404 and "nolab" in reason
