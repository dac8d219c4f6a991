"""Characters translated per owner (what DeepL's ``/v2/usage`` reports)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.store.db import Store, owner_of
from app.store.schema import usage


def add_usage(store: Store, owner: str | None, characters: int) -> None:
    """Count ``characters`` more for the owner (safe under concurrent callers)."""
    if characters < 0:
        raise ValueError("characters must not be negative")
    if characters == 0:
        return
    now = store.clock()
    dialect: Any = postgresql if store.dialect == "postgresql" else sqlite
    statement = dialect.insert(usage).values(
        owner=owner_of(owner), characters=characters, updated_at=now
    )
    # One atomic upsert: concurrent requests add up instead of overwriting each other.
    statement = statement.on_conflict_do_update(
        index_elements=[usage.c.owner],
        set_={"characters": usage.c.characters + statement.excluded.characters, "updated_at": now},
    )
    with store.write() as conn:
        conn.execute(statement)


def get_usage(store: Store, owner: str | None) -> int:
    """Characters counted for the owner so far (0 for a new owner)."""
    query = select(usage.c.characters).where(usage.c.owner == owner_of(owner))
    with store.read() as conn:
        return int(conn.execute(query).scalar() or 0)
