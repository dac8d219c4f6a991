"""What the runner does with one claimed item, and how a finished item reads back.

An item of an ``articles`` or ``translate`` job is its stored request with the job's
options under it, answered by ``process_item``: its result is what the sync endpoint
answers, with the item's ``id``. A ``glossary_id`` is answered from the entries the job
copied when it was submitted. A part of a document is a ``translate`` request of some
of its paragraphs. An error the server causes by being busy or stopping hands the item
back to be run later; an error the item causes is its result, at once: a rejected
request, and an exception raised while the item's own text is read, planned or put back
(running it again would raise it again). Only a failure of the model itself
(``EngineFailure``, see ``app.services.work``) is left to the runner, which tries the
item again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from app.contract.answers import Kind, process_item
from app.core.config import Settings
from app.jobs.intake import ITEM, REJECTED, REQUEST
from app.jobs.runner import Handler, Outcome
from app.services.glossaries import snapshot_lookup
from app.services.work import EngineFailure, Work
from app.store import ClaimedItem, ItemResult

log = logging.getLogger(__name__)

# The server's state, not the item's: such an item is run again later.
TRANSIENT = frozenset({"overloaded", "model_not_ready", "deadline_exceeded"})


def item_handler(work: Work, settings: Settings) -> Handler:
    """A ``Handler`` that answers items through ``work`` under ``settings``' limits."""

    async def handle(item: ClaimedItem) -> Outcome:
        stored = item.input
        if REJECTED in stored:
            return Outcome(error={"id": stored.get("id"), "error": stored[REJECTED]})
        try:
            answer = await _answer(work, settings, item)
        except EngineFailure:
            raise
        except Exception as exc:  # noqa: BLE001 - the item's own failure is its result
            log.exception("job %s item %d failed on its content", item.job_id, item.position)
            answer = {"id": _client_id(item), "error": _content_failure(exc)}
        error = answer.get("error")
        if error is None:
            return Outcome(result=answer)
        if error["code"] in TRANSIENT:
            return Outcome(retry=True)
        if item.kind == "document":
            reason = {
                "code": error["code"],
                "message": f"Part {item.position + 1} of the document could not be "
                f"translated: {error['message']}",
            }
            return Outcome(error=answer, fail_job=reason)
        return Outcome(error=answer)

    return handle


async def _answer(work: Work, settings: Settings, item: ClaimedItem) -> dict[str, Any]:
    stored = item.input
    if item.kind == "document":
        part = {**stored, "id": item.id}
        return await answer_item(work, "translate", part, item.options, settings)
    return await answer_item(work, item.kind, stored[ITEM], item.options, settings)


async def answer_item(
    work: Work, kind: Kind, item: Any, job_options: Mapping[str, Any], settings: Settings
) -> dict[str, Any]:
    """The sync API's answer to one item of a run whose options are ``job_options`` (as
    a job keeps them): the sync call's fields (``REQUEST``) under the item's own, and a
    ``glossary_id`` answered from the entries copied when the run began. Every way a
    batch runs (a server's or worker's job, ``warta batch``, its Ray actors) answers
    items here."""
    body = {**job_options.get(REQUEST, {}), **item} if isinstance(item, dict) else item
    return await process_item(work, kind, body, settings, snapshot_lookup(job_options))


def _client_id(item: ClaimedItem) -> Any:
    stored = item.input.get(ITEM) if isinstance(item.input, dict) else None
    return stored.get("id", item.id) if isinstance(stored, dict) else item.id


def _content_failure(exc: Exception) -> dict[str, str]:
    return {
        "code": "internal_error",
        "message": f"The server could not process this item ({type(exc).__name__}); it "
        "was not tried again, since the same input fails the same way. Report it with "
        "the item; the server's log names it.",
    }


def result_line(result: ItemResult) -> dict[str, Any]:
    """A finished item as its line of the job's results: the item's answer, or
    ``{"id", "error"}``."""
    if result.status == "done":
        answer: dict[str, Any] = result.result
        return answer
    error = result.error
    if isinstance(error, dict) and "error" in error:
        return error
    # An error the store recorded itself (the item kept killing its worker).
    return {"id": result.id, "error": error}
