"""`format`, `glossary` and `no_translate` on /v1/translate and /v1/articles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.engines.tiny import PAIRS
from app.main import Engines, create_app
from app.services.detect import default_detector
from tests.text.markup_helpers import html_structure, markdown_structure

POST = (
    '<p><span class="h-card"><a href="https://m.id/@budi" class="u-url mention">@<span>budi'
    "</span></a></span> Harga beras naik lima persen bulan ini.<br>Lihat "
    '<a href="https://kompas.id/baca/beras">kompas.id/baca/beras</a> &amp; '
    '<a href="https://m.id/tags/Beras" class="mention hashtag" rel="tag">#<span>Beras</span></a>'
    "</p>"
)


def test_html_comes_back_with_its_tags_and_spans(client: TestClient) -> None:
    response = client.post(
        "/v1/translate",
        json={"texts": [POST], "source_lang": "id", "format": "html", "return_segments": True},
    )
    assert response.status_code == 200, response.text
    translation = response.json()["translations"][0]
    assert html_structure(translation["text"]) == html_structure(POST)
    for kept in ("@<span>budi</span>", "#<span>Beras</span>", "kompas.id/baca/beras"):
        assert kept in translation["text"]
    assert [s["paragraph"] for s in translation["segments"]] == [0, 1]


def test_glossary_terms_are_applied_and_reported(client: TestClient) -> None:
    response = client.post(
        "/v1/translate",
        json={
            "texts": ["DPR-nya menolak usulan KPK."],
            "source_lang": "id",
            "glossary": {"DPR": "House of Representatives"},
            "no_translate": ["KPK"],
            "return_segments": True,
        },
    )
    assert response.status_code == 200, response.text
    (segment,) = response.json()["translations"][0]["segments"]
    # The fake model copied "DPR-NYA" (upper-cased): the copy is replaced by the target.
    assert segment["translation"] == "EN:House of Representatives MENOLAK USULAN KPK."
    assert segment["terms"] == [{"source": "DPR", "target": "House of Representatives"}]
    assert segment["flags"] == []


@pytest.mark.parametrize(
    "extra",
    [
        {"format": "docx"},
        {"glossary": {"DPR": " "}},
        {"glossary": {"DPR": 1}},
        {"no_translate": [""]},
        {"no_translate": "KPK"},
        {"glosary": {"DPR": "House"}},
        {"no_translate": ["x" * 501]},
    ],
)
def test_bad_options_are_422(client: TestClient, extra: dict[str, Any]) -> None:
    response = client.post("/v1/translate", json={"texts": ["Harga naik."], **extra})
    assert response.status_code == 422
    assert set(response.json()) == {"error"}


def test_markdown_article_keeps_markup_and_plain_title(client: TestClient) -> None:
    body = (
        "## Siaran pers\n\n"
        "Presiden **Joko Widodo** meresmikan [jembatan baru](https://pu.go.id/a) di DPR.\n\n"
        "- Harga beras naik lima persen bulan ini.\n- Jalankan `warta --help` sekarang.\n"
    )
    response = client.post(
        "/v1/articles",
        json={
            "title": "Jembatan *baru* diresmikan",
            "text": body,
            "format": "markdown",
            "glossary": {"DPR": "House of Representatives"},
        },
    )
    assert response.status_code == 200, response.text
    article = response.json()
    assert markdown_structure(article["translation"]) == markdown_structure(body)
    assert "`warta --help`" in article["translation"]
    assert "House of Representatives" in article["translation"]
    assert article["title"]["translation"] == "EN:JEMBATAN *BARU* DIRESMIKAN"  # plain text
    assert article["removed"] == []


def test_a_page_to_clean_takes_no_format(client: TestClient) -> None:
    response = client.post("/v1/articles", json={"html": "<p>Harga naik.</p>", "format": "html"})
    assert response.status_code == 422
    assert "format" in response.json()["error"]["message"]


def test_openapi_describes_the_options(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("TranslateRequest", "ArticleRequest"):
        fields = schemas[name]["properties"]
        assert {"format", "glossary", "no_translate"} <= set(fields)
        assert "verbatim" in fields["no_translate"]["description"]
    assert "terms" in schemas["SegmentOut"]["properties"]


@pytest.fixture(scope="module")
def tiny_client(tiny_hf_engine: Any) -> Iterator[TestClient]:
    settings = Settings(max_batch_wait_ms=2.0, beam_size=2)
    app = create_app(settings, engines=Engines(tiny_hf_engine), detector=default_detector())
    with TestClient(app) as client:
        yield client


def test_a_known_sentence_keeps_its_exact_translation_inside_markup(
    tiny_client: TestClient,
) -> None:
    source, target = PAIRS[0]
    html = f"<p>{source.replace('Surabaya', '<b>Surabaya</b>')}</p>"
    body = tiny_client.post(
        "/v1/translate",
        json={
            "texts": [html],
            "format": "html",
            "source_lang": "id",
            "glossary": {"Surabaya": "Surabaya City"},
        },
    ).json()
    expected = target.replace("Surabaya", "<b>Surabaya City</b>")
    assert body["translations"][0]["text"] == f"<p>{expected}</p>"
