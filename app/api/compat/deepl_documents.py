"""DeepL document translation (``/v2/document``) on Warta's durable document jobs: the
upload is queued as a document job, its status and translated file are fetched with the
``document_key`` handed out at upload, as DeepL's clients do (they poll every 5 s)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.compat.common import ProtocolError
from app.api.compat.deepl_base import (
    INVALID,
    MISSING,
    Account,
    deepl_router,
    source_language,
    target_language,
)
from app.api.compat.deepl_glossaries import glossary_entries
from app.api.compat.documents import (
    failure,
    file_answer,
    find_document,
    new_key,
    queue_document,
)
from app.api.compat.params import read_params, validate
from app.api.deps import StateDep, StoreDep
from app.api.routes import _summaries_from_docstrings
from app.jobs.documents import DocumentInfo, format_of
from app.store import Store

router = deepl_router("DeepL documents", 404)

STATUSES = {"queued": "queued", "running": "translating", "done": "done"}  # else "error"


class DocumentRequest(BaseModel):
    """The text fields of a ``/v2/document`` upload (unknown ones are ignored)."""

    model_config = ConfigDict(extra="ignore")

    target_lang: str
    source_lang: str | None = None
    glossary_id: str | None = Field(None, min_length=1)
    output_format: str | None = None
    formality: str | None = None


class DocumentKey(BaseModel):
    model_config = ConfigDict(extra="ignore")

    document_key: str = Field(min_length=1)


async def _options(store: Store, account: str, fields: dict[str, str]) -> dict[str, Any]:
    """The translation options of each part of the document, from DeepL's fields."""
    body = validate(DocumentRequest, fields, MISSING, INVALID)
    target_language(body.target_lang)
    source = source_language(body.source_lang)
    options: dict[str, Any] = {"source_lang": "auto" if source is None else "id"}
    if body.glossary_id:
        if source is None:
            raise ProtocolError(
                400, "Use of a glossary requires the source_lang parameter to be specified."
            )
        options["glossary"] = await glossary_entries(store, [body.glossary_id], account, source)
    return options


def _same_format(fields: dict[str, str], name: str) -> None:
    wanted = fields.get("output_format")
    if wanted and format_of(f"x.{wanted}") != format_of(name):
        raise ProtocolError(
            400,
            f"Value for 'output_format' not supported: documents come back in their own "
            f"format ({format_of(name)}).",
        )


@router.post("/v2/document")
async def upload(
    request: Request, state: StateDep, store: StoreDep, account: Account
) -> dict[str, str]:
    """Upload a document to translate (multipart: `file`, `target_lang`, optional
    `source_lang`, `glossary_id`); its `document_id` and `document_key`.

    .txt, .md, .html and .docx files come back in the same format and structure.
    """

    async def options(fields: dict[str, str], name: str) -> tuple[str, dict[str, Any]]:
        _same_format(fields, name)
        return account, await _options(store, account, fields)

    key = new_key()
    document_id = await queue_document(request, state, store, options, key)
    return {"document_id": document_id, "document_key": key}


async def _checked(request: Request, document_id: str, store: Store, account: str) -> DocumentInfo:
    body = validate(DocumentKey, await read_params(request), MISSING, INVALID)
    return await find_document(store, document_id, account, body.document_key)


@router.post("/v2/document/{document_id}")
@router.get("/v2/document/{document_id}", include_in_schema=False)
async def status(
    request: Request, document_id: str, store: StoreDep, account: Account
) -> dict[str, Any]:
    """A document's status (`queued`, `translating`, `done` or `error`), with the seconds
    remaining and, once done, the characters billed; send its `document_key`."""
    info = await _checked(request, document_id, store, account)
    state = STATUSES.get(info.job.status, "error")
    answer: dict[str, Any] = {"document_id": document_id, "status": state}
    if state == "done":
        answer["billed_characters"] = info.characters
    elif state == "error":
        answer["error_message"] = failure(info)
    elif info.eta_seconds is not None:
        answer["seconds_remaining"] = round(info.eta_seconds)
    return answer


@router.post(
    "/v2/document/{document_id}/result",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def result(request: Request, document_id: str, store: StoreDep, account: Account) -> Response:
    """The translated file, once the status is `done` (503 before, as at DeepL)."""
    info = await _checked(request, document_id, store, account)
    not_yet = "Document translation is not done yet; check its status."
    return await file_answer(store, info, not_yet)


_summaries_from_docstrings(router)
