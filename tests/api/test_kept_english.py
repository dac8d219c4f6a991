"""An English quote inside an Indonesian article comes back as it was, marked
``kept_english``; ``keep_english: false`` translates it like any other sentence."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.contract.schemas import TranslateRequest
from tests.api.conftest import AppFactory
from tests.api.test_documents import FAST, finished, send
from tests.fakes import FakeEngine

QUOTE = '"We will not tolerate any form of corruption in this ministry," said the minister.'
ARTICLE = (
    "Menteri itu berbicara di depan wartawan di Jakarta pada hari Senin. "
    f"{QUOTE}\n\nPolisi menangkap dua tersangka pencurian di pasar."
)


def test_an_english_sentence_inside_indonesian_is_kept_and_marked(make_app: AppFactory) -> None:
    engine = FakeEngine()
    with TestClient(make_app(engine=engine)) as client:
        answer = client.post("/v1/translate", json={"texts": [ARTICLE], "return_segments": True})
    assert answer.status_code == 200
    translation = answer.json()["translations"][0]
    assert translation["detected_language"] == "id"
    kept = [s for s in translation["segments"] if "kept_english" in s["flags"]]
    assert [(s["source"], s["translation"]) for s in kept] == [(QUOTE, QUOTE)]
    assert kept[0]["issues"][0]["message"].startswith("kept as written")
    assert QUOTE in translation["text"]
    assert "flagged" not in translation  # a kept sentence is a note, not a problem
    assert all(QUOTE not in batch for batch in engine.batches)  # never sent to the model
    others = [s for s in translation["segments"] if s["source"] != QUOTE]
    assert all(s["translation"].startswith("EN:") and not s["flags"] for s in others)


def test_keep_english_false_translates_every_sentence(make_app: AppFactory) -> None:
    with TestClient(make_app()) as client:
        body = {"texts": [ARTICLE], "return_segments": True, "keep_english": False}
        answer = client.post("/v1/translate", json=body)
        article = client.post("/v1/articles", json={"text": ARTICLE, "keep_english": False})
        kept = client.post("/v1/articles", json={"text": ARTICLE})
    segments = answer.json()["translations"][0]["segments"]
    assert [s["translation"] for s in segments if s["source"] == QUOTE] == [f"EN:{QUOTE.upper()}"]
    assert all("kept_english" not in s["flags"] for s in article.json()["segments"])
    assert any("kept_english" in s["flags"] for s in kept.json()["segments"])


def test_indonesian_sentences_are_never_kept(make_app: AppFactory) -> None:
    text = (
        "Bank Indonesia mempertahankan suku bunga acuan. Harga beras naik lima persen bulan "
        "ini. Kata juru bicara di Beijing pada Senin."
    )
    with TestClient(make_app()) as client:
        answer = client.post("/v1/translate", json={"texts": [text], "return_segments": True})
    assert all(not s["flags"] for s in answer.json()["translations"][0]["segments"])


def test_a_document_form_can_turn_it_off(make_app: AppFactory) -> None:
    data = f"{ARTICLE}\n".encode()
    with TestClient(make_app(**FAST)) as client:
        created = send(client, "kutipan.txt", data, keep_english="false")
        assert created.status_code == 202, created.text
        finished(client, created.json()["id"])
        result = client.get(f"/v1/documents/{created.json()['id']}/result").text
        refused = send(client, "kutipan.txt", data, keep_english="maybe")
    assert QUOTE.upper() in result
    assert refused.status_code == 422


def test_the_option_is_in_the_request_contract() -> None:
    assert TranslateRequest.model_fields["keep_english"].default is True
