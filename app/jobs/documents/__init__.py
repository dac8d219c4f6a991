"""Documents translated as jobs: a .txt, .md, .html or .docx file in, the same file
translated out, with the same structure.

``submit_document`` reads the file's texts (lines of a .txt, chunks of a .md, the whole
.html, paragraphs of a .docx), stores the upload and one job item per part of up to
``PART_TEXTS`` texts; each part is a ``translate`` request (with ``format: markdown`` or
``html`` for those files) that the job runner answers like any item, checkpointed part by
part. A document that would become more items than ``WARTA_JOB_MAX_ITEMS`` is refused
before anything is stored, and a .docx is read within ``DocumentLimits``. Once the last
part is done, ``assemble.DocumentFinisher`` puts every translation back into the upload
once and stores the result; ``document_result`` only reads it back. A part that fails
fails the whole document (``failed``), with the reason.

For a compatible API (DeepL's documents): ``document_info`` gives the status, the
characters billed and the estimated seconds left; a job created with ``key`` can be
checked with ``app.store.check_job_key``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePath, PureWindowsPath
from typing import Any

from app.core.errors import InvalidInput, NotReady, TextTooLong
from app.jobs.documents import docx, lines
from app.jobs.documents.limits import DocumentLimits
from app.jobs.intake import REQUEST
from app.jobs.progress import eta_seconds
from app.store import (
    INPUT,
    RESULT,
    JobInfo,
    NewItem,
    Store,
    StoredFile,
    add_items,
    create_job,
    delete_job,
    get_file,
    get_job,
    has_file,
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
    and the pipeline format (``text``, ``html``, ``markdown``) its texts are read in.
    ``units`` may be lazy: it is read twice, once to measure and once to store."""

    media_type: str
    units: Callable[[bytes, DocumentLimits], Iterable[str]]
    render: Callable[[bytes, Sequence[str], DocumentLimits], bytes]
    pipeline: str = "text"


def _text_only(read: Callable[[bytes], Iterable[str]]) -> Callable[..., Iterable[str]]:
    return lambda data, limits: read(data)


def _text_render(write: Callable[[bytes, Sequence[str]], bytes]) -> Callable[..., bytes]:
    return lambda data, translations, limits: write(data, translations)


def _docx_units(data: bytes, limits: DocumentLimits) -> list[str]:
    return docx.units(data, limits.docx)


def _docx_render(data: bytes, translations: Sequence[str], limits: DocumentLimits) -> bytes:
    return docx.render(data, translations, limits.docx)


FORMATS: dict[str, Format] = {
    "txt": Format(
        "text/plain; charset=utf-8",
        _text_only(lines.text_units),
        _text_render(lines.text_render),
    ),
    "md": Format(
        "text/markdown; charset=utf-8",
        _text_only(lambda data: lines.markdown_chunks(data, size=PART_CHARS)),
        _text_render(lines.joined),
        "markdown",
    ),
    "html": Format(
        "text/html; charset=utf-8", _text_only(lines.whole), _text_render(lines.joined), "html"
    ),
    "docx": Format(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _docx_units,
        _docx_render,
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
    limits: DocumentLimits,
    key: str | None = None,
    kept: Mapping[str, Any] | None = None,
) -> JobInfo:
    """Read the document, store it and queue its parts; 422 when it cannot be read, 413
    past a limit. Each part keeps the sync call's limits (``WARTA_MAX_TEXTS``,
    ``WARTA_MAX_CHARS``); ``kept`` goes into the job's options beside them (a copy of its
    stored glossary). Blocks, and parses the document: hold a ``ParseSlots`` slot and run
    it in a worker thread."""
    name = PureWindowsPath(name).name  # no client's folders (either kind of slash)
    if len(name) > MAX_NAME or not name.isprintable():
        raise InvalidInput(
            f"The file name must be printable and at most {MAX_NAME} characters; rename it."
        )
    kind = format_of(name)
    fmt = FORMATS[kind]
    texts = fmt.units(data, limits)
    if not isinstance(texts, list):  # a lazy reading is read again to be stored, not kept
        texts = _Reread(lambda: fmt.units(data, limits))
    characters = measure(texts, kind, limits)
    # Segments are kept with each part so the finished job can say which were flagged.
    request = {**options, "format": fmt.pipeline, "return_segments": True}
    meta = {"name": name, "format": kind, "characters": characters}
    options = {**(kept or {}), REQUEST: request, DOCUMENT: meta}
    job = create_job(store, "document", owner=owner, options=options, key=key)
    try:
        put_file(store, job.id, INPUT, name=name, media_type=fmt.media_type, data=data)
        groups = parts(texts, *_part_size(limits))
        added = add_items(
            store, job.id, (NewItem(f"part-{n}", {"texts": g}) for n, g in enumerate(groups))
        )
        if added == 0:  # nothing to translate: the translation is the upload itself
            put_file(store, job.id, RESULT, name=name, media_type=fmt.media_type, data=data)
    except BaseException:
        delete_job(store, job.id, owner)
        raise
    return seal_job(store, job.id)


class _Reread:
    """An iterable that reads the document again each time it is iterated."""

    def __init__(self, read: Callable[[], Iterable[str]]) -> None:
        self.read = read

    def __iter__(self) -> Iterator[str]:
        return iter(self.read())


def measure(texts: Iterable[str], kind: str, limits: DocumentLimits) -> int:
    """The characters billed for the document's texts; 413 when a text is longer than
    ``WARTA_MAX_CHARS`` or the parts are more than ``WARTA_JOB_MAX_ITEMS``."""
    pipeline = FORMATS[kind].pipeline
    characters = 0
    for count, group in enumerate(parts(texts, *_part_size(limits)), 1):
        if count > limits.max_items:
            raise TextTooLong(
                f"The document would be more than {limits.max_items} job items (parts of "
                f"up to {PART_TEXTS} {UNIT_NAMES[kind]}s or {PART_CHARS} characters); the "
                "limit is WARTA_JOB_MAX_ITEMS. Split the document."
            )
        longest = max(len(text) for text in group)
        if longest > limits.max_chars:
            raise TextTooLong(
                f"The document has a {UNIT_NAMES[kind]} of {longest} characters; the limit "
                f"is {limits.max_chars} (WARTA_MAX_CHARS). Split the document."
            )
        characters += billed(group, pipeline)
    return characters


def billed(texts: Sequence[str], pipeline: str) -> int:
    """Characters of text to translate (in markup: between the tags, not the tags)."""
    if pipeline == "text":
        return sum(len(text) for text in texts)
    return sum(len(run.text) for text in texts for run in markup.runs(markup.parse(text, pipeline)))


def _part_size(limits: DocumentLimits) -> tuple[int, int]:
    return min(PART_TEXTS, limits.max_texts), min(PART_CHARS, limits.max_chars)


def parts(texts: Iterable[str], max_texts: int, max_chars: int) -> Iterator[list[str]]:
    """Consecutive texts grouped into parts of at most ``max_texts`` texts and, unless
    one text alone is longer, ``max_chars`` characters."""
    current: list[str] = []
    size = 0
    for text in texts:
        if current and (len(current) >= max_texts or size + len(text) > max_chars):
            yield current
            current, size = [], 0
        current.append(text)
        size += len(text)
    if current:
        yield current


def document_info(
    store: Store, job_id: str, owner: str | None, now: datetime
) -> DocumentInfo | None:
    """The owner's document job, or ``None`` (no such job, or not a document). A job
    whose parts are all done but whose file is still being assembled is ``running``."""
    job = get_job(store, job_id, owner)
    if job is None or job.kind != "document":
        return None
    if job.failed and job.status in ("done", "failed"):
        # A part the store failed itself (it kept stopping its worker): no document.
        error = job.error or _first_error(store, job.id)
        job = replace(job, status="failed", error=error)
    elif job.status == "done" and not has_file(store, job.id, RESULT):
        job = replace(job, status="running")
    meta = job.options.get(DOCUMENT, {})
    return DocumentInfo(
        job,
        meta.get("name", ""),
        meta.get("format", ""),
        meta.get("characters", 0),
        eta_seconds(job, now),
    )


def document_result(store: Store, job: JobInfo) -> StoredFile:
    """The translated file of a ``done`` document job, as it was stored when its last
    part was done (nothing is parsed again); 409 while it is being assembled."""
    if job.status != "done" or job.failed:
        raise ValueError(f"document job {job.id} is {job.status}, not done")
    result = get_file(store, job.id, RESULT)
    if result is None:
        raise NotReady("The translated file is being assembled; try again in a few seconds.")
    return result


def translate_document(store: Store, job_id: str, kind: str, limits: DocumentLimits) -> StoredFile:
    """The upload with every text replaced by its part's translation. Blocks, and parses
    the document: hold a ``ParseSlots`` slot and run it in a worker thread."""
    upload = get_file(store, job_id, INPUT)
    if upload is None:
        raise LookupError(f"document job {job_id} has no upload")
    translations = [
        translation["text"]
        for item in iter_results(store, job_id)
        for translation in item.result["translations"]
    ]
    data = FORMATS[kind].render(upload.data, translations, limits)
    return StoredFile(upload.name, upload.media_type, data)


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
