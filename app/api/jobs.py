"""``/v1/jobs``: durable jobs of articles or translation requests, run in the background.

A job is accepted (202) once its items are in the store; the job runner of any server or
worker on the same database runs them at batch priority, below every interactive request.
Results stream back as JSON Lines in input order. A key sees only its own jobs.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from app.api.deps import OwnerDep, StateDep, StoreDep, require_api_key
from app.api.job_schemas import UPLOAD_FORM, JobCreated, JobList, JobOut, JobRequest
from app.api.routes import _summaries_from_docstrings
from app.contract.schemas import error_responses
from app.core.config import Settings
from app.core.errors import InvalidInput, NotFound
from app.jobs.handle import result_line
from app.jobs.intake import (
    check_kind,
    check_options,
    json_lines,
    line,
    max_item_bytes,
    position,
    read_json,
    submit,
)
from app.services.glossaries import kept_glossaries
from app.store import JobInfo, Store, cancel_job, get_job, list_jobs, read_results
from app.store.db import utcnow

RESULTS_PAGE = 200
JOB_ID = re.compile(r"j-[0-9a-f]{32}")  # what create_job hands out; nothing else is looked up


router = APIRouter(
    prefix="/v1",
    tags=["jobs"],
    dependencies=[Depends(require_api_key)],
    responses=error_responses(401, 422, 503),
)


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobCreated,
    responses=error_responses(404, 413),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": JobRequest.model_json_schema()},
                "multipart/form-data": {"schema": UPLOAD_FORM},
            },
        }
    },
)
async def create_job(
    request: Request, state: StateDep, store: StoreDep, owner: OwnerDep
) -> JobCreated:
    """Queue a job of articles or translation requests; 202 with its id.

    Send JSON (`kind`, `items`, `options`) or upload a JSON Lines file as `file` with
    `kind` and `options` (a JSON object) as form fields. Each item is an `id` and the
    sync call's body; `options` apply to every item that does not set them. A line or
    item that cannot be read does not stop the job: its result is an error naming it.
    """
    settings = state.settings
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        job = await _from_upload(request, store, owner, settings)
    else:
        job = await _from_json(request, store, owner, settings)
    if state.runner is not None:
        state.runner.wake()
    return JobCreated(id=job.id, status=job.status, total=job.total)


async def _from_json(
    request: Request, store: Store, owner: str | None, settings: Settings
) -> JobInfo:
    try:
        # Read here, not by pydantic: one item's 5,000-digit number fails that item.
        body = JobRequest.model_validate(read_json(await request.body()))
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise InvalidInput(f"The body is not JSON a job can be read from: {exc}.") from None
    options = check_options(body.kind, body.options)
    kept = await asyncio.to_thread(kept_glossaries, store, owner, options)
    values = list(enumerate(body.items))
    return await asyncio.to_thread(
        submit,
        store,
        body.kind,
        values,
        owner=owner,
        options=options,
        where=position,
        max_items=settings.job_max_items,
        meta=kept,
    )


async def _from_upload(
    request: Request, store: Store, owner: str | None, settings: Settings
) -> JobInfo:
    async with read_form(request) as (upload, fields):
        kind = check_kind(fields.pop("kind", "articles"))
        options = check_options(kind, _json_object(fields.pop("options", "{}")))
        if fields:
            raise InvalidInput(
                f"Unknown form field `{sorted(fields)[0]}`: send `file`, `kind` and `options`."
            )
        kept = await asyncio.to_thread(kept_glossaries, store, owner, options)
        values = json_lines(upload.file, max_item_bytes(settings))
        return await asyncio.to_thread(
            submit,
            store,
            kind,
            values,
            owner=owner,
            options=options,
            where=line,
            max_items=settings.job_max_items,
            meta=kept,
        )


def _json_object(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise InvalidInput("The form field `options` must be a JSON object.") from None


@asynccontextmanager
async def read_form(request: Request) -> AsyncIterator[tuple[UploadFile, dict[str, str]]]:
    """The multipart form's one ``file`` and its other fields (as text); the spooled file
    is closed on exit. 422 without a file, or with a field sent twice."""
    try:
        form = await request.form(max_files=1, max_fields=16)
    except HTTPException as exc:  # Starlette's answer to a malformed form
        raise InvalidInput(f"The multipart form cannot be read: {exc.detail}.") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("Upload the file as the multipart form field `file`.")
        fields: dict[str, str] = {}
        for name, value in form.multi_items():
            if name == "file":
                continue
            if not isinstance(value, str) or name in fields:
                raise InvalidInput(f"The form field `{name}` must be sent once, as text.")
            fields[name] = value
        yield upload, fields
    finally:
        await form.close()


@router.get("/jobs", response_model=JobList)
async def jobs(
    store: StoreDep,
    owner: OwnerDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> JobList:
    """List your jobs, newest first (documents included)."""
    found = await asyncio.to_thread(list_jobs, store, owner, limit=limit, offset=offset)
    now = utcnow()
    return JobList(jobs=[JobOut.of(job, now) for job in found])


async def owned_job(store: Store, job_id: str, owner: str | None) -> JobInfo:
    """The owner's job, or 404."""
    job = None
    if JOB_ID.fullmatch(job_id):
        job = await asyncio.to_thread(get_job, store, job_id, owner)
    if job is None:
        raise NotFound(f"No job {job_id!r}; list your jobs with GET /v1/jobs.")
    return job


@router.get("/jobs/{job_id}", response_model=JobOut, responses=error_responses(404))
async def job_status(job_id: str, store: StoreDep, owner: OwnerDep) -> JobOut:
    """A job's status, items finished, progress and estimated seconds left."""
    return JobOut.of(await owned_job(store, job_id, owner), utcnow())


@router.get(
    "/jobs/{job_id}/results",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}}, **error_responses(404)},
)
async def job_results(job_id: str, store: StoreDep, owner: OwnerDep) -> StreamingResponse:
    """The finished items' results as JSON Lines, in input order.

    Each line is what the sync endpoint answers for the item, with its `id`, or
    `{"id", "error": {"code", "message"}}`. Items not finished yet have no line; read
    again when the job is done.
    """
    await owned_job(store, job_id, owner)
    return StreamingResponse(_result_lines(store, job_id), media_type="application/x-ndjson")


async def _result_lines(store: Store, job_id: str) -> AsyncIterator[bytes]:
    after = -1
    while page := await asyncio.to_thread(
        read_results, store, job_id, after=after, limit=RESULTS_PAGE
    ):
        lines = [
            json.dumps(result_line(item), ensure_ascii=False) + "\n"
            for item in page
            if item.status in ("done", "failed")
        ]
        yield "".join(lines).encode()
        after = page[-1].position


@router.delete("/jobs/{job_id}", response_model=JobOut, responses=error_responses(404))
async def cancel(job_id: str, store: StoreDep, owner: OwnerDep) -> JobOut:
    """Cancel a job: no more of its items are started; finished results stay readable."""
    job = None
    if JOB_ID.fullmatch(job_id):
        job = await asyncio.to_thread(cancel_job, store, job_id, owner)
    if job is None:
        raise NotFound(f"No job {job_id!r}; list your jobs with GET /v1/jobs.")
    return JobOut.of(job, utcnow())


_summaries_from_docstrings(router)
