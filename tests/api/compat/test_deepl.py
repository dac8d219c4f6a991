"""The DeepL API v2 over HTTP with a FakeEngine: shapes, options, languages, usage, keys,
limits and DeepL's own errors."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import AppFactory, GatedEngine, fake_translation
from tests.api.test_load import wait_until

ID_1 = "Harga beras naik lima persen bulan ini."
ID_2 = "Polisi menangkap dua tersangka pencurian."
ENGLISH = "The minister said the policy would continue. Officials met in the capital on Monday."
KEY = "deepl-test-key"
AUTH = {"Authorization": f"DeepL-Auth-Key {KEY}"}


@pytest.fixture
def keyed(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(api_keys=f"other-key,{KEY}", max_chars=500)) as client:
        yield client


def message(response: httpx.Response, status: int) -> str:
    """DeepL's error shape: exactly {"message": str}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"message"} and isinstance(body["message"], str)
    return str(body["message"])


def test_json_as_the_sdks_send_it(keyed: TestClient) -> None:
    payload = {
        "text": [ID_1, ENGLISH, ID_2],
        "target_lang": "EN-US",
        "show_billed_characters": True,
    }
    response = keyed.post("/v2/translate", json=payload, headers=AUTH)
    assert response.status_code == 200
    assert response.json() == {
        "translations": [
            {
                "detected_source_language": "ID",
                "text": fake_translation(ID_1),
                "billed_characters": len(ID_1),
            },
            {"detected_source_language": "EN", "text": ENGLISH, "billed_characters": len(ENGLISH)},
            {
                "detected_source_language": "ID",
                "text": fake_translation(ID_2),
                "billed_characters": len(ID_2),
            },
        ]
    }


def test_form_with_repeated_text_and_every_documented_option(keyed: TestClient) -> None:
    form: dict[str, Any] = {
        "text": [ID_1, ID_2],
        "target_lang": "en-gb",
        "source_lang": "id",
        "formality": "prefer_less",
        "split_sentences": "nonewlines",
        "preserve_formatting": "1",
        "context": "Berita ekonomi.",
        "model_type": "quality_optimized",
        "outline_detection": "0",
        "non_splitting_tags": "b,i",
        "splitting_tags": ["p", "div"],
        "ignore_tags": "x",
        "show_billed_characters": "true",
    }
    response = keyed.post("/v2/translate", data=form, headers=AUTH)
    assert response.status_code == 200, response.text
    translations = response.json()["translations"]
    assert [t["text"] for t in translations] == [fake_translation(ID_1), fake_translation(ID_2)]
    assert {t["detected_source_language"] for t in translations} == {"ID"}


def test_every_english_target_and_both_sources(client: TestClient) -> None:
    for target in ("EN", "EN-US", "EN-GB", "en-us"):
        body = {"text": [ID_1], "target_lang": target}
        assert client.post("/v2/translate", json=body).json()["translations"][0]["text"] == (
            fake_translation(ID_1)
        )
    for source in ("ID", "MS"):
        body = {"text": [ENGLISH], "target_lang": "EN-US", "source_lang": source}
        result = client.post("/v2/translate", json=body).json()["translations"][0]
        assert result["detected_source_language"] == source
        assert result["text"] != ENGLISH  # the named language is translated as such


def test_text_in_the_query_string_and_a_single_json_text(client: TestClient) -> None:
    query = client.post("/v2/translate", params={"text": ID_1, "target_lang": "EN-US"})
    single = client.post("/v2/translate", json={"text": ID_1, "target_lang": "EN-US"})
    for response in (query, single):
        assert response.json()["translations"][0]["text"] == fake_translation(ID_1)


def test_unsupported_pairs_and_invalid_options_are_deepl_400s(client: TestClient) -> None:
    cases = [
        ({"text": [ID_1], "target_lang": "DE"}, "target_lang"),
        ({"text": [ID_1], "target_lang": "EN-US", "source_lang": "FR"}, "source_lang"),
        ({"target_lang": "EN-US"}, "Parameter 'text' not specified"),
        ({"text": [], "target_lang": "EN-US"}, "text"),
        ({"text": [ID_1]}, "Parameter 'target_lang' not specified"),
        ({"text": [ID_1], "target_lang": "EN-US", "formality": "very"}, "formality"),
        ({"text": [ID_1], "target_lang": "EN-US", "split_sentences": "2"}, "split_sentences"),
        ({"text": [5], "target_lang": "EN-US"}, "text"),
        ({"text": [ID_1], "target_lang": "EN-US", "style_id": "s1"}, "style rules"),
    ]
    for payload, expected in cases:
        assert expected in message(client.post("/v2/translate", json=payload), 400), payload
    assert "not valid JSON" in message(
        client.post("/v2/translate", content=b'{"text": [', headers=JSON), 400
    )
    assert "text/plain" in message(
        client.post("/v2/translate", content=b"hello", headers={"Content-Type": "text/plain"}), 400
    )


JSON = {"Content-Type": "application/json"}


MASTODON_HTML = (
    '<p>Harga beras naik di <a href="https://x.id/a">pasar Jakarta</a> bulan ini. '
    '<span class="h-card"><a href="https://m.id/@budi" class="u-url mention">@<span>budi'
    "</span></a></span></p><p>Polisi menangkap dua tersangka.</p>"
)
TAGS = re.compile(r"<[^>]+>")


def test_tag_handling_html_as_mastodon_sends_it_keeps_every_tag(client: TestClient) -> None:
    form = {"text": [MASTODON_HTML, ID_1], "target_lang": "EN-US", "tag_handling": "html"}
    response = client.post("/v2/translate", data=form)
    assert response.status_code == 200, response.text
    markup, plain = [t["text"] for t in response.json()["translations"]]
    assert TAGS.findall(markup) == TAGS.findall(MASTODON_HTML)
    assert "EN:POLISI MENANGKAP DUA TERSANGKA." in markup
    assert ">@<span>budi</span></a></span>" in markup  # the mention is never translated
    assert plain == fake_translation(ID_1)


def test_ignore_tags_keep_their_content_and_xml_reads_like_html(client: TestClient) -> None:
    text = "<p>Polisi menangkap <keep>dua tersangka</keep> pencurian.</p>"
    for handling in ("html", "xml"):
        payload = {
            "text": [text],
            "target_lang": "EN-GB",
            "source_lang": "ID",
            "tag_handling": handling,
            "ignore_tags": ["keep"],
            "non_splitting_tags": "b,i",
            "splitting_tags": ["p"],
            "outline_detection": False,
        }
        response = client.post("/v2/translate", json=payload)
        assert response.status_code == 200, response.text
        (translated,) = [t["text"] for t in response.json()["translations"]]
        assert "<keep>dua tersangka</keep>" in translated
        assert "POLISI" in translated and translated.startswith("<p>")
    plain = {"text": [text], "target_lang": "EN-GB", "source_lang": "ID"}
    (translated,) = client.post("/v2/translate", json=plain).json()["translations"]
    assert "<keep>" not in translated["text"]  # without tag_handling the tags are text


def test_a_glossary_needs_source_lang(client: TestClient) -> None:
    glossary = {"text": [ID_1], "target_lang": "EN-US", "glossary_id": "g-1"}
    assert "source_lang" in message(client.post("/v2/translate", json=glossary), 400)
    glossary["source_lang"] = "ID"
    assert "Glossary not found" in message(client.post("/v2/translate", json=glossary), 404)


def test_keys_from_deepl_or_bearer_headers_else_403(keyed: TestClient) -> None:
    payload = {"text": [ID_1], "target_lang": "EN-US"}
    for header in (f"DeepL-Auth-Key {KEY}", f"Bearer {KEY}", "DeepL-Auth-Key other-key"):
        response = keyed.post("/v2/translate", json=payload, headers={"Authorization": header})
        assert response.status_code == 200, header
    for headers in ({}, {"Authorization": "DeepL-Auth-Key wrong"}, {"Authorization": KEY}):
        assert "DeepL-Auth-Key" in message(
            keyed.post("/v2/translate", json=payload, headers=headers), 403
        )
        assert keyed.get("/v2/usage", headers=headers).status_code == 403
        assert keyed.get("/v2/languages", headers=headers).status_code == 403


def test_limits_are_deepl_413s(keyed: TestClient, make_app: AppFactory) -> None:
    long = {"text": [ID_1 * 20], "target_lang": "EN-US"}
    assert "WARTA_MAX_CHARS" in message(keyed.post("/v2/translate", json=long, headers=AUTH), 413)
    with TestClient(make_app(max_chars=1_000_000)) as roomy:
        huge = {"text": ["Harga beras naik. " * 8000], "target_lang": "EN-US"}
        assert "131072" in message(roomy.post("/v2/translate", json=huge), 413)


def test_languages_by_query_form_body_or_post(client: TestClient) -> None:
    sources = [{"language": "ID", "name": "Indonesian"}, {"language": "MS", "name": "Malay"}]
    assert client.get("/v2/languages").json() == sources
    assert client.get("/v2/languages", params={"type": "source"}).json() == sources
    targets = client.request("GET", "/v2/languages", data={"type": "target"}).json()
    assert [t["language"] for t in targets] == ["EN-GB", "EN-US"]
    assert all(t["supports_formality"] is False for t in targets)
    assert client.get("/v2/languages", params={"type": "target"}).json() == targets
    assert client.post("/v2/languages", data={"type": "target"}).json() == targets
    assert "'type' is invalid" in message(client.get("/v2/languages?type=both"), 400)


def test_usage_counts_characters_per_key(keyed: TestClient) -> None:
    other = {"Authorization": "DeepL-Auth-Key other-key"}
    assert keyed.get("/v2/usage", headers=AUTH).json() == {
        "character_count": 0,
        "character_limit": 10**12,
    }
    keyed.post("/v2/translate", json={"text": [ID_1, ID_2], "target_lang": "EN-US"}, headers=AUTH)
    keyed.post("/v2/translate", json={"text": [ENGLISH], "target_lang": "EN-US"}, headers=other)
    assert keyed.post("/v2/usage", headers=AUTH).json()["character_count"] == len(ID_1 + ID_2)
    assert keyed.get("/v2/usage", headers=other).json()["character_count"] == len(ENGLISH)


def test_usage_is_kept_across_a_restart(make_app: AppFactory) -> None:
    def restarted() -> TestClient:  # a new app on the same database file
        return TestClient(make_app(api_keys=KEY))

    with restarted() as first:
        first.post("/v2/translate", json={"text": [ID_1], "target_lang": "EN-US"}, headers=AUTH)
    with restarted() as second:
        assert second.get("/v2/usage", headers=AUTH).json()["character_count"] == len(ID_1)
        second.post("/v2/translate", json={"text": [ID_2], "target_lang": "EN-US"}, headers=AUTH)
        assert second.get("/v2/usage", headers=AUTH).json()["character_count"] == len(ID_1 + ID_2)


def test_glossary_language_pairs(client: TestClient) -> None:
    assert client.get("/v2/glossary-language-pairs").json() == {
        "supported_languages": [
            {"source_lang": "id", "target_lang": "en"},
            {"source_lang": "ms", "target_lang": "en"},
        ]
    }


def test_busy_server_is_a_429_the_sdks_retry(make_app: AppFactory, gated: GatedEngine) -> None:
    app = make_app(engine=gated, warmup=False, max_queue_sentences=1)
    with TestClient(app) as client:

        def post(text: str) -> httpx.Response:
            return client.post("/v2/translate", json={"text": [text], "target_lang": "EN-US"})

        first = threading.Thread(target=post, args=(ID_1,))
        second = threading.Thread(target=post, args=(ID_2,))
        first.start()
        assert gated.entered.wait(30)
        second.start()
        wait_until(lambda: app.state.warta.translation_batcher.queue_depth == 1)
        response = post("Banjir merendam ratusan rumah di Jakarta Timur.")
        assert "busy" in message(response, 429)
        assert int(response.headers["retry-after"]) >= 1
        gated.gate.set()
        first.join(30)
        second.join(30)


def test_text_without_a_language_comes_back_unchanged(client: TestClient) -> None:
    body = {"text": ["2024 - 2025", ""], "target_lang": "EN-US"}
    translations = client.post("/v2/translate", json=body).json()["translations"]
    assert [(t["text"], t["detected_source_language"]) for t in translations] == [
        ("2024 - 2025", "UND"),
        ("", "UND"),
    ]
