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
from deepl.api_data import MultilingualGlossaryDictionaryEntries
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


def test_deepl_sdk_translates_html(translator: deepl.Translator) -> None:
    html = f'<p>{SOURCES[0]}</p><p><a href="https://x.id/b">{SOURCES[1]}</a></p>'
    result = translator.translate_text(html, target_lang="EN-US", tag_handling="html")
    assert isinstance(result, deepl.TextResult)
    expected = html.replace(SOURCES[0], TRANSLATIONS[SOURCES[0]])
    assert result.text == expected.replace(SOURCES[1], TRANSLATIONS[SOURCES[1]])


def test_deepl_v2_glossaries_with_the_translator(server: str) -> None:
    translator = deepl.Translator(KEY, server_url=server)
    assert {(p.source_lang, p.target_lang) for p in translator.get_glossary_languages()} == {
        ("id", "en"),  # lower-case, as DeepL lists them
        ("ms", "en"),
    }
    entries = {"Surabaya": "Surabaya City", "jembatan": "bridge"}
    glossary = translator.create_glossary("newsroom", "ID", "EN", entries)
    assert (glossary.name, glossary.ready, glossary.entry_count) == ("newsroom", True, 2)
    assert glossary.glossary_id in [g.glossary_id for g in translator.list_glossaries()]
    assert translator.get_glossary(glossary.glossary_id).source_lang == "ID"
    assert translator.get_glossary_entries(glossary) == entries
    result = translator.translate_text(
        PAIRS[0][0], source_lang="ID", target_lang="EN-US", glossary=glossary
    )
    assert isinstance(result, deepl.TextResult)
    assert "Surabaya City" in result.text
    with pytest.raises(ValueError, match="source_lang"):  # the SDK's own check, as at DeepL
        translator.translate_text(PAIRS[0][0], target_lang="EN-US", glossary=glossary)
    translator.delete_glossary(glossary)
    with pytest.raises(deepl.GlossaryNotFoundException):
        translator.get_glossary(glossary.glossary_id)
    translator.close()


def test_deepl_v3_glossaries_with_the_deepl_client(server: str) -> None:
    client = deepl.DeepLClient(KEY, server_url=server)
    entries = {"Surabaya": "Surabaya City"}
    dictionary = MultilingualGlossaryDictionaryEntries("ID", "EN", entries)
    glossary = client.create_multilingual_glossary("v3", [dictionary])
    (info,) = glossary.dictionaries
    assert (info.source_lang, info.target_lang, info.entry_count) == ("ID", "EN", 1)
    assert glossary.glossary_id in [g.glossary_id for g in client.list_multilingual_glossaries()]
    assert client.get_multilingual_glossary(glossary.glossary_id).name == "v3"
    (found,) = client.get_multilingual_glossary_entries(glossary, "ID", "EN").dictionaries
    assert "Surabaya\tSurabaya City" in str(found.entries)
    renamed = client.update_multilingual_glossary_name(glossary, "renamed")
    assert renamed.name == "renamed"
    result = client.translate_text(
        PAIRS[0][0], source_lang="ID", target_lang="EN-GB", glossary=glossary.glossary_id
    )
    assert isinstance(result, deepl.TextResult)
    assert "Surabaya City" in result.text
    client.delete_multilingual_glossary(glossary)
    with pytest.raises(deepl.GlossaryNotFoundException):
        client.get_multilingual_glossary(glossary.glossary_id)
    client.close()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("berita.txt", "\n".join(SOURCES[:2]) + "\n"),
        ("berita.html", f"<h1>{SOURCES[0]}</h1><p><b>{SOURCES[1]}</b></p>"),
    ],
)
def test_deepl_sdk_translates_documents(
    server: str, tmp_path: Path, name: str, content: str
) -> None:
    source, target = tmp_path / name, tmp_path / f"en-{name}"
    source.write_text(content, encoding="utf-8")
    translator = deepl.Translator(KEY, server_url=server)
    status = translator.translate_document_from_filepath(source, target, target_lang="EN-US")
    translator.close()
    assert status.done and status.billed_characters == len(SOURCES[0]) + len(SOURCES[1])
    expected = content.replace(SOURCES[0], TRANSLATIONS[SOURCES[0]])
    assert target.read_text(encoding="utf-8") == expected.replace(
        SOURCES[1], TRANSLATIONS[SOURCES[1]]
    )


def test_libretranslate_html_and_files(server: str) -> None:
    client = LibreTranslateAPI(server, api_key=KEY)
    assert not hasattr(client, "translate_file")  # the client has no file call: plain HTTP
    html = f"<p><i>{SOURCES[2]}</i></p>"
    translated = httpx.post(
        f"{server}/translate",
        data={"q": html, "source": "id", "target": "en", "format": "html", "api_key": KEY},
    ).json()["translatedText"]
    assert translated == html.replace(SOURCES[2], TRANSLATIONS[SOURCES[2]])
    upload = {"file": ("berita.txt", (SOURCES[3] + "\n").encode())}
    form = {"source": "auto", "target": "en", "api_key": KEY}
    answer = httpx.post(f"{server}/translate_file", files=upload, data=form, timeout=60)
    assert answer.status_code == 200, answer.text
    url = answer.json()["translatedFileUrl"]
    assert url.startswith("/download_file/")  # relative without WARTA_PUBLIC_URL, never Host
    downloaded = httpx.get(server + url)
    assert downloaded.text == TRANSLATIONS[SOURCES[3]] + "\n"


def test_errors_in_each_protocols_shape(server: str) -> None:
    auth = {"Authorization": f"DeepL-Auth-Key {KEY}"}
    deepl_answer = httpx.post(f"{server}/v2/translate", json={"text": ["x"]}, headers=auth)
    assert (deepl_answer.status_code, list(deepl_answer.json())) == (400, ["message"])
    libre_answer = httpx.post(f"{server}/translate", json={"q": "x", "api_key": KEY})
    assert (libre_answer.status_code, list(libre_answer.json())) == (400, ["error"])
    v1 = httpx.post(f"{server}/v1/translate", json={}, headers={"Authorization": f"Bearer {KEY}"})
    assert (v1.status_code, list(v1.json())) == (422, ["error"])


def test_warta_compat_turns_an_api_off_for_its_clients(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    with warta_serve(tiny_marian_dir, tmp_path, compat="libretranslate") as url:
        translator = deepl.Translator("any", server_url=url)
        with pytest.raises(deepl.DeepLException, match="Not found"):
            translator.translate_text(SOURCES[0], target_lang="EN-US")
        translator.close()
        source, target = PAIRS[2]
        assert LibreTranslateAPI(url).translate(source, "id", "en") == target
