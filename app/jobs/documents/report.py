"""What a finished document job knows is wrong: each flagged segment, where it is in the
document (a heading, a paragraph, a table cell, a line), its source and translation, and
why it is flagged, so a person can check those places before using the file.

The report is made once, when the document is assembled, and stored beside the result:
a status poll only reads it, never parses the document again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from app.jobs.documents import DOCUMENT, docx, lines
from app.jobs.documents.limits import DocumentLimits
from app.services.issues import issues_of, problems
from app.store import INPUT, Store, get_file, iter_results, put_file

REPORT = "report"  # the stored file role of a document's flagged segments


def store_report(
    store: Store, job_id: str, options: dict[str, Any], limits: DocumentLimits
) -> None:
    """Find and store the flagged segments of a finished document job. Blocks, and may
    parse the upload (a .docx, for the places): hold a parse slot, in a worker thread."""
    found = flagged_segments(store, job_id, options, limits)
    data = json.dumps(found, ensure_ascii=False).encode()
    put_file(store, job_id, REPORT, name="report.json", media_type="application/json", data=data)


def stored_report(store: Store, job_id: str) -> list[dict[str, Any]] | None:
    """The flagged segments stored when the document was assembled (``None`` before)."""
    stored = get_file(store, job_id, REPORT)
    return None if stored is None else list(json.loads(stored.data))


def flagged_segments(
    store: Store, job_id: str, options: dict[str, Any], limits: DocumentLimits
) -> list[dict[str, Any]]:
    """Every flagged segment of a document job, in document order, each with its
    ``location``. Blocks: run it in a worker thread."""
    found = list(_flagged(store, job_id))
    if not found:
        return []
    kind = options.get(DOCUMENT, {}).get("format", "")
    upload = get_file(store, job_id, INPUT) if kind in ("docx", "txt") else None
    places = _places(kind, upload.data, limits) if upload is not None else None
    return [
        {"location": _location(kind, unit, block, places), **segment}
        for unit, block, segment in found
    ]


def _flagged(store: Store, job_id: str) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(unit number, block number, segment) of each flagged segment: a unit is one text
    of the document (a line, a .docx paragraph, a Markdown chunk); a block counts the
    paragraphs of markup across units."""
    unit = block = 0
    for item in iter_results(store, job_id):
        for translation in (item.result or {}).get("translations", []):
            segments = translation.get("segments") or []
            for segment in segments:
                flags = segment.get("flags", [])
                if problems(flags):
                    yield unit, block + segment.get("paragraph", 0), _described(segment)
            block += 1 + max((s.get("paragraph", 0) for s in segments), default=0)
            unit += 1


def _described(segment: dict[str, Any]) -> dict[str, Any]:
    source, translation = segment.get("source", ""), segment.get("translation", "")
    flags = segment.get("flags", [])
    issues = [
        {"flag": i.flag, "missing": list(i.missing), "message": i.message}
        for i in issues_of(source, translation, flags)
    ]
    return {"source": source, "translation": translation, "flags": flags, "issues": issues}


def _places(kind: str, data: bytes, limits: DocumentLimits) -> list[dict[str, Any]]:
    if kind == "docx":
        return docx.places(data, limits.docx)
    numbers = [n for n, line in enumerate(lines.decode(data).splitlines()) if line.strip()]
    return [{"kind": "line", "index": n} for n in numbers]


def _location(
    kind: str, unit: int, block: int, places: list[dict[str, Any]] | None
) -> dict[str, Any]:
    if places is not None and unit < len(places):
        return places[unit]
    return {"kind": "block", "index": block}
