"""The shield around the app: whatever ends a request before its answer, the client
still gets a complete answer in the error shape."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import Message, Receive, Scope, Send

from app.api.middleware import ShieldMiddleware


async def _still_working(scope: Scope, receive: Receive, send: Send) -> None:
    await asyncio.sleep(3600)  # a request still planning when the server's time is up


def _run_cancelled(app: Any) -> list[Message]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def scenario() -> None:
        scope = {"type": "http", "method": "POST", "path": "/v1/translate", "headers": []}
        task = asyncio.create_task(ShieldMiddleware(app)(scope, receive, send))
        await asyncio.sleep(0.01)
        task.cancel()  # what uvicorn does to requests left at the end of its shutdown
        await task

    asyncio.run(scenario())
    return sent


def test_a_request_cancelled_at_shutdown_gets_a_503_in_the_error_shape() -> None:
    start, body = _run_cancelled(_still_working)
    assert start["status"] == 503
    assert (b"connection", b"close") in start["headers"]
    assert json.loads(body["body"])["error"]["code"] == "model_not_ready"
