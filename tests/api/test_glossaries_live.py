"""Stored glossaries in a real ``warta serve`` with the tiny trained model: they outlive a
restart of the server, on a SQLite file and on PostgreSQL (``WARTA_TEST_POSTGRES_URL``;
without it that case skips, except under ``CI=true``, where it fails)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engines.tiny import PAIRS
from tests.api.live import LiveServer, warta_serve
from tests.store.conftest import DATABASES, _empty_database

KEY = {"Authorization": "Bearer desk-key"}


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's own: a SQLite file or a PostgreSQL schema."""
    with _empty_database(request.param, tmp_path) as url:
        yield url


def translated(server: LiveServer, glossary_id: str) -> str:
    body = {"texts": [PAIRS[0][0]], "source_lang": "id", "glossary_id": glossary_id}
    answer = server.post("/v1/translate", body, headers=KEY)
    assert answer.status == 200, answer.body
    text: str = answer.json()["translations"][0]["text"]
    return text


def test_glossaries_outlive_a_restart_and_apply_with_the_real_model(
    tiny_marian_dir: Path, tmp_path: Path, database_url: str
) -> None:
    source, target = PAIRS[0]
    settings = {"DATABASE_URL": database_url, "API_KEYS": "desk-key"}
    entries = {"Surabaya": "Surabaya City", "Joko Widodo": "Jokowi"}
    with warta_serve(tiny_marian_dir, tmp_path, **settings) as server:
        created = server.post("/v1/glossaries", {"name": "desk", "entries": entries}, headers=KEY)
        assert created.status == 201, created.body
        glossary = created.json()
        expected = target.replace("Surabaya", "Surabaya City").replace("Joko Widodo", "Jokowi")
        assert translated(server, glossary["id"]) == expected

    with warta_serve(tiny_marian_dir, tmp_path, **settings) as server:
        listed = server.request("GET", "/v1/glossaries", headers=KEY).json()
        assert listed == {"glossaries": [glossary]}
        stored = server.request("GET", f"/v1/glossaries/{glossary['id']}", headers=KEY)
        assert json.loads(stored.body)["entries"] == entries
        assert translated(server, glossary["id"]) == expected
        deleted = server.request("DELETE", f"/v1/glossaries/{glossary['id']}", headers=KEY)
        assert deleted.status == 204
        assert (
            server.post(
                "/v1/translate", {"texts": [source], "glossary_id": glossary["id"]}, headers=KEY
            ).status
            == 404
        )
