"""A document's translated file, put together once: when its last part is done.

The job runner tells the ``DocumentFinisher`` of every item it records; when that item
finished a document, the upload is parsed once more (holding a parse slot), every part's
translation put back, and the file stored, so a download only reads stored bytes. A
process that stopped between the two leaves a done document without its file: any
runner's ``recover`` (at its start and at every sweep) assembles those. A document whose
file cannot be assembled is failed with the reason.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from app.core.errors import WartaError
from app.jobs.documents import DOCUMENT, translate_document
from app.jobs.documents.limits import DocumentLimits, ParseSlots
from app.jobs.documents.report import store_report
from app.store import RESULT, ClaimedItem, Store, fail_document, put_file, unassembled_documents

log = logging.getLogger(__name__)


class DocumentFinisher:
    """Assembles finished documents of ``store`` within ``limits``, ``slots`` at a time."""

    def __init__(self, store: Store, limits: DocumentLimits, slots: ParseSlots) -> None:
        self.store = store
        self.limits = limits
        self.slots = slots

    async def finished(self, item: ClaimedItem) -> None:
        """After ``item``'s outcome is recorded: assemble its document if it is done."""
        if item.kind != "document":
            return
        for job_id, options in await asyncio.to_thread(
            unassembled_documents, self.store, item.job_id
        ):
            await self.assemble(job_id, options)

    async def recover(self) -> None:
        """Assemble the done documents that have no file (their process stopped first)."""
        seen: set[str] = set()
        while pending := await asyncio.to_thread(unassembled_documents, self.store):
            if seen.issuperset(job_id for job_id, _ in pending):
                return  # each was tried once in this round
            for job_id, options in pending:
                seen.add(job_id)
                await self.assemble(job_id, options)

    async def assemble(self, job_id: str, options: dict[str, Any]) -> None:
        """Store the document's translated file, or fail the document saying why."""
        kind = options.get(DOCUMENT, {}).get("format", "")
        async with self.slots.held(patient=True):
            try:
                found = await asyncio.to_thread(
                    translate_document, self.store, job_id, kind, self.limits
                )
                # Before the result: a document with its file has its report too.
                await asyncio.to_thread(store_report, self.store, job_id, options, self.limits)
            except WartaError as exc:
                await self._fail(job_id, exc.code, exc.message)
                return
            except Exception:  # noqa: BLE001 - the document fails; the runner goes on
                log.exception("document job %s: assembling the translation failed", job_id)
                await self._fail(job_id, "internal_error", "the server could not write it")
                return
        await asyncio.to_thread(
            put_file,
            self.store,
            job_id,
            RESULT,
            name=found.name,
            media_type=found.media_type,
            data=found.data,
        )

    async def _fail(self, job_id: str, code: str, reason: str) -> None:
        message = f"The translated document could not be assembled: {reason}"
        error = {"code": code, "message": message}
        await asyncio.to_thread(fail_document, self.store, job_id, error)
