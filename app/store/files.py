"""A job's files: a document's upload (``input``) and its translation (``result``),
which is stored once, when the document's last part is done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, exists, insert, select, update

from app.store.db import Store
from app.store.schema import job_files, jobs

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


def has_file(store: Store, job_id: str, role: str) -> bool:
    """Whether the job has its ``role`` file (its bytes are not read)."""
    query = select(job_files.c.job_id).where(job_files.c.job_id == job_id, job_files.c.role == role)
    with store.read() as conn:
        return conn.execute(query).first() is not None


def unassembled_documents(
    store: Store, job_id: str | None = None, *, limit: int = 20
) -> list[tuple[str, dict[str, Any]]]:
    """(id, options) of document jobs whose every part is done but which have no
    ``result`` file yet (of ``job_id`` only, when given), oldest first."""
    result = exists().where(job_files.c.job_id == jobs.c.id, job_files.c.role == RESULT)
    query = (
        select(jobs.c.id, jobs.c.options)
        .where(
            and_(jobs.c.kind == "document", jobs.c.status == "done", jobs.c.failed == 0),
            ~result,
        )
        .order_by(jobs.c.finished_at, jobs.c.id)
        .limit(limit)
    )
    if job_id is not None:
        query = query.where(jobs.c.id == job_id)
    with store.read() as conn:
        return [(row.id, row.options) for row in conn.execute(query)]


def fail_document(store: Store, job_id: str, error: Any) -> None:
    """A done document whose translation cannot be assembled is failed, with ``error``."""
    now = store.clock()
    with store.write() as conn:
        conn.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.status == "done")
            .values(status="failed", error=error, updated_at=now)
        )
