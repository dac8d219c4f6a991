"""Every error has one body shape and the status API.md gives it; nothing a client sends
gets a 500, and no response carries a stack trace."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from app.api.middleware import BodyLimitMiddleware
from app.engines.base import GenerationOptions
from tests.api.conftest import AppFactory, GatedEngine
from tests.fakes import FakeEngine


def assert_error(response: Any, status: int, code: str) -> dict[str, str]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert "Traceback" not in response.text
    return body["error"]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"texts": []},
        {"texts": "one text, not a list"},
        {"texts": [1, 2]},
        {"texts": [""]},
        {"texts": ["  \n "]},
        {"texts": ["Halo."], "source_lang": "fr"},
        {"texts": ["Halo."], "return_segments": "yes"},
        {"texts": ["Halo."], "beam_size": 2},  # unknown option
        ["Halo."],
        None,
    ],
)
def test_invalid_translate_requests_are_422(client: TestClient, payload: Any) -> None:
    error = assert_error(client.post("/v1/translate", json=payload), 422, "invalid_input")
    assert error["message"].startswith("Invalid request")


def test_unknown_field_is_named(client: TestClient) -> None:
    response = client.post("/v1/translate", json={"texts": ["Halo."], "beam_size": 2})
    assert "beam_size" in assert_error(response, 422, "invalid_input")["message"]


def test_malformed_json_and_non_utf8_bodies_are_client_errors(client: TestClient) -> None:
    headers = {"content-type": "application/json"}
    malformed = client.post("/v1/translate", content=b'{"texts": [', headers=headers)
    assert "not valid JSON" in assert_error(malformed, 422, "invalid_input")["message"]
    latin1 = '{"texts": ["Rp\xa0500"]}'.encode("latin-1")
    assert_error(client.post("/v1/translate", content=latin1, headers=headers), 400, "bad_request")


def test_json_without_content_type_is_accepted_and_form_type_is_explained(
    client: TestClient,
) -> None:
    body = b'{"texts": ["Harga beras naik."]}'
    assert client.post("/v1/translate", content=body).status_code == 200
    form = {"content-type": "application/x-www-form-urlencoded"}
    error = assert_error(
        client.post("/v1/translate", content=body, headers=form), 422, "invalid_input"
    )
    assert "Content-Type: application/json" in error["message"]


def test_unknown_route_and_wrong_method(client: TestClient) -> None:
    assert_error(client.get("/v1/nowhere"), 404, "not_found")
    response = client.get("/v1/translate")
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


def test_too_many_texts_and_characters_are_413_with_the_limit(make_app: AppFactory) -> None:
    with TestClient(make_app(max_texts=2, max_chars=60)) as client:
        too_many = client.post("/v1/translate", json={"texts": ["Satu.", "Dua.", "Tiga."]})
        assert "limit is 2" in assert_error(too_many, 413, "text_too_long")["message"]
        too_long = client.post("/v1/translate", json={"texts": ["a" * 40, "b" * 40]})
        assert "limit is 60" in assert_error(too_long, 413, "text_too_long")["message"]
        detect = client.post("/v1/detect", json={"text": "a" * 61})
        assert_error(detect, 413, "text_too_long")


def test_body_over_the_limit_is_413_before_parsing(client: TestClient) -> None:
    body = b'{"texts": ["' + b"a" * (5 * 1024 * 1024) + b'"]}'
    error = assert_error(client.post("/v1/translate", content=body), 413, "body_too_large")
    assert "bytes" in error["message"]


def _echo_app(limit: int) -> BodyLimitMiddleware:
    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(str(len(await request.body())))

    return BodyLimitMiddleware(Starlette(routes=[Route("/", echo, methods=["POST"])]), limit)


def test_body_limit_counts_streamed_bytes_without_content_length() -> None:
    client = TestClient(_echo_app(limit=100))

    def chunks(n: int) -> Any:
        for _ in range(n):
            yield b"x" * 30

    assert client.post("/", content=chunks(3)).text == "90"
    assert_error(client.post("/", content=chunks(4)), 413, "body_too_large")
    bad_length = client.post("/", content=b"abc", headers={"content-length": "abc"})
    assert_error(bad_length, 400, "bad_request")


def test_api_keys(make_app: AppFactory) -> None:
    with TestClient(make_app(api_keys="first-key, second-key")) as client:
        missing = client.get("/v1/models")
        assert_error(missing, 401, "unauthorized")
        assert missing.headers["www-authenticate"] == "Bearer"
        wrong = client.get("/v1/models", headers={"Authorization": "Bearer third-key"})
        assert_error(wrong, 401, "unauthorized")
        assert_error(client.post("/v1/translate", json={"texts": ["Halo."]}), 401, "unauthorized")
        good = client.get("/v1/models", headers={"Authorization": "Bearer second-key"})
        assert good.status_code == 200
        for open_path in ("/healthz", "/readyz"):
            assert client.get(open_path).status_code == 200
        # The metrics would tell one key about the others' traffic: a key reads them.
        assert_error(client.get("/metrics"), 401, "unauthorized")
        metrics = client.get("/metrics", headers={"Authorization": "Bearer first-key"})
        assert metrics.status_code == 200


@pytest.mark.parametrize(
    ("settings", "token", "status"),
    [
        ({"metrics_token": "scrape-me"}, "scrape-me", 200),
        ({"metrics_token": "scrape-me"}, None, 401),
        ({"metrics_token": "scrape-me"}, "first-key", 200),
        ({"metrics_token": "scrape-me"}, "wrong", 401),
        ({"metrics_public": True}, None, 200),
    ],
)
def test_metrics_access_follows_its_settings(
    make_app: AppFactory, settings: dict[str, Any], token: str | None, status: int
) -> None:
    app = make_app(api_keys="first-key", **settings)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with TestClient(app) as client:
        assert client.get("/metrics", headers=headers).status_code == status


def test_a_metrics_token_alone_guards_metrics_on_a_server_without_keys(
    make_app: AppFactory,
) -> None:
    with TestClient(make_app(metrics_token="scrape-me")) as client:
        assert_error(client.get("/metrics"), 401, "unauthorized")
        ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
        assert ok.status_code == 200
        assert client.post("/v1/translate", json={"texts": ["Halo."]}).status_code == 200


def test_not_ready_before_startup(make_app: AppFactory) -> None:
    client = TestClient(make_app())  # no `with`: the lifespan has not run
    assert client.get("/healthz").status_code == 200
    assert_error(client.get("/readyz"), 503, "model_not_ready")
    translate = client.post("/v1/translate", json={"texts": ["Halo."]})
    assert_error(translate, 503, "model_not_ready")


def test_deadline_is_504_and_drops_the_queued_work(
    make_app: AppFactory, gated: GatedEngine
) -> None:
    app = make_app(engine=gated, warmup=False, request_timeout_s=0.3)
    with TestClient(app) as client:
        response = client.post("/v1/translate", json={"texts": ["Harga beras naik."]})
        error = assert_error(response, 504, "deadline_exceeded")
        assert "WARTA_REQUEST_TIMEOUT_S" in error["message"]
        # A second request queues behind the blocked batch, times out, and leaves no work.
        assert_error(
            client.post("/v1/translate", json={"texts": ["Dua."]}), 504, "deadline_exceeded"
        )
        assert app.state.warta.translation_batcher.queue_depth == 0
        gated.gate.set()


class BrokenEngine(FakeEngine):
    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        if options.beam_size == 4 and texts and texts[0].startswith("Rusak"):
            raise RuntimeError("secret internal detail at /srv/model.bin")
        return super().generate(texts, options)


def test_unexpected_failures_are_a_generic_500(make_app: AppFactory) -> None:
    with TestClient(make_app(engine=BrokenEngine()), raise_server_exceptions=False) as client:
        response = client.post("/v1/translate", json={"texts": ["Rusak sekali hari ini."]})
        error = assert_error(response, 500, "internal_error")
        assert "secret" not in response.text
        assert error["message"]
        # The server keeps serving afterwards.
        ok = client.post("/v1/translate", json={"texts": ["Baik sekali hari ini."]})
        assert ok.status_code == 200


def test_retry_after_is_set_when_overloaded(make_app: AppFactory, gated: GatedEngine) -> None:
    app = make_app(engine=gated, warmup=False, max_queue_sentences=1)
    with TestClient(app) as client:
        batcher = app.state.warta.translation_batcher
        first = threading.Thread(
            target=client.post, args=("/v1/translate",), kwargs={"json": {"texts": ["Satu."]}}
        )
        second = threading.Thread(
            target=client.post, args=("/v1/translate",), kwargs={"json": {"texts": ["Dua."]}}
        )
        first.start()
        assert gated.entered.wait(30)
        second.start()
        while batcher.queue_depth < 1:
            time.sleep(0.01)
        response = client.post("/v1/translate", json={"texts": ["Tiga."]})
        assert_error(response, 429, "overloaded")
        assert int(response.headers["retry-after"]) >= 1
        gated.gate.set()
        first.join(30)
        second.join(30)
