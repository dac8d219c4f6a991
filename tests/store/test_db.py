"""Opening the store: where the default database lives, URL forms, SQLite's settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.core.config import Settings
from app.store import (
    Store,
    create_glossary,
    create_job,
    list_glossaries,
    open_store,
    owner_for_key,
)
from app.store.db import database_url


def test_default_database_is_in_the_users_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("WARTA_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert Settings().database_url == f"sqlite:///{tmp_path}/xdg/warta/warta.db"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Settings().database_url == f"sqlite:///{tmp_path}/home/.local/share/warta/warta.db"


def test_database_url_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARTA_DATABASE_URL", "postgresql://warta@db.internal/warta")
    assert Settings().database_url == "postgresql://warta@db.internal/warta"


def test_opening_creates_the_sqlite_files_directory(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there" / "warta.db"
    store = open_store(f"sqlite:///{path}")
    try:
        assert path.is_file()
        with store.read() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    finally:
        store.close()


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u:p@db/warta", "postgresql+psycopg"),
        ("postgres://u:p@db/warta", "postgresql+psycopg"),
        ("postgresql+psycopg://u:p@db/warta", "postgresql+psycopg"),
        ("sqlite:////srv/warta.db", "sqlite"),
    ],
)
def test_postgresql_urls_use_psycopg_3(url: str, driver: str) -> None:
    assert database_url(url).drivername == driver


def test_home_in_a_sqlite_path_is_expanded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert database_url("sqlite:///~/warta.db").database == f"{tmp_path}/warta.db"


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "mysql://u@h/db"])
def test_unsupported_databases_are_refused_with_advice(url: str) -> None:
    with pytest.raises(ValueError, match="sqlite:///"):
        open_store(url)


def test_owner_ids_hide_the_key() -> None:
    owner = owner_for_key("k-1234567890")
    assert owner == owner_for_key("k-1234567890")
    assert owner != owner_for_key("k-1234567891")
    assert "1234567890" not in owner and len(owner) == 64
    assert owner_for_key(None) == owner_for_key("") == ""


def test_a_raw_key_is_refused_as_an_owner(store: Store) -> None:
    with pytest.raises(ValueError, match="owner_for_key"):
        create_glossary(store, name="x", entries={"a": "b"}, owner="sk-live-123")
    with pytest.raises(ValueError, match="owner_for_key"):
        create_job(store, "translate", owner="sk-live-123")
    assert list_glossaries(store, None) == []


def test_both_databases_report_their_dialect(store: Store) -> None:
    assert store.dialect in {"sqlite", "postgresql"}
