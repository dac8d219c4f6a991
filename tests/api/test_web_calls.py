"""What the web page asks of the API, without a browser: every call its script makes is a
route of the API, and the fields it sends and reads are the ones the API takes and gives."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.api.web import STATIC_DIR
from tests.api.conftest import AppFactory

SCRIPT = (STATIC_DIR / "app.js").read_text(encoding="utf-8")
PAGE = (STATIC_DIR / "index.html").read_text(encoding="utf-8")


def page_calls() -> set[tuple[str, str]]:
    """(path, method) of each ``fetch`` in the page's script."""
    calls = re.findall(r'fetch\("([^"]+)",\s*\{\s*(?:method:\s*"(\w+)")?', SCRIPT)
    return {(path, (method or "GET").lower()) for path, method in calls}


def test_every_call_of_the_page_is_a_route(client: TestClient) -> None:
    calls = page_calls()
    assert {("/v1/articles", "post"), ("/v1/glossaries", "get")} <= calls
    paths = client.get("/openapi.json").json()["paths"]
    for path, method in calls:
        assert method in paths.get(path, {}), (path, method)


def test_the_page_lists_glossaries_and_sends_the_one_picked(client: TestClient) -> None:
    assert 'id="glossary"' in PAGE and 'id="terms"' in PAGE
    created = client.post(
        "/v1/glossaries", json={"name": "desk", "entries": {"DPR": "House of Representatives"}}
    ).json()
    listed = client.get("/v1/glossaries").json()
    # The fields the picker reads from the list.
    assert "body.glossaries" in SCRIPT
    for field in ("id", "name", "entry_count"):
        assert f"glossary.{field}" in SCRIPT
        assert listed["glossaries"][0][field] == created[field]

    # The body the page sends, with the picked glossary, and the terms it shows.
    assert "body.glossary_id = glossary" in SCRIPT
    body = {
        "title": "DPR bersidang",
        "text": "DPR-nya menolak usulan.",
        "glossary_id": created["id"],
    }
    answer = client.post("/v1/articles", json=body)
    assert answer.status_code == 200, answer.text
    assert "segment.terms" in SCRIPT and "term.source" in SCRIPT and "term.target" in SCRIPT
    terms = [term for segment in answer.json()["segments"] for term in segment["terms"]]
    assert terms == [{"source": "DPR", "target": "House of Representatives"}]


def test_without_the_key_the_list_is_a_401_the_page_explains(make_app: AppFactory) -> None:
    with TestClient(make_app(api_keys="desk-key")) as client:
        assert client.get("/v1/glossaries").status_code == 401
        keyed = client.get("/v1/glossaries", headers={"Authorization": "Bearer desk-key"})
        assert keyed.json() == {"glossaries": []}
    assert "response.status === 401" in SCRIPT
