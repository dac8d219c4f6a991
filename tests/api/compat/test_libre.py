"""The LibreTranslate API over HTTP with a FakeEngine: shapes, detection, keys, limits and
LibreTranslate's own errors."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import AppFactory, GatedEngine, fake_translation
from tests.api.test_load import wait_until

ID_1 = "Harga beras naik lima persen bulan ini."
ID_2 = "Polisi menangkap dua tersangka pencurian."
ENGLISH = "The minister said the policy would continue. Officials met in the capital on Monday."
KEY = "libre-test-key"


@pytest.fixture
def keyed(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(api_keys=KEY, max_chars=200, max_texts=3)) as client:
        yield client


def error(response: httpx.Response, status: int) -> str:
    """LibreTranslate's error shape: exactly {"error": str}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str)
    return str(body["error"])


def test_one_text_as_a_form_gives_a_string(client: TestClient) -> None:
    response = client.post("/translate", data={"q": ID_1, "source": "id", "target": "en"})
    assert response.json() == {"translatedText": fake_translation(ID_1)}


def test_a_list_in_json_gives_a_list_and_auto_detects_each(client: TestClient) -> None:
    payload = {"q": [ID_1, ENGLISH, ID_2], "source": "auto", "target": "en"}
    body = client.post("/translate", json=payload).json()
    assert body["translatedText"] == [fake_translation(ID_1), ENGLISH, fake_translation(ID_2)]
    languages = [d["language"] for d in body["detectedLanguage"]]
    assert languages == ["id", "en", "id"]
    assert all(0 < d["confidence"] <= 100 for d in body["detectedLanguage"])
    assert "alternatives" not in body


def test_detected_language_only_for_auto_and_alternatives_only_when_asked(
    client: TestClient,
) -> None:
    auto = client.post("/translate", json={"q": ID_1, "source": "auto", "target": "en"}).json()
    assert auto["detectedLanguage"]["language"] == "id"
    named = client.post("/translate", json={"q": ID_1, "source": "ms", "target": "en"}).json()
    assert named == {"translatedText": fake_translation(ID_1)}
    single = {"q": ID_1, "source": "id", "target": "en", "alternatives": 3}
    assert client.post("/translate", json=single).json()["alternatives"] == []
    batch = {"q": [ID_1, ID_2], "source": "id", "target": "en", "alternatives": "2"}
    assert client.post("/translate", data=batch).json()["alternatives"] == [[], []]


def test_detect(client: TestClient) -> None:
    (best,) = client.post("/detect", data={"q": ID_1}).json()
    assert best["language"] == "id" and 0 < best["confidence"] <= 100
    assert client.post("/detect", json={"q": ENGLISH}).json()[0]["language"] == "en"
    assert "missing q" in error(client.post("/detect", json={}), 400)


def test_languages_and_frontend_settings_need_no_key(keyed: TestClient) -> None:
    languages = keyed.get("/languages", headers={"Content-Type": "application/json"}).json()
    assert {lang["code"]: lang["targets"] for lang in languages} == {
        "id": ["en"],
        "ms": ["en"],
        "en": [],
    }
    settings = keyed.get("/frontend/settings").json()
    assert (settings["charLimit"], settings["keyRequired"]) == (200, True)
    assert settings["language"]["target"] == {"code": "en", "name": "English"}


def test_api_key_in_body_form_or_query(keyed: TestClient) -> None:
    form = {"q": ID_1, "source": "id", "target": "en"}
    assert keyed.post("/translate", data={**form, "api_key": KEY}).status_code == 200
    assert keyed.post("/translate", json={**form, "api_key": KEY}).status_code == 200
    assert keyed.post("/translate", data=form, params={"api_key": KEY}).status_code == 200
    assert error(keyed.post("/translate", data={**form, "api_key": "wrong"}), 403) == (
        "Invalid API key"
    )
    assert "API key" in error(keyed.post("/translate", data=form), 400)
    assert error(keyed.post("/detect", data={"q": ID_1, "api_key": "no"}), 403)


def test_invalid_requests_in_libretranslates_words(keyed: TestClient) -> None:
    def post(**payload: object) -> httpx.Response:
        return keyed.post("/translate", json={"api_key": KEY, **payload})

    base = {"q": ID_1, "source": "id", "target": "en"}
    assert error(post(source="id", target="en"), 400) == "Invalid request: missing q parameter"
    assert error(post(q="", source="id", target="en"), 400) == (
        "Invalid request: missing q parameter"
    )
    assert error(post(q=ID_1, target="en"), 400) == "Invalid request: missing source parameter"
    assert error(post(**{**base, "target": "fr"}), 400).startswith("fr is not supported")
    assert error(post(**{**base, "source": "de"}), 400).startswith("de is not supported")
    assert error(post(**{**base, "format": "pdf"}), 400) == "pdf format is not supported"
    assert "q" in error(post(**{**base, "q": [1, 2]}), 400)
    assert "alternatives" in error(post(**{**base, "alternatives": -1}), 400)
    too_long = {**base, "q": ID_1 * 6}
    assert error(post(**too_long), 400) == (
        f"Invalid request: request ({len(ID_1) * 6}) exceeds text limit (200)"
    )
    too_many = {**base, "q": ["Satu.", "Dua.", "Tiga.", "Empat."]}
    assert error(post(**too_many), 400) == "Invalid request: request (4) exceeds text limit (3)"


def test_busy_server_says_slowdown(make_app: AppFactory, gated: GatedEngine) -> None:
    app = make_app(engine=gated, warmup=False, max_queue_sentences=1)
    with TestClient(app) as client:

        def post(text: str) -> httpx.Response:
            return client.post("/translate", json={"q": text, "source": "id", "target": "en"})

        first = threading.Thread(target=post, args=(ID_1,))
        second = threading.Thread(target=post, args=(ID_2,))
        first.start()
        assert gated.entered.wait(30)
        second.start()
        wait_until(lambda: app.state.warta.translation_batcher.queue_depth == 1)
        assert error(post("Banjir merendam ratusan rumah."), 429).startswith("Slowdown: ")
        gated.gate.set()
        first.join(30)
        second.join(30)


def test_format_html_as_mastodon_sends_it_keeps_every_tag(keyed: TestClient) -> None:
    html = (
        '<p>Harga beras naik di <a href="https://x.id/a">pasar</a>. <span class="h-card">'
        '<a href="https://m.id/@budi" class="u-url mention">@<span>budi</span></a></span></p>'
    )
    payload = {"q": html, "source": "auto", "target": "en", "format": "html", "api_key": KEY}
    answer = keyed.post("/translate", json=payload).json()
    tags = re.compile(r"<[^>]+>")
    assert tags.findall(answer["translatedText"]) == tags.findall(html)
    assert "EN:HARGA BERAS NAIK" in answer["translatedText"]
    assert answer["detectedLanguage"]["language"] == "id"
    as_text = keyed.post("/translate", json={**payload, "format": "text"}).json()
    assert as_text["translatedText"] != answer["translatedText"]
