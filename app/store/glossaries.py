"""Glossaries: a named list of source -> target terms for one language pair, per owner.

A glossary of another owner is treated as absent: the functions return ``None`` or
``False``, which the API turns into 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from app.core.errors import InvalidInput
from app.store.db import Store, owner_of
from app.store.schema import glossaries, glossary_entries
from app.text.entries import check_count, check_entries

MAX_NAME_CHARS = 1024


@dataclass(frozen=True)
class GlossaryInfo:
    """A glossary without its entries (what listings show)."""

    id: str
    name: str
    source_lang: str
    target_lang: str
    entry_count: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Glossary(GlossaryInfo):
    """A glossary with its entries, in the order they were given."""

    entries: dict[str, str]


def create_glossary(
    store: Store,
    *,
    name: str,
    entries: Mapping[str, str],
    owner: str | None = None,
    source_lang: str = "id",
    target_lang: str = "en",
    max_entries: int | None = None,
) -> GlossaryInfo:
    """Store a new glossary; ``entries`` are checked (``InvalidInput`` names a bad term,
    ``TextTooLong`` says there are more than ``max_entries``)."""
    name = _check_name(name)
    checked = check_entries(entries)
    check_count(checked, max_entries)
    now = store.clock()
    glossary_id = f"g-{uuid.uuid4().hex}"
    with store.write() as conn:
        conn.execute(
            insert(glossaries).values(
                id=glossary_id,
                owner=owner_of(owner),
                name=name,
                source_lang=source_lang.lower(),
                target_lang=target_lang.lower(),
                entry_count=len(checked),
                created_at=now,
                updated_at=now,
            )
        )
        _insert_entries(conn, glossary_id, checked)
        return _reread(conn, glossary_id)


def list_glossaries(store: Store, owner: str | None) -> list[GlossaryInfo]:
    """The owner's glossaries, oldest first."""
    query = (
        select(glossaries)
        .where(glossaries.c.owner == owner_of(owner))
        .order_by(glossaries.c.created_at, glossaries.c.id)
    )
    with store.read() as conn:
        return [_info(row) for row in conn.execute(query)]


def get_glossary(store: Store, glossary_id: str, owner: str | None) -> Glossary | None:
    """The glossary with its entries, or ``None`` when the owner has no such glossary."""
    with store.read() as conn:
        row = _row(conn, glossary_id, owner)
        if row is None:
            return None
        entries = _entries(conn, glossary_id)
    info = _info(row)
    return Glossary(**vars(info), entries=entries)


def replace_entries(
    store: Store,
    glossary_id: str,
    owner: str | None,
    entries: Mapping[str, str],
    max_entries: int | None = None,
) -> GlossaryInfo | None:
    """Replace all entries of the glossary; ``None`` when absent."""
    checked = check_entries(entries)
    check_count(checked, max_entries)
    with store.write() as conn:
        if _row(conn, glossary_id, owner, lock=True) is None:
            return None
        _rewrite(conn, store, glossary_id, checked)
        return _reread(conn, glossary_id)


def update_glossary(
    store: Store,
    glossary_id: str,
    owner: str | None,
    *,
    name: str | None = None,
    merge: Mapping[str, str] | None = None,
    max_entries: int | None = None,
) -> GlossaryInfo | None:
    """Rename and/or merge entries (DeepL v3 PATCH): a merged source term replaces the
    target of an existing one, new terms go last; the merged glossary may hold at most
    ``max_entries`` (counted inside the transaction). ``None`` when absent."""
    new_name = None if name is None else _check_name(name)
    checked = None if merge is None else check_entries(merge)
    with store.write() as conn:
        if _row(conn, glossary_id, owner, lock=True) is None:
            return None
        if new_name is not None:
            conn.execute(
                update(glossaries)
                .where(glossaries.c.id == glossary_id)
                .values(name=new_name, updated_at=store.clock())
            )
        if checked:
            merged = _entries(conn, glossary_id) | checked
            check_count(merged, max_entries)
            _rewrite(conn, store, glossary_id, merged)
        return _reread(conn, glossary_id)


def delete_glossary(store: Store, glossary_id: str, owner: str | None) -> bool:
    """Delete the glossary and its entries; ``False`` when absent."""
    with store.write() as conn:
        result = conn.execute(
            delete(glossaries).where(
                glossaries.c.id == glossary_id, glossaries.c.owner == owner_of(owner)
            )
        )
        return result.rowcount > 0


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("the glossary name is empty: give it a name")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidInput(
            f"the glossary name has {len(name)} characters; the limit is {MAX_NAME_CHARS}"
        )
    return name


def _row(
    conn: Connection, glossary_id: str, owner: str | None, *, lock: bool = False
) -> Row[Any] | None:
    query = select(glossaries).where(
        glossaries.c.id == glossary_id, glossaries.c.owner == owner_of(owner)
    )
    if lock:
        # PostgreSQL: concurrent changes of one glossary take turns (SQLite's writes
        # already do, through BEGIN IMMEDIATE).
        query = query.with_for_update()
    return conn.execute(query).first()


def _reread(conn: Connection, glossary_id: str) -> GlossaryInfo:
    return _info(conn.execute(select(glossaries).where(glossaries.c.id == glossary_id)).one())


def _entries(conn: Connection, glossary_id: str) -> dict[str, str]:
    query = (
        select(glossary_entries.c.source, glossary_entries.c.target)
        .where(glossary_entries.c.glossary_id == glossary_id)
        .order_by(glossary_entries.c.position)
    )
    return {source: target for source, target in conn.execute(query)}


def _rewrite(conn: Connection, store: Store, glossary_id: str, entries: dict[str, str]) -> None:
    conn.execute(delete(glossary_entries).where(glossary_entries.c.glossary_id == glossary_id))
    _insert_entries(conn, glossary_id, entries)
    conn.execute(
        update(glossaries)
        .where(glossaries.c.id == glossary_id)
        .values(entry_count=len(entries), updated_at=store.clock())
    )


def _insert_entries(conn: Connection, glossary_id: str, entries: dict[str, str]) -> None:
    if entries:
        conn.execute(
            insert(glossary_entries),
            [
                {"glossary_id": glossary_id, "position": n, "source": s, "target": t}
                for n, (s, t) in enumerate(entries.items())
            ],
        )


def _info(row: Row[Any]) -> GlossaryInfo:
    return GlossaryInfo(
        id=row.id,
        name=row.name,
        source_lang=row.source_lang,
        target_lang=row.target_lang,
        entry_count=row.entry_count,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
