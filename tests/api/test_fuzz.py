"""Property-based requests generated from the app's own OpenAPI document: never a 5xx,
and every error keeps the one error shape (each compatible API keeps its own)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from app.core.config import Settings
from app.main import Engines, create_app
from app.services.detect import default_detector
from tests.fakes import FakeEngine

APP = create_app(
    Settings(max_chars=2_000, max_texts=8, max_batch_wait_ms=0.0),
    engines=Engines(FakeEngine()),
    detector=default_detector(),
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
LIBRE_PATHS = {"/translate", "/detect", "/languages", "/frontend/settings"}


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        if case.path.startswith("/v2/"):  # DeepL's shape
            assert set(body) == {"message"} and isinstance(body["message"], str)
        elif case.path in LIBRE_PATHS:  # LibreTranslate's
            assert set(body) == {"error"} and isinstance(body["error"], str)
        else:
            assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
