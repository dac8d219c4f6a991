"""Request and response models of ``/v1/jobs`` and ``/v1/documents``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.jobs.documents import DocumentInfo
from app.jobs.progress import eta_seconds, progress
from app.store import JobInfo

JobStatusName = Literal["queued", "running", "done", "failed", "cancelled"]


class JobRequest(BaseModel):
    """A job sent as JSON; larger archives go as a JSON Lines upload."""

    model_config = ConfigDict(extra="forbid", strict=True)

    kind: Literal["articles", "translate"] = Field(
        description="`articles`: each item is a POST /v1/articles body; `translate`: a "
        "POST /v1/translate body"
    )
    items: list[Any] = Field(
        min_length=1,
        description="Each item: an `id` (string or integer, unique in the job) and the "
        "sync call's body",
        examples=[[{"id": "a1", "title": "Harga naik", "text": "Harga beras naik."}]],
    )
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="Fields of the sync call applied to every item that does not set them "
        "(e.g. `mode`, `max_sentences`; `source_lang`, `return_segments`; `glossary_id`: "
        "the stored glossary's entries are copied when the job is queued)",
    )


UPLOAD_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "JSON Lines: one item per line, as in `items`",
        },
        "kind": {"type": "string", "enum": ["articles", "translate"], "default": "articles"},
        "options": {"type": "string", "description": "The options as a JSON object"},
    },
}

DOCUMENT_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "A .txt, .md, .html or .docx file (UTF-8 for the text formats)",
        },
        "source_lang": {"type": "string", "enum": ["auto", "id"], "default": "auto"},
        "glossary_id": {
            "type": "string",
            "description": "A stored glossary (see /v1/glossaries), copied when the "
            "document is queued",
        },
        "keep_english": {
            "type": "boolean",
            "default": True,
            "description": "`false`: translate sentences detected as English too",
        },
    },
}


class JobCreated(BaseModel):
    id: str = Field(examples=["j-6f1c2d9e8a7b4c3d2e1f0a9b8c7d6e5f"])
    status: JobStatusName
    total: int = Field(description="Items in the job (lines of an upload)")


class JobOut(BaseModel):
    id: str
    kind: Literal["articles", "translate", "document"]
    status: JobStatusName
    total: int
    done: int = Field(description="Items finished with a result")
    failed: int = Field(description="Items finished with an error")
    progress: float = Field(ge=0, le=1, description="Finished items over all items")
    eta_seconds: float | None = Field(
        description="Estimated seconds left at the rate so far; null before the first item finishes"
    )
    created_at: datetime
    updated_at: datetime
    error: dict[str, Any] | None = Field(None, description="Why a failed job failed as a whole")

    @classmethod
    def of(cls, job: JobInfo, now: datetime) -> JobOut:
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            total=job.total,
            done=job.done,
            failed=job.failed,
            progress=progress(job),
            eta_seconds=eta_seconds(job, now),
            created_at=job.created_at,
            updated_at=job.updated_at,
            error=job.error,
        )


class JobList(BaseModel):
    jobs: list[JobOut] = Field(description="Newest first")


class FlaggedSegmentOut(BaseModel):
    location: dict[str, Any] = Field(
        description="Where it is: `kind` (`heading`, `paragraph`, `list`, `table`, "
        "`header`, `footer`; `line` in a .txt, `block` in .md and .html) and `index` (from "
        "0); a table cell adds `row` and `cell`, and `index` is then the table's number",
        examples=[{"kind": "table", "index": 0, "row": 1, "cell": 1}],
    )
    source: str
    translation: str
    flags: list[str]
    issues: list[dict[str, Any]] = Field(
        description="Each flag with what it lost and what it means, as a segment's `issues`"
    )


MAX_LISTED_FLAGS = 100


class DocumentOut(JobOut):
    name: str = Field(description="The uploaded file's name; the result has the same")
    format: str = Field(description="`txt`, `md`, `html` or `docx`")
    billed_characters: int = Field(description="Characters of text in the document")
    flagged: int | None = Field(
        None,
        description="Once done: how many segments are flagged (a lost number, a repetition "
        "loop, ...); check them before using the file",
    )
    flagged_segments: list[FlaggedSegmentOut] = Field(
        default_factory=list,
        description=f"The first {MAX_LISTED_FLAGS} flagged segments with their location; "
        "GET /v1/documents/{id}/report lists all of them",
    )

    @classmethod
    def of_document(
        cls, info: DocumentInfo, now: datetime, flagged: list[dict[str, Any]] | None = None
    ) -> DocumentOut:
        base = JobOut.of(info.job, now).model_dump()
        listed = [FlaggedSegmentOut(**f) for f in (flagged or [])[:MAX_LISTED_FLAGS]]
        return cls(
            **base,
            name=info.name,
            format=info.format,
            billed_characters=info.characters,
            flagged=None if flagged is None else len(flagged),
            flagged_segments=listed,
        )


class DocumentReport(BaseModel):
    """A finished document's report: every flagged segment, where it is, and why."""

    id: str
    name: str
    flagged: int
    segments: list[FlaggedSegmentOut]
