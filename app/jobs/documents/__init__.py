"""Documents translated as jobs: a .txt, .md, .html or .docx file in, the same file
translated out, with the same structure.

``submit_document`` reads the file's texts (lines of a .txt, chunks of a .md, the whole
.html, paragraphs of a .docx), stores the upload and one job item per part of up to
``PART_TEXTS`` texts; each part is a ``translate`` request (with ``format: markdown`` or
``html`` for those files) that the job runner answers like any item, checkpointed part by
part. Once the job is done, ``document_result`` puts every translation back into the
uploaded file. A part that fails fails the whole document (``failed``), with the reason.

For a compatible API (DeepL's documents): ``document_info`` gives the status, the
characters billed and the estimated seconds left; a job created with ``key`` can be
checked with ``app.store.check_job_key``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import PurePath, PureWindowsPath
from typing import Any

from app.core.errors import InvalidInput, TextTooLong
from app.jobs.documents import docx, lines
from app.jobs.intake import REQUEST
from app.jobs.progress import eta_seconds
from app.store import (
    INPUT,
    JobInfo,
    NewItem,
    Store,
    StoredFile,
    add_items,
    create_job,
    delete_job,
    get_file,
    get_job,
    iter_results,
    put_file,
    seal_job,
)
from app.text import markup

DOCUMENT = "document"  # a document job's own options: name, format, characters
PART_TEXTS = 32
PART_CHARS = 4000
MAX_NAME = 255


@dataclass(frozen=True)
class Format:
    """How one file type is read into texts and written back with their translations,
    and the pipeline format (``text``, ``html``, ``markdown``) its texts are read in."""

    media_type: str
    units: Callable[[bytes], list[str]]
    render: Callable[[bytes, Sequence[str]], bytes]
    pipeline: str = "text"


FORMATS: dict[str, Format] = {
    "txt": Format("text/plain; charset=utf-8", lines.text_units, lines.text_render),
    "md": Format(
        "text/markdown; charset=utf-8",
        partial(lines.markdown_chunks, size=PART_CHARS),
        lines.joined,
        "markdown",
    ),
    "html": Format("text/html; charset=utf-8", lines.whole, lines.joined, "html"),
    "docx": Format(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx.units,
        docx.render,
    ),
}
ALIASES = {"text": "txt", "markdown": "md", "htm": "html"}
UNIT_NAMES = {"txt": "line", "md": "block", "html": "page", "docx": "paragraph"}


@dataclass(frozen=True)
class DocumentInfo:
    """A document job: its state, file name, format, source characters (what is billed)
    and the estimated seconds left (``None`` until there is a rate to go by)."""

    job: JobInfo
    name: str
    format: str
    characters: int
    eta_seconds: float | None


def format_of(name: str) -> str:
    """The format of a file by its extension (``txt``, ``md``, ``html``, ``docx``); 422
    for any other."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    extension = ALIASES.get(extension, extension)
    if extension not in FORMATS:
        raise InvalidInput(
            f"Documents must be .txt, .md, .html or .docx files, not {name!r}; "
            "convert the file or send its text to /v1/translate."
        )
    return extension


def submit_document(
    store: Store,
    *,
    name: str,
    data: bytes,
    owner: str | None,
    options: dict[str, Any],
    max_texts: int,
    max_chars: int,
    key: str | None = None,
    kept: Mapping[str, Any] | None = None,
) -> JobInfo:
    """Read the document, store it and queue its parts; 422 when it cannot be read.
    ``max_texts``/``max_chars`` are the sync call's limits, which each part keeps;
    ``kept`` goes into the job's options beside them (a copy of its stored glossary).
    Blocks: run it in a worker thread."""
    name = PureWindowsPath(name).name  # no client's folders (either kind of slash)
    if len(name) > MAX_NAME or not name.isprintable():
        raise InvalidInput(
            f"The file name must be printable and at most {MAX_NAME} characters; rename it."
        )
    kind = format_of(name)
    fmt = FORMATS[kind]
    texts = fmt.units(data)
    longest = max((len(text) for text in texts), default=0)
    if longest > max_chars:
        raise TextTooLong(
            f"The document has a {UNIT_NAMES[kind]} of {longest} characters; the limit is "
            f"{max_chars} (WARTA_MAX_CHARS). Split the document."
        )
    # Segments are kept with each part so the finished job can say which were flagged.
    request = {**options, "format": fmt.pipeline, "return_segments": True}
    meta = {"name": name, "format": kind, "characters": billed(texts, fmt.pipeline)}
    options = {**(kept or {}), REQUEST: request, DOCUMENT: meta}
    job = create_job(store, "document", owner=owner, options=options, key=key)
    try:
        put_file(store, job.id, INPUT, name=name, media_type=fmt.media_type, data=data)
        groups = parts(texts, min(PART_TEXTS, max_texts), min(PART_CHARS, max_chars))
        add_items(store, job.id, (NewItem(f"part-{n}", {"texts": g}) for n, g in enumerate(groups)))
    except BaseException:
        delete_job(store, job.id, owner)
        raise
    return seal_job(store, job.id)


def billed(texts: Sequence[str], pipeline: str) -> int:
    """Characters of text to translate (in markup: between the tags, not the tags)."""
    if pipeline == "text":
        return sum(len(text) for text in texts)
    return sum(len(run.text) for text in texts for run in markup.runs(markup.parse(text, pipeline)))


def parts(texts: list[str], max_texts: int, max_chars: int) -> list[list[str]]:
    """Consecutive texts grouped into parts of at most ``max_texts`` texts and, unless
    one text alone is longer, ``max_chars`` characters."""
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for text in texts:
        if current and (len(current) >= max_texts or size + len(text) > max_chars):
            groups.append(current)
            current, size = [], 0
        current.append(text)
        size += len(text)
    if current:
        groups.append(current)
    return groups


def document_info(
    store: Store, job_id: str, owner: str | None, now: datetime
) -> DocumentInfo | None:
    """The owner's document job, or ``None`` (no such job, or not a document)."""
    job = get_job(store, job_id, owner)
    if job is None or job.kind != "document":
        return None
    if job.failed and job.status in ("done", "failed"):
        # A part the store failed itself (it kept stopping its worker): no document.
        error = job.error or _first_error(store, job.id)
        job = replace(job, status="failed", error=error)
    meta = job.options.get(DOCUMENT, {})
    return DocumentInfo(
        job,
        meta.get("name", ""),
        meta.get("format", ""),
        meta.get("characters", 0),
        eta_seconds(job, now),
    )


def document_result(store: Store, job: JobInfo) -> StoredFile:
    """The translated file of a ``done`` document job: the upload with every text
    replaced by its translation, same name and type. Blocks: run it in a worker thread."""
    if job.status != "done" or job.failed:
        raise ValueError(f"document job {job.id} is {job.status}, not done")
    upload = get_file(store, job.id, INPUT)
    if upload is None:
        raise LookupError(f"document job {job.id} has no upload")
    translations = [
        translation["text"]
        for item in iter_results(store, job.id)
        for translation in item.result["translations"]
    ]
    kind = job.options[DOCUMENT]["format"]
    return StoredFile(
        upload.name, upload.media_type, FORMATS[kind].render(upload.data, translations)
    )


def _first_error(store: Store, job_id: str) -> dict[str, Any]:
    for item in iter_results(store, job_id):
        if item.status == "failed":
            error = item.error.get("error", item.error)
            return {
                "code": error.get("code", "failed"),
                "message": f"Part {item.position + 1} of the document could not be "
                f"translated: {error.get('message', '')}",
            }
    return {"code": "failed", "message": "A part of the document could not be translated."}
