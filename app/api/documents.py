"""``/v1/documents``: a .txt, .md, .html or .docx file translated in the background and
given back in the same format, with the same structure."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from app.api.deps import OwnerDep, StateDep, StoreDep, require_api_key
from app.api.job_schemas import DOCUMENT_FORM, DocumentOut, DocumentReport, FlaggedSegmentOut
from app.api.jobs import JOB_ID, read_form
from app.api.routes import _summaries_from_docstrings
from app.contract.problems import describe_problems
from app.contract.schemas import TranslateRequest, error_responses
from app.core.errors import InvalidInput, ModelNotReady, NotFound, NotReady, TextTooLong
from app.jobs.documents import DocumentInfo, document_info, document_result, submit_document
from app.jobs.documents.limits import DocumentLimits
from app.jobs.documents.report import stored_report
from app.runtime.system import Runtime
from app.services.glossaries import kept_glossaries
from app.store import JobInfo, Store, StoredFile, check_job_key
from app.store.db import utcnow

# The sync call's fields that make no sense for a whole document (its format is its type).
NOT_FOR_DOCUMENTS = frozenset({"texts", "return_segments", "format"})
BOOLEAN_FIELDS = frozenset({"keep_english"})


router = APIRouter(
    prefix="/v1",
    tags=["documents"],
    dependencies=[Depends(require_api_key)],
    responses=error_responses(401, 422, 503),
)


@router.post(
    "/documents",
    status_code=202,
    response_model=DocumentOut,
    responses=error_responses(404, 413, 429),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": DOCUMENT_FORM}},
        }
    },
)
async def create_document(
    request: Request, state: StateDep, store: StoreDep, owner: OwnerDep
) -> DocumentOut:
    """Queue a document for translation; 202 with its id.

    Upload the file as `file` (.txt, .md, .html or .docx; text formats in UTF-8) with
    the options of POST /v1/translate as form fields (`source_lang`). Fetch the
    translated file from GET /v1/documents/{id}/result once the status is `done`.
    """
    async with read_form(request) as (upload, fields):
        options = check_document_options(fields)
        kept = await asyncio.to_thread(kept_glossaries, store, owner, options)
        job = await store_upload(state, store, upload, owner=owner, options=options, kept=kept)
    return DocumentOut.of_document(await _owned(store, job.id, owner), utcnow())


async def store_upload(
    state: Runtime,
    store: Store,
    upload: UploadFile,
    *,
    owner: str | None,
    options: dict[str, Any],
    key: str | None = None,
    kept: dict[str, Any] | None = None,
) -> JobInfo:
    """Read an uploaded document (413 over ``WARTA_DOCUMENT_MAX_BYTES`` or any limit of
    ``DocumentLimits``; 429 when ``WARTA_DOCUMENT_PARSE_CONCURRENCY`` documents are being
    read already), queue it as a document job and wake the runner; every document route
    (``/v1``, DeepL's and LibreTranslate's) comes through here."""
    settings = state.settings
    data = await upload.read(settings.document_max_bytes + 1)
    if len(data) > settings.document_max_bytes:
        raise TextTooLong(
            f"The document is over {settings.document_max_bytes} bytes "
            "(WARTA_DOCUMENT_MAX_BYTES); split it into several."
        )
    if state.parsing is None:
        raise ModelNotReady("The server is still starting; retry in a few seconds.")
    async with state.parsing.held():  # 429 when too many documents are being read
        job = await asyncio.to_thread(
            submit_document,
            store,
            name=upload.filename or "",
            data=data,
            owner=owner,
            options=options,
            limits=DocumentLimits.of(settings),
            key=key,
            kept=kept,
        )
    if state.runner is not None:
        state.runner.wake()
    return job


def check_document_options(fields: dict[str, str]) -> dict[str, Any]:
    """The form fields as options of the translation of each part; 422 for unknown ones."""
    for name in sorted(fields):
        if name in NOT_FOR_DOCUMENTS:
            raise InvalidInput(f"The form field `{name}` does not apply to documents.")
    options: dict[str, Any] = dict(fields)
    for name in BOOLEAN_FIELDS & options.keys():  # a form sends text: "false" means False
        options[name] = {"true": True, "false": False}.get(options[name].lower(), options[name])
    try:
        TranslateRequest.model_validate({**options, "texts": ["x"]})
    except ValidationError as exc:
        raise InvalidInput(describe_problems(exc.errors())) from None
    return options


async def owned_document(
    store: Store, document_id: str, owner: str | None, key: str | None = None
) -> DocumentInfo | None:
    """The owner's document ``document_id`` (whose secret is ``key``, when one is given),
    or None: every document route, native or compatible, looks documents up here."""
    if not JOB_ID.fullmatch(document_id):
        return None
    info = await asyncio.to_thread(document_info, store, document_id, owner, utcnow())
    if info is not None and key is not None:
        if not await asyncio.to_thread(check_job_key, store, document_id, key):
            return None
    return info


async def translated_file(store: Store, info: DocumentInfo) -> StoredFile:
    """The translated file of a ``done`` document."""
    return await asyncio.to_thread(document_result, store, info.job)


async def _owned(store: Store, job_id: str, owner: str | None) -> DocumentInfo:
    info = await owned_document(store, job_id, owner)
    if info is None:
        raise NotFound(f"No document {job_id!r}; list your jobs with GET /v1/jobs.")
    return info


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=error_responses(404))
async def document_status(document_id: str, store: StoreDep, owner: OwnerDep) -> DocumentOut:
    """A document's status, progress, estimated seconds left and characters billed.

    Once done, `flagged` counts the segments to check (a lost number, a repetition loop)
    and `flagged_segments` lists them with where they are (heading, paragraph, table
    cell, line).
    """
    info = await _owned(store, document_id, owner)
    flagged = None
    if info.job.status == "done":
        flagged = await asyncio.to_thread(stored_report, store, info.job.id)
    return DocumentOut.of_document(info, utcnow(), flagged)


@router.get(
    "/documents/{document_id}/report",
    response_model=DocumentReport,
    responses=error_responses(404, 409),
)
async def document_report(document_id: str, store: StoreDep, owner: OwnerDep) -> DocumentReport:
    """Every flagged segment of a finished document, where it is, and why.

    409 until the document is done.
    """
    info = await _owned(store, document_id, owner)
    flagged = None
    if info.job.status == "done":
        flagged = await asyncio.to_thread(stored_report, store, info.job.id)
    if flagged is None:
        raise NotReady(
            f"The document is {info.job.status}; its report is there once "
            f"GET /v1/documents/{document_id} says `done`."
        )
    return DocumentReport(
        id=info.job.id,
        name=info.name,
        flagged=len(flagged),
        segments=[FlaggedSegmentOut(**f) for f in flagged],
    )


@router.get(
    "/documents/{document_id}/result",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}, **error_responses(404, 409)},
)
async def document_download(document_id: str, store: StoreDep, owner: OwnerDep) -> Response:
    """The translated file: same name, format and structure as the upload.

    409 while the document is still queued or being translated, or when it failed
    (the status says why).
    """
    info = await _owned(store, document_id, owner)
    job = info.job
    if job.status != "done":
        reason = f" ({job.error['message']})" if isinstance(job.error, dict) else ""
        raise NotReady(
            f"The document is {job.status}{reason}; the translated file is there once "
            f"GET /v1/documents/{document_id} says `done`."
        )
    result = await translated_file(store, info)
    disposition = f"attachment; filename*=UTF-8''{quote(result.name)}"
    return Response(
        result.data, media_type=result.media_type, headers={"Content-Disposition": disposition}
    )


_summaries_from_docstrings(router)
