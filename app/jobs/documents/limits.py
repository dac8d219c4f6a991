"""What reading a document may cost, and how many are read at once.

Reading a document (to queue its parts) and assembling its translation (once its last
part is done) are the two moments a document is parsed whole; both hold one of a
process's ``ParseSlots``, so the memory they take is bounded by the slots times what one
document may cost (``DocumentLimits``), however many arrive together.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from app.core.config import Settings
from app.core.errors import Overloaded
from app.jobs.documents.docx import DocxLimits
from app.jobs.documents.package import PackageLimits

SLOT_WAIT_S = 30.0  # an upload waits this long for a slot, then gets 429


@dataclass(frozen=True)
class DocumentLimits:
    """A document's limits: a .docx's package and XML, the job items it may become
    (``WARTA_JOB_MAX_ITEMS``), and what one part may hold (the sync call's limits)."""

    docx: DocxLimits
    max_items: int
    max_texts: int
    max_chars: int

    @classmethod
    def of(cls, settings: Settings) -> DocumentLimits:
        """The limits ``WARTA_DOCUMENT_*``, ``WARTA_JOB_MAX_ITEMS``, ``WARTA_MAX_TEXTS``
        and ``WARTA_MAX_CHARS`` describe."""
        package = PackageLimits(
            max_entries=settings.document_max_zip_entries,
            max_unpacked_bytes=settings.document_max_unpacked_bytes,
        )
        docx = DocxLimits(
            package=package,
            max_elements=settings.document_max_elements,
            max_paragraphs=settings.document_max_paragraphs,
        )
        return cls(docx, settings.job_max_items, settings.max_texts, settings.max_chars)


class ParseSlots:
    """At most ``size`` documents parsed at once; a caller that cannot get a slot within
    ``wait_s`` is told to come back (429)."""

    def __init__(self, size: int, wait_s: float = SLOT_WAIT_S) -> None:
        self.size = size
        self.wait_s = wait_s
        self._free = asyncio.Semaphore(size)

    @asynccontextmanager
    async def held(self, *, patient: bool = False) -> AsyncIterator[None]:
        """Hold one slot for the block; 429 after ``wait_s`` unless ``patient`` (the job
        runner, which has nobody waiting on it)."""
        try:
            await asyncio.wait_for(self._free.acquire(), None if patient else self.wait_s)
        except TimeoutError:
            raise Overloaded(
                f"{self.size} documents are being read already "
                "(WARTA_DOCUMENT_PARSE_CONCURRENCY); send this one again shortly.",
                retry_after=5,
            ) from None
        try:
            yield
        finally:
            self._free.release()

    @classmethod
    def of(cls, settings: Settings) -> ParseSlots:
        """The slots ``WARTA_DOCUMENT_PARSE_CONCURRENCY`` describes."""
        return cls(settings.document_parse_concurrency)
