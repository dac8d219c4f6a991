"""DeepL glossaries (v2 and v3) over HTTP with a FakeEngine, on Warta's glossary store:
shapes the SDKs parse, per-key ownership, DeepL's errors, and glossaries in /v2/translate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.compat.test_deepl import message
from tests.api.conftest import AppFactory

KEY, OTHER = "gloss-key", "gloss-other"
AUTH = {"Authorization": f"DeepL-Auth-Key {KEY}"}
STRANGER = {"Authorization": f"DeepL-Auth-Key {OTHER}"}
TSV = "DPR\tHouse of Representatives\nberas\trice\n"
SENTENCE = "Harga beras naik di DPR."


@pytest.fixture
def keyed(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(api_keys=f"{KEY},{OTHER}")) as client:
        yield client


def create_v2(client: TestClient, **changes: str) -> dict[str, object]:
    body = {"name": "newsroom", "source_lang": "ID", "target_lang": "EN", "entries": TSV}
    response = client.post(
        "/v2/glossaries", json={"entries_format": "tsv", **body, **changes}, headers=AUTH
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_v2_glossary_lifecycle_in_deepls_shapes(keyed: TestClient) -> None:
    info = create_v2(keyed)
    glossary_id = info["glossary_id"]
    assert {k: v for k, v in info.items() if k not in ("glossary_id", "creation_time")} == {
        "name": "newsroom",
        "ready": True,
        "source_lang": "id",
        "target_lang": "en",
        "entry_count": 2,
    }
    assert str(info["creation_time"]).endswith("Z") and "." in str(info["creation_time"])
    assert keyed.get("/v2/glossaries", headers=AUTH).json() == {"glossaries": [info]}
    assert keyed.get(f"/v2/glossaries/{glossary_id}", headers=AUTH).json() == info
    entries = keyed.get(
        f"/v2/glossaries/{glossary_id}/entries",
        headers={**AUTH, "Accept": "text/tab-separated-values"},
    )
    assert entries.headers["content-type"].startswith("text/tab-separated-values")
    assert entries.text == TSV
    # Another key sees nothing of it, and cannot delete it.
    assert keyed.get("/v2/glossaries", headers=STRANGER).json() == {"glossaries": []}
    assert "not found" in message(keyed.get(f"/v2/glossaries/{glossary_id}", headers=STRANGER), 404)
    assert keyed.delete(f"/v2/glossaries/{glossary_id}", headers=STRANGER).status_code == 404
    assert keyed.delete(f"/v2/glossaries/{glossary_id}", headers=AUTH).status_code == 204
    assert "not found" in message(keyed.get(f"/v2/glossaries/{glossary_id}", headers=AUTH), 404)


def test_csv_entries_and_form_bodies(keyed: TestClient) -> None:
    csv_entries = 'DPR,House of Representatives,ms,en\n"Jakarta, DKI",Jakarta\n'
    info = create_v2(keyed, entries_format="csv", entries=csv_entries, source_lang="MS")
    assert (info["source_lang"], info["entry_count"]) == ("ms", 2)
    form = {
        "name": "f",
        "source_lang": "ID",
        "target_lang": "EN",
        "entries": TSV,
        "entries_format": "tsv",
    }
    assert keyed.post("/v2/glossaries", data=form, headers=AUTH).status_code == 201


def test_glossary_errors_are_deepls(keyed: TestClient) -> None:
    base = {"name": "n", "source_lang": "ID", "target_lang": "EN", "entries_format": "tsv"}
    bad_line = keyed.post("/v2/glossaries", json={**base, "entries": "DPR\n"}, headers=AUTH)
    assert "line 1" in message(bad_line, 400)
    pair = keyed.post(
        "/v2/glossaries", json={**base, "target_lang": "DE", "entries": TSV}, headers=AUTH
    )
    assert "language pair" in message(pair, 400)
    assert "name" in message(
        keyed.post("/v2/glossaries", json={**base, "name": None, "entries": TSV}, headers=AUTH), 400
    )
    assert keyed.get("/v2/glossaries").status_code == 403


def test_translate_with_a_glossary_needs_source_lang_and_its_language(keyed: TestClient) -> None:
    glossary_id = create_v2(keyed)["glossary_id"]
    payload = {"text": [SENTENCE], "target_lang": "EN-US", "glossary_id": glossary_id}
    assert "source_lang" in message(keyed.post("/v2/translate", json=payload, headers=AUTH), 400)
    payload["source_lang"] = "ID"
    response = keyed.post("/v2/translate", json=payload, headers=AUTH)
    (translated,) = response.json()["translations"]
    assert "House of Representatives" in translated["text"] and "rice" in translated["text"]
    assert "not found" in message(keyed.post("/v2/translate", json=payload, headers=STRANGER), 404)
    payload["source_lang"] = "MS"
    assert "not for source_lang MS" in message(
        keyed.post("/v2/translate", json=payload, headers=AUTH), 400
    )
    without = keyed.post(
        "/v2/translate", json={**payload, "glossary_id": None, "source_lang": "ID"}, headers=AUTH
    )
    assert "House of Representatives" not in without.json()["translations"][0]["text"]


def test_v3_glossary_with_one_dictionary(keyed: TestClient) -> None:
    dictionary = {"source_lang": "ID", "target_lang": "EN", "entries": TSV, "entries_format": "tsv"}
    created = keyed.post(
        "/v3/glossaries", json={"name": "v3", "dictionaries": [dictionary]}, headers=AUTH
    )
    assert created.status_code == 201, created.text
    info = created.json()
    glossary_id = info["glossary_id"]
    assert info["dictionaries"] == [{"source_lang": "id", "target_lang": "en", "entry_count": 2}]
    assert keyed.get("/v3/glossaries", headers=AUTH).json() == {"glossaries": [info]}
    entries = keyed.get(
        f"/v3/glossaries/{glossary_id}/entries?source_lang=ID&target_lang=EN", headers=AUTH
    ).json()
    assert entries["dictionaries"][0]["entries"] == TSV
    merged = keyed.patch(
        f"/v3/glossaries/{glossary_id}",
        json={"name": "renamed", "dictionaries": [{**dictionary, "entries": "KPK\tKPK"}]},
        headers=AUTH,
    ).json()
    assert merged["name"] == "renamed" and merged["dictionaries"][0]["entry_count"] == 3
    replaced = keyed.put(
        f"/v3/glossaries/{glossary_id}/dictionaries",
        json={**dictionary, "entries": "a\tb"},
        headers=AUTH,
    )
    assert replaced.json() == {"source_lang": "id", "target_lang": "en", "entry_count": 1}
    other_pair = keyed.get(
        f"/v3/glossaries/{glossary_id}/entries?source_lang=MS&target_lang=EN", headers=AUTH
    )
    assert "no MS->EN dictionary" in message(other_pair, 404)
    two = {"name": "two", "dictionaries": [dictionary, {**dictionary, "source_lang": "MS"}]}
    assert "one language pair" in message(keyed.post("/v3/glossaries", json=two, headers=AUTH), 400)
    emptied = keyed.delete(
        f"/v3/glossaries/{glossary_id}/dictionaries?source_lang=id&target_lang=en", headers=AUTH
    )
    assert emptied.status_code == 204
    assert keyed.get(f"/v3/glossaries/{glossary_id}", headers=AUTH).json()["dictionaries"] == []
    assert keyed.delete(f"/v3/glossaries/{glossary_id}", headers=AUTH).status_code == 204
    assert keyed.get(f"/v3/glossaries/{glossary_id}", headers=AUTH).status_code == 404
