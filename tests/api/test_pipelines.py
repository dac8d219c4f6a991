"""/v1/summarize, /v1/clean and /v1/articles through HTTP."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.engines.base import GenerationOptions
from app.engines.hf import HFEngine
from app.engines.tiny import PAIRS
from app.main import Engines, create_app
from app.services.detect import default_detector
from tests.api.conftest import AppFactory, fake_translation
from tests.fakes import FakeEngine

DATA = Path(__file__).resolve().parents[1] / "data"
SEED = (DATA / "clean" / "seed-article.txt").read_text(encoding="utf-8")
BODY = (DATA / "banjir-jakarta.txt").read_text(encoding="utf-8")


def post(client: TestClient, path: str, payload: dict[str, Any]) -> Any:
    return client.post(path, json=payload)


def test_clean_seed_article_keeps_body_and_lists_furniture(client: TestClient) -> None:
    response = post(client, "/v1/clean", {"text": SEED})
    assert response.status_code == 200
    body = response.json()
    assert body["text"].startswith("ANKARA -")
    assert body["text"].rstrip().endswith("kata Hua.")
    assert any("Tag Terkait" in line for line in body["removed"])
    assert len(body["reasons"]) == len(body["removed"])
    assert body["metadata"]["dateline"].startswith("ANKARA")


def test_clean_html_and_input_errors(client: TestClient) -> None:
    html = (DATA / "clean" / "kompas-page.html").read_text(encoding="utf-8")
    assert post(client, "/v1/clean", {"html": html}).status_code == 200
    for bad in ({}, {"text": "a", "html": "<p>b</p>"}, {"text": "   "}, {"text": 5}):
        response = post(client, "/v1/clean", bad)
        assert response.status_code == 422, bad
        assert set(response.json()["error"]) == {"code", "message"}


@pytest.mark.parametrize("depth", [300, 3000])
def test_a_deeply_nested_page_is_cleaned_and_translated_whole(
    client: TestClient, depth: int
) -> None:
    paragraphs = [
        "Harga beras naik tiga persen bulan ini menurut Badan Pusat Statistik.",
        "Pedagang di Pasar Induk Cipinang mengeluhkan sepinya pembeli sejak pekan lalu.",
    ]
    html = (
        "<html><body>"
        + "<div>" * depth
        + f"<p>{paragraphs[0]}</p>"
        + "</div>" * depth
        + f"<p>{paragraphs[1]}</p></body></html>"
    )
    cleaned = post(client, "/v1/clean", {"html": html})
    assert cleaned.status_code == 200
    assert cleaned.json()["text"].split("\n") == paragraphs
    article = post(client, "/v1/articles", {"html": html})
    assert article.status_code == 200, article.text
    assert [s["source"] for s in article.json()["segments"]] == paragraphs


def test_summarize_extractive_translates_only_selected_sentences(make_app: AppFactory) -> None:
    engine = FakeEngine()
    with TestClient(make_app(engine)) as client:
        warm = len(engine.batches)
        response = post(client, "/v1/summarize", {"text": BODY, "max_sentences": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["mode"] == "extractive"  # no summarisation model loaded
    assert len(body["sentences"]) == 2
    indices = [s["index"] for s in body["sentences"]]
    assert indices == sorted(indices)
    for sentence in body["sentences"]:
        assert sentence["translation"] == fake_translation(sentence["source"])
    translated = [text for batch in engine.batches[warm:] for text in batch]
    assert sorted(translated) == sorted(s["source"] for s in body["sentences"])


def test_summarize_in_indonesian_needs_no_translation(make_app: AppFactory) -> None:
    engine = FakeEngine()
    with TestClient(make_app(engine)) as client:
        warm = len(engine.batches)
        response = post(client, "/v1/summarize", {"text": BODY, "output_lang": "id"})
        assert response.status_code == 200
        assert response.json()["summary"]
        assert len(engine.batches) == warm
        abstractive = post(client, "/v1/summarize", {"text": BODY, "mode": "abstractive"})
        assert abstractive.status_code == 422
        assert "summar" in abstractive.json()["error"]["message"].lower()


def test_article_translates_every_sentence_once(make_app: AppFactory) -> None:
    engine = FakeEngine()
    with TestClient(make_app(engine)) as client:
        warm = len(engine.batches)
        response = post(client, "/v1/articles", {"title": "Banjir di Jakarta", "text": BODY})
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == {"source": "Banjir di Jakarta", "translation": "EN:BANJIR DI JAKARTA"}
    sources = [s["source"] for s in body["segments"]]
    assert " ".join(sources).replace(" ", "") == BODY.replace("\n", "").replace(" ", "")
    sent = Counter(text for batch in engine.batches[warm:] for text in batch)
    assert all(count == 1 for count in sent.values())
    assert body["summary"]
    assert body["stats"]["sentences"] == len(sources)
    assert body["detected_language"] == "id"


def test_article_with_tiny_models_end_to_end(tiny_marian_dir: Path, tiny_bart_dir: Path) -> None:
    translation = HFEngine(tiny_marian_dir, name="tiny-marian", role="translation")
    summarizer = HFEngine(tiny_bart_dir, name="tiny-bart", role="summarization")
    engines = Engines(translation=translation, summarization=summarizer)
    settings = Settings(max_batch_wait_ms=1.0)
    app = create_app(settings, engines=engines, detector=default_detector())
    text = f"{PAIRS[0][0]} {PAIRS[1][0]}\n\n{PAIRS[2][0]}\n\nBaca juga: Harga cabai naik\n"
    with TestClient(app) as client:
        response = post(client, "/v1/articles", {"text": text, "mode": "abstractive"})
        extractive = post(client, "/v1/articles", {"text": text, "mode": "extractive"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["translation"] == f"{PAIRS[0][1]} {PAIRS[1][1]}\n\n{PAIRS[2][1]}"
    assert [s["paragraph"] for s in body["segments"]] == [0, 0, 1]
    assert body["removed"] == ["Baca juga: Harga cabai naik"]
    assert body["summary_mode"] == "abstractive"
    assert extractive.json()["summary_mode"] == "extractive"
    assert extractive.json()["summary"] in {PAIRS[0][1], f"{PAIRS[0][1]} {PAIRS[1][1]}"} or all(
        part in body["translation"] for part in extractive.json()["summary"].split(". ")
    )


def test_article_request_errors(client: TestClient) -> None:
    for bad in ({"title": "x"}, {"text": "Isi.", "mode": "fast"}, {"text": "Isi.", "extra": 1}):
        response = post(client, "/v1/articles", bad)
        assert response.status_code == 422, bad
    furniture_only = post(client, "/v1/articles", {"text": "Baca juga: Harga cabai naik"})
    assert furniture_only.status_code == 422
    assert "furniture" in furniture_only.json()["error"]["message"]
    big = post(client, "/v1/articles", {"text": "a" * 100_001})
    assert big.status_code == 413


class LoopingSummarizer(FakeEngine):
    """A summariser stuck in a loop, as an untrained or broken model can be."""

    def __init__(self, output: str = "the flood the flood the flood the flood") -> None:
        super().__init__(max_input_tokens=1024, role="summarization")
        self.output = output

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        super().generate(texts, options)
        return [self.output for _ in texts]


@pytest.mark.parametrize(
    ("output", "flags"),
    [
        ("the flood the flood the flood the flood", ["repetition"]),
        (
            "Floods hit East Jakarta Timur Timur Timur on Monday, officials said said said.",
            ["repetition"],
        ),
        ("Floods hit East Jakarta.\x00\x1b Hundreds of houses were submerged\ufffd.", ["control"]),
        ("Timur Timur Timur\x07 said said said", ["repetition", "control"]),
        ("Floods hit East Jakarta. Hundreds of houses were submerged.", []),
    ],
)
def test_degenerate_summary_is_flagged_not_passed_off_as_fine(
    output: str, flags: list[str]
) -> None:
    engines = Engines(translation=FakeEngine(), summarization=LoopingSummarizer(output))
    app = create_app(Settings(max_batch_wait_ms=1.0), engines=engines, detector=default_detector())
    with TestClient(app) as client:
        summary = post(client, "/v1/summarize", {"text": BODY})
        article = post(client, "/v1/articles", {"text": BODY})
        extractive = post(client, "/v1/summarize", {"text": BODY, "mode": "extractive"})
    assert summary.json()["mode"] == "abstractive"
    assert summary.json()["summary"] == output
    # The fake summary also names words the fake translation lacks ("Floods", "East"):
    # those are `unsupported_names`, checked in tests/services/test_summary_flags.py.
    own = {"repetition", "control", "empty"}
    assert [f for f in summary.json()["flags"] if f in own] == flags
    assert article.json()["summary"] == output
    assert [f for f in article.json()["summary_flags"] if f in own] == flags
    assert extractive.json()["flags"] == []
