"""Ray Serve: the same HTTP API as ``warta serve``, the translation model in 2 replicas.

The ingress is the app of ``create_app``; each model is a deployment whose replicas
batch what reaches them. Answers must equal the plain server's, byte for byte but for
the timing field, and concurrent requests must all be answered, by both replicas.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ray import serve

from app.core.config import Settings
from app.engines.loader import load_engines
from app.engines.tiny import PAIRS, TRANSLATIONS
from app.main import create_app
from app.scale.serve import build
from app.services.detect import default_detector
from tests.scale.conftest import without_timing
from tests.servers import free_port

TRANSLATION_REPLICAS = 2
(S0, T0), (S1, T1), (S2, T2), (S3, T3), (S4, T4), (S5, T5) = PAIRS


def overrides(marian: Path, bart: Path) -> dict[str, Any]:
    """The settings both servers run with."""
    return {
        "translation_model": str(marian),
        "summarization_model": str(bart),
        "engine": "transformers",
        "device": "cpu",
        "threads": 1,
        "beam_size": 2,
        "max_batch_wait_ms": 2.0,
        "max_queue_sentences": 64,
    }


class Http:
    """A tiny JSON client for a server on 127.0.0.1 (the Serve proxy)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def ray_api(
    tiny_marian_dir: Path, tiny_bart_dir: Path, ray_cluster: dict[str, Any]
) -> Iterator[Http]:
    """The Serve application: 2 translation replicas (1 CPU each), 1 summariser."""
    port = free_port()
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    deployments = {
        "Translation": {
            "num_replicas": TRANSLATION_REPLICAS,
            "ray_actor_options": {"num_cpus": 1},
        },
        "Summarization": {"num_replicas": 1, "ray_actor_options": {"num_cpus": 0}},
    }
    application = build(overrides(tiny_marian_dir, tiny_bart_dir), deployments)
    serve.run(application, name="warta", route_prefix="/")
    yield Http(port)
    serve.shutdown()


@pytest.fixture(scope="module")
def plain_api(tiny_marian_dir: Path, tiny_bart_dir: Path) -> Iterator[TestClient]:
    """``warta serve``'s app, in this process, with the same settings and models."""
    settings = Settings(**overrides(tiny_marian_dir, tiny_bart_dir))
    app = create_app(settings, engines=load_engines(settings), detector=default_detector())
    with TestClient(app) as client:
        yield client


ARTICLE = f"{S0} {S1}\n\n{S2}\n\nBaca juga: Harga cabai melonjak\n\n{S4}"
HTML = (
    f"<html><head><title>{S3}</title></head><body><nav>Beranda | Berita</nav>"
    f"<article><h1>{S3}</h1><p>{S5} {S1}</p><p>{S2}</p></article>"
    "<footer>Hak cipta dilindungi</footer></body></html>"
)
MANY_SENTENCES = [f"Kalimat nomor {i} di sini." for i in range(70)]  # > max_queue_sentences
SAME_ANSWERS = [
    ("GET", "/healthz", None),
    ("GET", "/readyz", None),
    ("GET", "/v1/models", None),
    ("POST", "/v1/translate", {"texts": [ARTICLE, "The minister spoke."], "return_segments": True}),
    ("POST", "/v1/translate", {"texts": [S3, S4, S5], "source_lang": "id"}),
    ("POST", "/v1/articles", {"text": ARTICLE, "title": S3}),
    ("POST", "/v1/articles", {"html": HTML, "mode": "extractive", "max_sentences": 2}),
    ("POST", "/v1/summarize", {"text": ARTICLE, "mode": "abstractive"}),
    ("POST", "/v1/summarize", {"text": ARTICLE, "mode": "extractive", "output_lang": "id"}),
    ("POST", "/v1/clean", {"html": HTML}),
    ("POST", "/v1/detect", {"text": S0}),
    # Errors: validation, the ingress's own limits, and one raised in a model replica
    # (its batcher's queue bound), which must reach the client as the same 413.
    ("POST", "/v1/translate", {"texts": []}),
    ("POST", "/v1/articles", {"text": S0, "html": HTML}),
    ("POST", "/v1/translate", {"texts": [S0] * 129}),
    ("POST", "/v1/translate", {"texts": MANY_SENTENCES, "source_lang": "id"}),
    ("GET", "/v1/nothing-here", None),
]


@pytest.mark.parametrize(("method", "path", "body"), SAME_ANSWERS)
def test_answers_equal_the_plain_servers(
    ray_api: Http, plain_api: TestClient, method: str, path: str, body: Any
) -> None:
    status, answer = ray_api.call(method, path, body)
    plain = plain_api.request(method, path, json=body)
    assert (status, without_timing(answer)) == (plain.status_code, without_timing(plain.json()))


def test_replica_errors_keep_their_code(ray_api: Http) -> None:
    body = {"texts": MANY_SENTENCES, "source_lang": "id"}
    status, answer = ray_api.call("POST", "/v1/translate", body)
    assert status == 413
    assert answer["error"]["code"] == "text_too_long"
    assert "WARTA_MAX_QUEUE_SENTENCES" in answer["error"]["message"]


def test_concurrent_requests_are_all_answered_by_both_replicas(ray_api: Http) -> None:
    bodies = [{"texts": [PAIRS[i % 6][0], PAIRS[(i * 5) % 6][0]]} for i in range(24)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda body: ray_api.call("POST", "/v1/translate", body), bodies))
    for body, (status, answer) in zip(bodies, answers, strict=True):
        assert status == 200, answer
        assert [t["text"] for t in answer["translations"]] == [
            TRANSLATIONS[text] for text in body["texts"]
        ]
    units = replica_units()
    assert len(units) == TRANSLATION_REPLICAS
    assert all(count > 0 for count in units.values()), units


def replica_units() -> dict[str, int]:
    """Model inputs generated by each translation replica, asked until every replica has
    answered (the router picks a replica per call)."""
    handle = serve.get_deployment_handle("Translation", app_name="warta")
    units: dict[str, int] = {}
    for _ in range(200):
        stats = handle.stats.remote().result()
        units[stats["replica"]] = stats["units"]
        if len(units) == TRANSLATION_REPLICAS:
            break
    return units
