"""The official DeepL and LibreTranslate client libraries, and requests shaped like
Mastodon's, against a real ``warta serve`` with the tiny trained Marian model."""

from __future__ import annotations

import json
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import deepl
import httpx
import pytest
from libretranslatepy import LibreTranslateAPI

from app.engines.tiny import PAIRS, TRANSLATIONS
from tests.servers import warta_serve

KEY = "compat-client-key"
SOURCES = [source for source, _ in PAIRS]


@pytest.fixture(scope="module")
def server(tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("compat-server")
    with warta_serve(tiny_marian_dir, work, api_keys=KEY) as url:
        yield url


@pytest.fixture(params=[deepl.Translator, deepl.DeepLClient], ids=["Translator", "DeepLClient"])
def translator(request: pytest.FixtureRequest, server: str) -> Iterator[deepl.Translator]:
    client = request.param(KEY, server_url=server)
    yield client
    client.close()


def test_deepl_sdk_translates_one_and_many_texts(translator: deepl.Translator) -> None:
    source, target = PAIRS[1]
    one = translator.translate_text(source, target_lang="EN-US")
    assert isinstance(one, deepl.TextResult)
    assert (one.text, one.detected_source_lang, one.billed_characters) == (
        target,
        "ID",
        len(source),
    )
    many = translator.translate_text(SOURCES, source_lang="ID", target_lang="EN-GB")
    assert isinstance(many, list)
    assert [result.text for result in many] == [TRANSLATIONS[s] for s in SOURCES]


def test_deepl_sdk_languages_usage_and_glossary_pairs(translator: deepl.Translator) -> None:
    assert [lang.code for lang in translator.get_source_languages()] == ["ID", "MS"]
    targets = translator.get_target_languages()
    assert [(lang.code, lang.supports_formality) for lang in targets] == [
        ("EN-GB", False),
        ("EN-US", False),
    ]
    before = translator.get_usage().character.count
    assert before is not None
    translator.translate_text(SOURCES[:2], target_lang="EN-US")
    usage = translator.get_usage()
    assert usage.character.count == before + len(SOURCES[0]) + len(SOURCES[1])
    assert not usage.any_limit_reached
    assert translator.get_glossary_languages() == []


def test_deepl_sdk_errors(translator: deepl.Translator, server: str) -> None:
    with pytest.raises(deepl.DeepLException, match="target_lang"):
        translator.translate_text(SOURCES[0], target_lang="DE")
    with pytest.raises(deepl.DeepLException, match="source_lang"):
        translator.translate_text(SOURCES[0], source_lang="FR", target_lang="EN-US")
    stranger = deepl.Translator("not-a-key", server_url=server)
    with pytest.raises(deepl.AuthorizationException):
        stranger.translate_text(SOURCES[0], target_lang="EN-US")
    with pytest.raises(deepl.AuthorizationException):
        stranger.get_usage()
    stranger.close()


def test_libretranslatepy_translates_detects_and_lists_languages(server: str) -> None:
    client = LibreTranslateAPI(server, api_key=KEY)
    source, target = PAIRS[2]
    assert client.translate(source, "id", "en") == target
    assert client.translate(PAIRS[3][0], "auto", "en") == PAIRS[3][1]
    (detected,) = client.detect(source)
    assert detected["language"] == "id" and 0 < detected["confidence"] <= 100
    languages = {lang["code"]: lang["targets"] for lang in client.languages()}
    assert languages["id"] == ["en"] and languages["ms"] == ["en"]


def test_libretranslatepy_with_a_wrong_key_gets_403(server: str) -> None:
    client = LibreTranslateAPI(server, api_key="not-a-key")
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.translate(SOURCES[0], "id", "en")
    assert refused.value.code == 403
    assert json.load(refused.value) == {"error": "Invalid API key"}
    assert client.languages()  # like LibreTranslate, the language list needs no key


def test_requests_shaped_like_mastodons(server: str) -> None:
    # Mastodon's LibreTranslate service: JSON, a list of texts, format html, key in the body.
    html = [
        f'<p>{SOURCES[0]} <span class="h-card"><a href="https://m.id/@budi" '
        f'class="u-url mention">@<span>budi</span></a></span></p><p>{SOURCES[1]}</p>'
    ]
    libre = {"q": html, "source": "auto", "target": "en", "format": "html"}
    response = httpx.post(f"{server}/translate", json={**libre, "api_key": KEY})
    assert response.status_code == 200, response.text
    (translated,) = response.json()["translatedText"]
    assert translated == html[0].replace(SOURCES[0], TRANSLATIONS[SOURCES[0]]).replace(
        SOURCES[1], TRANSLATIONS[SOURCES[1]]
    )
    languages = httpx.get(f"{server}/languages", headers={"Content-Type": "application/json"})
    assert {lang["code"]: lang["targets"] for lang in languages.json()}["id"] == ["en"]
    # Mastodon's DeepL service: a form with text repeated and tag_handling=html.
    auth = {"Authorization": f"DeepL-Auth-Key {KEY}"}
    paragraphs = [f'<p><a href="https://x.id/{n}">{s}</a></p>' for n, s in enumerate(SOURCES[:2])]
    form = {"text": paragraphs, "source_lang": "ID", "target_lang": "en", "tag_handling": "html"}
    answered = httpx.post(f"{server}/v2/translate", data=form, headers=auth)
    assert [t["text"] for t in answered.json()["translations"]] == [
        p.replace(s, TRANSLATIONS[s]) for p, s in zip(paragraphs, SOURCES[:2], strict=True)
    ]
    targets = httpx.get(f"{server}/v2/languages?type=target", headers=auth).json()
    assert [lang["language"] for lang in targets] == ["EN-GB", "EN-US"]
