"""A job's files: a document's upload (``input``) and its translation (``result``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select

from app.store.db import Store
from app.store.schema import job_files

INPUT = "input"
RESULT = "result"


@dataclass(frozen=True)
class StoredFile:
    """A file's name (as uploaded), media type and bytes."""

    name: str
    media_type: str
    data: bytes


def put_file(
    store: Store, job_id: str, role: str, *, name: str, media_type: str, data: bytes
) -> None:
    """Store ``data`` as the job's ``role`` file (``input`` or ``result``), replacing any."""
    with store.write() as conn:
        conn.execute(
            delete(job_files).where(job_files.c.job_id == job_id, job_files.c.role == role)
        )
        conn.execute(
            insert(job_files).values(
                job_id=job_id,
                role=role,
                name=name,
                media_type=media_type,
                data=data,
                created_at=store.clock(),
            )
        )


def get_file(store: Store, job_id: str, role: str) -> StoredFile | None:
    """The job's ``role`` file, or ``None`` when there is none (yet)."""
    query = select(job_files.c.name, job_files.c.media_type, job_files.c.data).where(
        job_files.c.job_id == job_id, job_files.c.role == role
    )
    with store.read() as conn:
        row = conn.execute(query).first()
    return None if row is None else StoredFile(row.name, row.media_type, bytes(row.data))
