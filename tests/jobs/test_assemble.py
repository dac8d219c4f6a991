"""A document's translated file is assembled once, when its last part is done, stored, and
recovered by a sweep when its process stopped first; a document that cannot be assembled
fails saying why; documents are read a bounded number at a time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from app.core.config import Settings
from app.core.errors import Overloaded
from app.jobs.documents import document_info, document_result, submit_document
from app.jobs.documents.assemble import DocumentFinisher
from app.jobs.documents.limits import DocumentLimits, ParseSlots
from app.store import (
    INPUT,
    RESULT,
    Store,
    claim_items,
    complete_item,
    get_file,
    has_file,
)
from app.store.schema import job_files
from tests.jobs.conftest import run

LIMITS = DocumentLimits.of(Settings())
TEXT = "Harga beras naik.\n\n  Polisi menangkap dua tersangka.\n"


def translated_parts(store: Store) -> None:
    """Every part done, as a runner whose process then stopped would leave them."""
    while items := claim_items(store, limit=10):
        for item in items:
            texts = item.input["texts"]
            result = {"translations": [{"text": text.upper()} for text in texts]}
            assert complete_item(store, item, result=result)


def submit(store: Store, text: str = TEXT) -> str:
    job = submit_document(
        store, name="berita.txt", data=text.encode(), owner=None, options={}, limits=LIMITS
    )
    return job.id


def status(store: Store, job_id: str) -> str:
    info = document_info(store, job_id, None, datetime.now(UTC))
    assert info is not None
    return info.job.status


def test_a_done_document_is_running_until_its_file_is_assembled_once(store: Store) -> None:
    job_id = submit(store)
    translated_parts(store)
    assert status(store, job_id) == "running"  # every part done, no file yet
    finisher = DocumentFinisher(store, LIMITS, ParseSlots(1))
    run(finisher.recover())  # what any runner's sweep does at its start
    assert status(store, job_id) == "done"
    stored = get_file(store, job_id, RESULT)
    assert stored is not None
    assert stored.data == b"HARGA BERAS NAIK.\n\n  POLISI MENANGKAP DUA TERSANGKA.\n"
    with store.write() as conn:  # downloads read the stored file, never the upload
        conn.execute(job_files.delete().where(job_files.c.role == INPUT))
    info = document_info(store, job_id, None, datetime.now(UTC))
    assert info is not None and document_result(store, info.job).data == stored.data


def test_a_document_that_cannot_be_assembled_fails_with_the_reason(store: Store) -> None:
    job_id = submit(store)
    translated_parts(store)
    with store.write() as conn:  # its upload is gone: nothing to put the words into
        conn.execute(job_files.delete().where(job_files.c.job_id == job_id))
    run(DocumentFinisher(store, LIMITS, ParseSlots(1)).recover())
    info = document_info(store, job_id, None, datetime.now(UTC))
    assert info is not None and info.job.status == "failed"
    assert info.job.error["message"].startswith("The translated document could not be assembled")


def test_a_document_with_nothing_to_translate_is_its_own_translation(store: Store) -> None:
    job_id = submit(store, "\n\n   \n")
    assert status(store, job_id) == "done"
    assert has_file(store, job_id, RESULT)


def test_parse_slots_admit_their_number_and_send_a_long_wait_away() -> None:
    async def scenario() -> list[str]:
        slots = ParseSlots(1, wait_s=0.05)
        events = []
        async with slots.held():
            with pytest.raises(Overloaded, match="WARTA_DOCUMENT_PARSE_CONCURRENCY"):
                async with slots.held():
                    pass

            async def patient() -> None:
                async with slots.held(patient=True):
                    events.append("patient")

            waiting = asyncio.create_task(patient())
            await asyncio.sleep(0.1)  # longer than wait_s: it still waits
            events.append("released")
        await waiting
        return events

    assert asyncio.run(scenario()) == ["released", "patient"]
