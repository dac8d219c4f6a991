"""DeepL glossaries, v2 (one language pair each) and v3 (``DeepLClient``'s "multilingual"
glossaries), on Warta's glossary store: a DeepL glossary IS a Warta glossary, the same row
that ``/v1/glossaries`` shows, owned by the key that made it.

A Warta glossary holds one language pair (Indonesian or Malay into English), so a v3
glossary here has at most one dictionary: emptying it (deleting the dictionary) leaves
the glossary with none, and another pair is refused with a 400 that says so.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from functools import partial
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.compat.common import ProtocolError
from app.api.compat.deepl_base import (
    INVALID,
    MISSING,
    SOURCES,
    Account,
    deepl_router,
    source_language,
)
from app.api.compat.params import body_doc, read_params, validate
from app.api.deps import SettingsDep, StoreDep
from app.api.routes import _summaries_from_docstrings
from app.core.errors import NotFound
from app.store import (
    Store,
    create_glossary,
    delete_glossary,
    get_glossary,
    list_glossaries,
    replace_entries,
    update_glossary,
)
from app.store.glossaries import Glossary, GlossaryInfo
from app.text.entries import EntriesFormat, format_tsv, parse_entries

TSV = "text/tab-separated-values"

router = deepl_router("DeepL glossaries", 404)


class Dictionary(BaseModel):
    """One language pair's entries, as DeepL takes them."""

    model_config = ConfigDict(extra="ignore")

    source_lang: str = Field(description="`ID` or `MS`.")
    target_lang: str = Field(description="`EN`.")
    entries: str = Field(description="One `source<TAB>target` (or CSV) pair per line.")
    entries_format: EntriesFormat = "tsv"


class NewGlossaryV2(Dictionary):
    name: str


class NewGlossaryV3(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    dictionaries: list[Dictionary] = Field(min_length=1)


class GlossaryChangeV3(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    dictionaries: list[Dictionary] | None = None


def pair_of(source_lang: str, target_lang: str) -> str:
    """The Warta source language of a DeepL glossary pair, or DeepL's 400."""
    source = source_language(source_lang)
    if source is None or target_lang.upper().split("-")[0] != "EN":
        raise ProtocolError(
            400,
            f"Unsupported glossary language pair {source_lang}->{target_lang}: this server "
            "has glossaries from Indonesian (ID) and Malay (MS) into English (EN).",
        )
    return source


def read_entries(dictionary: Dictionary) -> tuple[str, dict[str, str]]:
    """The pair's Warta source language and its parsed entries (400 names a bad line)."""
    source = pair_of(dictionary.source_lang, dictionary.target_lang)
    entries = parse_entries(
        dictionary.entries, dictionary.entries_format, source_lang=source, target_lang="en"
    )
    return source, entries


def creation_time(moment: datetime) -> str:
    """DeepL's timestamp: milliseconds and a zone are required by its clients."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def v2_info(info: GlossaryInfo) -> dict[str, Any]:
    return {
        "glossary_id": info.id,
        "name": info.name,
        "ready": True,
        "source_lang": info.source_lang,
        "target_lang": info.target_lang,
        "creation_time": creation_time(info.created_at),
        "entry_count": info.entry_count,
    }


def v3_dictionary(info: GlossaryInfo) -> dict[str, Any]:
    return {
        "source_lang": info.source_lang,
        "target_lang": info.target_lang,
        "entry_count": info.entry_count,
    }


def v3_info(info: GlossaryInfo) -> dict[str, Any]:
    dictionaries = [v3_dictionary(info)] if info.entry_count else []
    return {
        "glossary_id": info.id,
        "name": info.name,
        "creation_time": creation_time(info.created_at),
        "dictionaries": dictionaries,
    }


async def find(store: Store, glossary_id: str, account: str) -> Glossary:
    """The account's glossary with its entries, or DeepL's 404."""
    found = await asyncio.to_thread(get_glossary, store, glossary_id, account)
    if found is None:
        raise NotFound(f"Glossary not found: {glossary_id}.")
    return found


async def glossary_entries(
    store: Store, glossary_ids: list[str], account: str, source: str
) -> dict[str, str]:
    """The entries of the glossaries a translation names, for its source language (a later
    glossary's entry wins); 404 for an unknown one, 400 for one of another language."""
    entries: dict[str, str] = {}
    for glossary_id in glossary_ids:
        glossary = await find(store, glossary_id, account)
        if glossary.source_lang != source:
            raise ProtocolError(
                400,
                f"The glossary {glossary_id} is for {glossary.source_lang.upper()} -> "
                f"{glossary.target_lang.upper()}, not for source_lang {source.upper()}.",
            )
        entries.update(glossary.entries)
    return entries


async def _create(
    store: Store, account: str, name: str, pair: tuple[str, dict[str, str]], max_entries: int
) -> GlossaryInfo:
    """Store a new glossary of ``account`` from its (source language, entries)."""
    source, entries = pair
    return await asyncio.to_thread(
        create_glossary,
        store,
        name=name,
        entries=entries,
        owner=account,
        source_lang=source,
        target_lang="en",
        max_entries=max_entries,
    )


# ----- v2 -------------------------------------------------------------------------------


@router.post("/v2/glossaries", status_code=201, openapi_extra=body_doc(NewGlossaryV2))
async def create_v2(
    request: Request, store: StoreDep, account: Account, settings: SettingsDep
) -> dict[str, Any]:
    """Create a glossary from TSV or CSV entries (DeepL API v2): 201 with its info."""
    body = validate(NewGlossaryV2, await read_params(request), MISSING, INVALID)
    pair = read_entries(body)
    return v2_info(await _create(store, account, body.name, pair, settings.glossary_max_entries))


@router.get("/v2/glossaries")
async def list_v2(store: StoreDep, account: Account) -> dict[str, Any]:
    """The key's glossaries, oldest first (those made through /v1/glossaries too)."""
    found = await asyncio.to_thread(list_glossaries, store, account)
    return {"glossaries": [v2_info(info) for info in found]}


@router.get("/v2/glossaries/{glossary_id}")
async def get_v2(glossary_id: str, store: StoreDep, account: Account) -> dict[str, Any]:
    """One glossary's info."""
    return v2_info(await find(store, glossary_id, account))


@router.get(
    "/v2/glossaries/{glossary_id}/entries",
    response_class=Response,
    responses={200: {"content": {TSV: {}}}},
)
async def entries_v2(glossary_id: str, store: StoreDep, account: Account) -> Response:
    """A glossary's entries as TSV (`Accept: text/tab-separated-values`)."""
    glossary = await find(store, glossary_id, account)
    return Response(format_tsv(glossary.entries), media_type=TSV)


@router.delete("/v2/glossaries/{glossary_id}", status_code=204, response_class=Response)
async def delete_v2(glossary_id: str, store: StoreDep, account: Account) -> Response:
    """Delete a glossary: 204."""
    await _delete(store, glossary_id, account)
    return Response(status_code=204)


async def _delete(store: Store, glossary_id: str, account: str) -> None:
    if not await asyncio.to_thread(delete_glossary, store, glossary_id, account):
        raise NotFound(f"Glossary not found: {glossary_id}.")


# ----- v3 -------------------------------------------------------------------------------


def _only_pair(dictionaries: list[Dictionary]) -> Dictionary:
    if len(dictionaries) != 1:
        raise ProtocolError(
            400,
            "This server keeps one language pair per glossary: send exactly one dictionary "
            "(ID->EN or MS->EN), and make another glossary for the other pair.",
        )
    return dictionaries[0]


@router.post("/v3/glossaries", status_code=201, openapi_extra=body_doc(NewGlossaryV3))
async def create_v3(
    request: Request, store: StoreDep, account: Account, settings: SettingsDep
) -> dict[str, Any]:
    """Create a glossary with one dictionary (DeepL API v3): 201 with its info."""
    body = validate(NewGlossaryV3, await read_params(request), MISSING, INVALID)
    pair = read_entries(_only_pair(body.dictionaries))
    return v3_info(await _create(store, account, body.name, pair, settings.glossary_max_entries))


@router.get("/v3/glossaries")
async def list_v3(store: StoreDep, account: Account) -> dict[str, Any]:
    """The key's glossaries, oldest first, each with its dictionary."""
    found = await asyncio.to_thread(list_glossaries, store, account)
    return {"glossaries": [v3_info(info) for info in found]}


@router.get("/v3/glossaries/{glossary_id}")
async def get_v3(glossary_id: str, store: StoreDep, account: Account) -> dict[str, Any]:
    """One glossary's info."""
    return v3_info(await find(store, glossary_id, account))


def _check_pair(glossary: GlossaryInfo, source_lang: str | None, target_lang: str | None) -> None:
    if not source_lang or not target_lang:
        raise ProtocolError(400, "Parameters 'source_lang' and 'target_lang' are required.")
    if pair_of(source_lang, target_lang) != glossary.source_lang:
        raise NotFound(
            f"The glossary {glossary.id} has no {source_lang}->{target_lang} dictionary; its "
            f"pair is {glossary.source_lang.upper()}->{glossary.target_lang.upper()}."
        )


@router.get("/v3/glossaries/{glossary_id}/entries")
async def entries_v3(
    request: Request, glossary_id: str, store: StoreDep, account: Account
) -> dict[str, Any]:
    """One dictionary's entries as TSV, chosen by `source_lang` and `target_lang`."""
    glossary = await find(store, glossary_id, account)
    query = request.query_params
    _check_pair(glossary, query.get("source_lang"), query.get("target_lang"))
    dictionary = {
        "source_lang": glossary.source_lang,
        "target_lang": glossary.target_lang,
        "entries": format_tsv(glossary.entries),
        "entries_format": "tsv",
    }
    return {"dictionaries": [dictionary]}


@router.patch("/v3/glossaries/{glossary_id}", openapi_extra=body_doc(GlossaryChangeV3))
async def update_v3(
    request: Request, glossary_id: str, store: StoreDep, account: Account, settings: SettingsDep
) -> dict[str, Any]:
    """Rename a glossary and/or merge entries into its dictionary."""
    body = validate(GlossaryChangeV3, await read_params(request), MISSING, INVALID)
    glossary = await find(store, glossary_id, account)
    merge = None
    if body.dictionaries:
        dictionary = _only_pair(body.dictionaries)
        _check_pair(glossary, dictionary.source_lang, dictionary.target_lang)
        merge = read_entries(dictionary)[1]
    info = await asyncio.to_thread(
        partial(update_glossary, max_entries=settings.glossary_max_entries),
        store,
        glossary_id,
        account,
        name=body.name,
        merge=merge,
    )
    if info is None:
        raise NotFound(f"Glossary not found: {glossary_id}.")
    return v3_info(info)


@router.put("/v3/glossaries/{glossary_id}/dictionaries", openapi_extra=body_doc(Dictionary))
async def replace_v3(
    request: Request, glossary_id: str, store: StoreDep, account: Account, settings: SettingsDep
) -> dict[str, Any]:
    """Replace the entries of the glossary's dictionary."""
    body = validate(Dictionary, await read_params(request), MISSING, INVALID)
    glossary = await find(store, glossary_id, account)
    _check_pair(glossary, body.source_lang, body.target_lang)
    entries = read_entries(body)[1]
    limit = settings.glossary_max_entries
    info = await asyncio.to_thread(replace_entries, store, glossary_id, account, entries, limit)
    if info is None:
        raise NotFound(f"Glossary not found: {glossary_id}.")
    return v3_dictionary(info)


@router.delete(
    "/v3/glossaries/{glossary_id}/dictionaries", status_code=204, response_class=Response
)
async def delete_dictionary_v3(
    request: Request, glossary_id: str, store: StoreDep, account: Account
) -> Response:
    """Empty the glossary's dictionary (the glossary stays, with no dictionary): 204."""
    glossary = await find(store, glossary_id, account)
    query = request.query_params
    _check_pair(glossary, query.get("source_lang"), query.get("target_lang"))
    await asyncio.to_thread(replace_entries, store, glossary_id, account, {})
    return Response(status_code=204)


@router.delete("/v3/glossaries/{glossary_id}", status_code=204, response_class=Response)
async def delete_v3(glossary_id: str, store: StoreDep, account: Account) -> Response:
    """Delete a glossary: 204."""
    await _delete(store, glossary_id, account)
    return Response(status_code=204)


def glossary_pairs() -> list[dict[str, str]]:
    """The pairs glossaries can be made for, as ``/v2/glossary-language-pairs`` lists them."""
    return [{"source_lang": source, "target_lang": "en"} for source in SOURCES.values()]


_summaries_from_docstrings(router)
