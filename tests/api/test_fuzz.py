"""Property-based requests generated from the served OpenAPI document, sent to a real
``warta serve`` over real connections: never a 5xx, every error keeps the one error
shape (each compatible API keeps its own), and the server stays ready after each."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from app.core.config import Settings
from app.main import create_app
from tests.api.live import LiveServer

# The document the server serves (building the app loads nothing; its lifespan would).
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
DEEPL_PREFIXES = ("/v2/", "/v3/")
LIBRE_PATHS = {"/translate", "/detect", "/languages", "/frontend/settings", "/translate_file"}
LIBRE_PREFIXES = ("/download_file/",)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, live_server: LiveServer) -> None:
    response = case.call(base_url=live_server.base, timeout=120)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        if case.path.startswith(DEEPL_PREFIXES):  # DeepL's shape
            assert set(body) == {"message"} and isinstance(body["message"], str)
        elif case.path in LIBRE_PATHS or case.path.startswith(LIBRE_PREFIXES):  # LibreTranslate's
            assert set(body) == {"error"} and isinstance(body["error"], str)
        else:
            assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert live_server.request("GET", "/readyz").status == 200
