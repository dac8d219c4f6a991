"""LibreTranslate file translation: ``/translate_file`` queues the upload as one of
Warta's durable document jobs and, as LibreTranslate does, answers once it is translated
with a ``translatedFileUrl`` under ``/download_file/``. The URL is the file's secret (it
carries the document's random id and secret, nothing derived from a key), so the download
needs no ``api_key``, as in LibreTranslate. The URL starts with ``WARTA_PUBLIC_URL``, or is
relative to the server without it: never built from the request's Host header."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel, ConfigDict

from app.api.compat.common import SOURCE_LANGUAGES, ProtocolError
from app.api.compat.documents import (
    failure,
    file_answer,
    find_document,
    finished,
    new_key,
    queue_document,
    wait_finished,
)
from app.api.compat.libre import INVALID, MISSING, TARGET, libre_account, router_for
from app.api.compat.params import validate
from app.api.deps import StateDep, StoreDep
from app.api.jobs import JOB_ID
from app.api.routes import _summaries_from_docstrings
from app.core.errors import NotFound
from app.store import keyed_job_owner

router = router_for("LibreTranslate files")

SUPPORTED = ": this server translates Indonesian (id) and Malay (ms) into English (en)"


class FileRequest(BaseModel):
    """The text fields of a ``/translate_file`` upload (unknown ones are ignored)."""

    model_config = ConfigDict(extra="ignore")

    source: str
    target: str


class FileAnswer(BaseModel):
    translatedFileUrl: str  # noqa: N815 - LibreTranslate's field name


def _options(fields: dict[str, str]) -> dict[str, Any]:
    body = validate(FileRequest, fields, MISSING, INVALID)
    source = body.source.lower()
    if source != "auto" and source not in SOURCE_LANGUAGES:
        raise ProtocolError(400, f"{body.source} is not supported{SUPPORTED}")
    if body.target.lower() != TARGET:
        raise ProtocolError(400, f"{body.target} is not supported{SUPPORTED}")
    return {"source_lang": "auto" if source == "auto" else "id"}


@router.post("/translate_file", response_model=FileAnswer)
async def translate_file(request: Request, state: StateDep, store: StoreDep) -> FileAnswer:
    """Translate a .txt, .md, .html or .docx file (multipart: `file`, `source`, `target`,
    `api_key`); answers when it is translated, with the URL of the translated file.

    A file that takes longer than the server's request timeout is answered with its URL
    all the same; that URL answers 503 until the translation is there.
    """
    accounts: list[str] = []

    async def options(fields: dict[str, str], name: str) -> tuple[str, dict[str, Any]]:
        del name  # the format is the file's own
        accounts.append(libre_account(state.settings, dict(fields)))
        return accounts[0], _options(fields)

    key = new_key()
    document_id = await queue_document(request, state, store, options, key)
    (account,) = accounts
    info = await find_document(store, document_id, account, key)
    info = await wait_finished(store, info, account, state.settings.request_timeout_s)
    if finished(info) and info.job.status != "done":
        raise ProtocolError(400, failure(info))
    token = f"{document_id}.{key}"
    path = request.app.url_path_for("download_file", token=token, filename=info.name)
    return FileAnswer(translatedFileUrl=(state.settings.public_url or "") + path)


@router.get(
    "/download_file/{token}/{filename}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def download_file(token: str, filename: str, store: StoreDep) -> Response:
    """A translated file, at the URL that `/translate_file` gave."""
    document_id, _, key = token.partition(".")
    owner = None
    if key and JOB_ID.fullmatch(document_id):
        owner = await asyncio.to_thread(keyed_job_owner, store, document_id, key)
    if owner is None:
        raise NotFound("Document not found: check the document_id and document_key.")
    info = await find_document(store, document_id, owner, None)
    return await file_answer(store, info, "The file is still being translated; try again shortly.")


_summaries_from_docstrings(router)
