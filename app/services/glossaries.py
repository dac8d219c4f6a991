"""Stored glossaries in the pipeline: a request's ``glossary_id`` becomes entries beneath
its inline ``glossary`` (an inline entry wins), on the same ``TextOptions`` path.

Every way in resolves an id through a ``GlossaryLookup``: ``stored_glossaries`` reads the
store for one owner (the sync API, compatible APIs); ``snapshot_lookup`` answers from
the entries a job copied when it was submitted, so all its items use the same entries
even if the glossary changes or goes while the job runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from app.core.errors import InvalidInput, ModelNotReady, NotFound
from app.services.options import TextOptions
from app.store import Store, get_glossary

GlossaryLookup = Callable[[str], Awaitable[Mapping[str, str]]]
"""The entries of a stored glossary by id; ``NotFound`` when the caller has none."""

GLOSSARIES = "glossaries"  # a job's options: {glossary id: entries} copied at submission


def glossary_entries(store: Store, glossary_id: str, owner: str | None) -> dict[str, str]:
    """The entries of the owner's glossary ``glossary_id``; ``NotFound`` (404) when the
    owner has no such glossary. Blocks: run it in a worker thread."""
    glossary = get_glossary(store, glossary_id, owner)
    if glossary is None:
        raise not_found(glossary_id)
    return glossary.entries


def not_found(glossary_id: str) -> NotFound:
    """The error for an id the caller has no glossary under."""
    return NotFound(f"No glossary {glossary_id!r}; list your glossaries with GET /v1/glossaries.")


def stored_glossaries(store: Callable[[], Store | None], owner: str | None) -> GlossaryLookup:
    """A lookup in the store (``store()`` gives it, or ``None`` while it is not open yet:
    503) of the owner's glossaries."""

    async def lookup(glossary_id: str) -> Mapping[str, str]:
        opened = store()
        if opened is None:
            raise ModelNotReady("The glossary store is not open yet; retry in a few seconds.")
        return await asyncio.to_thread(glossary_entries, opened, glossary_id, owner)

    return lookup


def snapshot(store: Store, owner: str | None, ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """The entries of each of the owner's glossaries ``ids``, to keep with a job
    (``NotFound`` for the first unknown one). Blocks: run it in a worker thread."""
    return {glossary_id: glossary_entries(store, glossary_id, owner) for glossary_id in ids}


def kept_glossaries(store: Store, owner: str | None, options: Mapping[str, Any]) -> dict[str, Any]:
    """What a job keeps of the stored glossary its ``options`` name (``glossary_id``):
    ``{GLOSSARIES: {id: entries}}``, so every item uses the same entries however the
    glossary changes; ``{}`` when none is named. ``NotFound`` when the owner has no such
    glossary. Blocks: run it in a worker thread."""
    glossary_id = options.get("glossary_id")
    if glossary_id is None:
        return {}
    return {GLOSSARIES: snapshot(store, owner, [glossary_id])}


def snapshot_lookup(job_options: Mapping[str, Any]) -> GlossaryLookup:
    """A lookup in the entries a job kept (``job_options[GLOSSARIES]``)."""
    kept: Mapping[str, Mapping[str, str]] = job_options.get(GLOSSARIES) or {}

    async def lookup(glossary_id: str) -> Mapping[str, str]:
        entries = kept.get(glossary_id)
        if entries is None:
            raise NotFound(
                f"No glossary {glossary_id!r} in this job: a job reads the glossary named "
                "by `glossary_id` in its options when it is submitted; set it there."
            )
        return entries

    return lookup


async def with_stored(
    options: TextOptions, glossary_id: str | None, lookup: GlossaryLookup | None
) -> TextOptions:
    """``options`` with the stored glossary ``glossary_id`` beneath their inline entries
    (unchanged without an id)."""
    if glossary_id is None:
        return options
    if lookup is None:
        raise InvalidInput(
            "Stored glossaries (`glossary_id`) are not available here; send the entries "
            "as `glossary` instead."
        )
    return options.under(await lookup(glossary_id))
