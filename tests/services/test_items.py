"""``process_item`` answers a batch item exactly as the sync API answers its body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.contract.answers import process_item
from app.core.config import Settings
from app.engines.loader import Engines
from app.main import create_app
from app.runtime.work import direct_work
from app.services.detect import default_detector
from app.services.work import Work
from tests.fakes import FakeEngine, run

SETTINGS = Settings(max_batch_wait_ms=1.0, max_texts=3, max_chars=400)
ARTICLE = "Harga beras naik lima persen bulan ini.\n\nPolisi menangkap dua tersangka pencurian."


@pytest.fixture(scope="module")
def api() -> Iterator[TestClient]:
    app = create_app(SETTINGS, engines=Engines(FakeEngine()), detector=default_detector())
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="module")
def work() -> Work:
    return direct_work(
        Engines(FakeEngine()), default_detector(), beam_size=4, max_batch_tokens=4096
    )


def untimed(answer: dict[str, Any]) -> dict[str, Any]:
    """An answer without its wall-clock field."""
    if "stats" in answer:
        answer = {**answer, "stats": {**answer["stats"], "seconds": 0}}
    return answer


BODIES = [
    ("articles", {"text": ARTICLE, "title": "Harga naik"}),
    ("articles", {"html": f"<html><body><article><p>{ARTICLE}</p></article></body></html>"}),
    ("articles", {"text": ARTICLE, "mode": "abstractive"}),  # no summariser: 422
    ("articles", {"text": ARTICLE, "html": "<p>x</p>"}),  # 422
    ("articles", {"text": ARTICLE, "max_sentences": "2"}),  # strict: no coercion, 422
    ("articles", {"text": "x" * 500}),  # over max_chars: 413
    ("articles", {"text": "Menu | Beranda"}),  # nothing left after cleaning: 422
    ("translate", {"texts": [ARTICLE, "The minister spoke."], "return_segments": True}),
    ("translate", {"texts": [ARTICLE], "source_lang": "id"}),
    ("translate", {"texts": ["a", "b", "c", "d"]}),  # over max_texts: 413
    ("translate", {"texts": [], "extra": 1}),  # 422, two problems
]


@pytest.mark.parametrize(("kind", "body"), BODIES)
def test_an_item_gets_the_apis_answer_with_its_id(
    api: TestClient, work: Work, kind: str, body: dict[str, Any]
) -> None:
    answer = api.post(f"/v1/{kind}", json=body).json()
    result = run(process_item(work, kind, {"id": "item-7", **body}, SETTINGS))  # type: ignore[arg-type]
    assert list(result)[0] == "id"
    assert untimed(result) == {"id": "item-7", **untimed(answer)}


@pytest.mark.parametrize(
    ("item", "expected_id"),
    [({"text": ARTICLE}, None), ({"id": None, "text": ARTICLE}, None), (["not", "a dict"], None)],
)
def test_an_item_without_an_id_is_an_error_not_a_result(
    work: Work, item: Any, expected_id: Any
) -> None:
    result = run(process_item(work, "articles", item, SETTINGS))
    assert result["id"] == expected_id
    assert result["error"]["code"] == "invalid_input"
    assert "id" in result["error"]["message"]
    assert set(result) == {"id", "error"}


def test_ids_keep_their_json_type(work: Work) -> None:
    for item_id in (0, 42, "a-1"):
        result = run(process_item(work, "translate", {"id": item_id, "texts": [ARTICLE]}, SETTINGS))
        assert result["id"] == item_id
        assert "error" not in result
