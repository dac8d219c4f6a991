"""What the compatible APIs' document routes share: a multipart upload queued as one of
Warta's durable document jobs (``app.jobs.documents``), found again by id and secret key,
and its translated file. The adapters only parse their protocol around these."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request, Response

from app.api.compat.common import ProtocolError
from app.api.documents import owned_document, store_upload, translated_file
from app.api.jobs import read_form
from app.core.errors import NotFound
from app.jobs.documents import DocumentInfo
from app.runtime.system import Runtime
from app.store import Store

POLL_S = 0.2  # how often a caller waiting for a whole document looks at its progress

# (text fields, file name) -> (the account, the options of the document's translation)
Options = Callable[[dict[str, str], str], Awaitable[tuple[str, dict[str, Any]]]]


async def queue_document(
    request: Request, state: Runtime, store: Store, options: Options, key: str
) -> str:
    """Read the multipart upload (``file`` and text fields), find its account and its
    translation options with ``options`` (which raises the protocol's errors), and queue
    it with ``key`` as its secret; the document's id."""
    async with read_form(request) as (upload, fields):
        account, chosen = await options(fields, upload.filename or "")
        job = await store_upload(state, store, upload, owner=account, options=chosen, key=key)
    return job.id


async def find_document(
    store: Store, document_id: str, account: str, key: str | None
) -> DocumentInfo:
    """The account's document whose secret is ``key`` (None: not checked), else 404."""
    info = await owned_document(store, document_id, account, key)
    if info is None:
        raise NotFound("Document not found: check the document_id and document_key.")
    return info


def new_key() -> str:
    """A document's secret: 256 random bits, as hex."""
    return secrets.token_hex(32)


def finished(info: DocumentInfo) -> bool:
    """True once the document can change no more (translated, failed or cancelled)."""
    return info.job.status in ("done", "failed", "cancelled")


async def wait_finished(
    store: Store, info: DocumentInfo, account: str, timeout_s: float
) -> DocumentInfo:
    """The document once it is finished, or as it is after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not finished(info) and time.monotonic() < deadline:
        await asyncio.sleep(POLL_S)
        info = await find_document(store, info.job.id, account, None)
    return info


async def file_answer(store: Store, info: DocumentInfo, not_yet: str) -> Response:
    """The translated file of a finished document, as both protocols answer it: 503
    (``not_yet``) while it is still being translated, 400 (why) when it failed."""
    if not finished(info):
        raise ProtocolError(503, not_yet)
    if info.job.status != "done":
        raise ProtocolError(400, failure(info))
    found = await translated_file(store, info)
    return Response(found.data, media_type=found.media_type)


def failure(info: DocumentInfo) -> str:
    """Why a finished document has no translation."""
    error = info.job.error
    if isinstance(error, dict) and error.get("message"):
        return str(error["message"])
    return f"The document translation was {info.job.status}."
