"""``/v1/glossaries``: stored glossaries, applied to a request by its ``glossary_id``.

Create one from JSON (`name`, `entries`) or a TSV/CSV upload; a key sees and changes only
its own glossaries (another key's is a 404, as a missing one is).
"""

from __future__ import annotations

import asyncio
import json
import re
from functools import partial
from pathlib import PurePath
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.api.deps import OwnerDep, SettingsDep, StoreDep, require_api_key
from app.api.glossary_schemas import (
    UPLOAD_FORM,
    GlossaryCreate,
    GlossaryDetail,
    GlossaryList,
    GlossaryOut,
    GlossaryPatch,
    GlossaryReplace,
)
from app.api.jobs import read_form
from app.api.routes import _summaries_from_docstrings
from app.contract.schemas import error_responses
from app.core.config import Settings
from app.core.errors import InvalidInput, TextTooLong
from app.services.glossaries import not_found
from app.store import (
    GlossaryInfo,
    create_glossary,
    delete_glossary,
    get_glossary,
    list_glossaries,
    replace_entries,
    update_glossary,
)
from app.store.glossaries import MAX_NAME_CHARS
from app.text.entries import (
    MAX_ENTRIES_BYTES,
    check_count,
    check_entries,
    format_tsv,
    parse_entries,
)

GLOSSARY_ID = re.compile(r"g-[0-9a-f]{32}")  # what create_glossary hands out
Body = TypeVar("Body", bound=BaseModel)


def _upload_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a route that takes JSON or a TSV/CSV upload."""
    content = {
        "application/json": {"schema": model.model_json_schema()},
        "multipart/form-data": {"schema": UPLOAD_FORM},
    }
    return {"requestBody": {"required": True, "content": content}}


def _json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a route that reads its JSON itself (see ``_parse``)."""
    content = {"application/json": {"schema": model.model_json_schema()}}
    return {"requestBody": {"required": True, "content": content}}


router = APIRouter(
    prefix="/v1",
    tags=["glossaries"],
    dependencies=[Depends(require_api_key)],
    responses=error_responses(401, 422, 503),
)


@router.post(
    "/glossaries",
    status_code=201,
    response_model=GlossaryOut,
    responses=error_responses(413),
    openapi_extra=_upload_body(GlossaryCreate),
)
async def create(
    request: Request, store: StoreDep, owner: OwnerDep, settings: SettingsDep
) -> GlossaryOut:
    """Store a glossary; 201 with its id, to send as `glossary_id`.

    Send JSON (`name`, `entries`: an object of source term -> English) or upload a UTF-8
    TSV or CSV file as `file` (one `source<TAB>target` or `source,target` pair per line)
    with `name` (and optionally `entries_format`: `tsv` or `csv`) as form fields. A bad
    line is named by its number; no term may be empty or appear twice.
    """
    name, entries = await _read(request, GlossaryCreate, settings)
    if name is None:
        raise InvalidInput("Send the glossary's name as the form field `name`.")
    info = await asyncio.to_thread(
        partial(create_glossary, max_entries=settings.glossary_max_entries),
        store,
        name=name,
        entries=entries,
        owner=owner,
    )
    return GlossaryOut.of(info)


@router.get("/glossaries", response_model=GlossaryList)
async def glossaries(store: StoreDep, owner: OwnerDep) -> GlossaryList:
    """List your glossaries, oldest first (without their entries)."""
    found = await asyncio.to_thread(list_glossaries, store, owner)
    return GlossaryList(glossaries=[GlossaryOut.of(info) for info in found])


@router.get(
    "/glossaries/{glossary_id}", response_model=GlossaryDetail, responses=error_responses(404)
)
async def glossary(glossary_id: str, store: StoreDep, owner: OwnerDep) -> GlossaryDetail:
    """One of your glossaries with its entries, in the order they were given."""
    found = None
    if GLOSSARY_ID.fullmatch(glossary_id):
        found = await asyncio.to_thread(get_glossary, store, glossary_id, owner)
    if found is None:
        raise not_found(glossary_id)
    return GlossaryDetail.of_glossary(found)


@router.get(
    "/glossaries/{glossary_id}/entries",
    response_class=Response,
    responses={200: {"content": {"text/tab-separated-values": {}}}, **error_responses(404)},
)
async def entries_tsv(glossary_id: str, store: StoreDep, owner: OwnerDep) -> Response:
    """A glossary's entries as a TSV file, one `source<TAB>target` line each."""
    found = (await glossary(glossary_id, store, owner)).entries
    return Response(format_tsv(found), media_type="text/tab-separated-values; charset=utf-8")


@router.put(
    "/glossaries/{glossary_id}",
    response_model=GlossaryOut,
    responses=error_responses(404, 413),
    openapi_extra=_upload_body(GlossaryReplace),
)
async def replace(
    glossary_id: str, request: Request, store: StoreDep, owner: OwnerDep, settings: SettingsDep
) -> GlossaryOut:
    """Replace all entries of a glossary (and rename it when `name` is given).

    The same bodies as creating one: JSON `entries` (and `name`), or a TSV/CSV upload.
    """
    name, entries = await _read(request, GlossaryReplace, settings)
    if name is not None:
        _check_name(name)  # before anything is written: a bad name changes nothing
    if not GLOSSARY_ID.fullmatch(glossary_id):
        raise not_found(glossary_id)

    def change() -> GlossaryInfo | None:
        if name is not None and update_glossary(store, glossary_id, owner, name=name) is None:
            return None
        return replace_entries(store, glossary_id, owner, entries, settings.glossary_max_entries)

    return GlossaryOut.of(_found(glossary_id, await asyncio.to_thread(change)))


@router.patch(
    "/glossaries/{glossary_id}",
    response_model=GlossaryOut,
    responses=error_responses(404, 413),
    openapi_extra=_json_body(GlossaryPatch),
)
async def patch(
    glossary_id: str, request: Request, store: StoreDep, owner: OwnerDep, settings: SettingsDep
) -> GlossaryOut:
    """Rename a glossary and/or merge entries into it: a term it has gets the new target,
    new terms go last."""
    body = _parse(await request.body(), GlossaryPatch)
    merge = None if body.entries is None else check_entries(body.entries)
    info = None
    if GLOSSARY_ID.fullmatch(glossary_id):
        info = await asyncio.to_thread(
            partial(update_glossary, max_entries=settings.glossary_max_entries),
            store,
            glossary_id,
            owner,
            name=body.name,
            merge=merge,
        )
    return GlossaryOut.of(_found(glossary_id, info))


@router.delete("/glossaries/{glossary_id}", status_code=204, responses=error_responses(404))
async def delete(glossary_id: str, store: StoreDep, owner: OwnerDep) -> Response:
    """Delete a glossary; requests naming it afterwards get 404 (queued jobs keep the
    entries they were submitted with)."""
    deleted = False
    if GLOSSARY_ID.fullmatch(glossary_id):
        deleted = await asyncio.to_thread(delete_glossary, store, glossary_id, owner)
    if not deleted:
        raise not_found(glossary_id)
    return Response(status_code=204)


def _found(glossary_id: str, info: GlossaryInfo | None) -> GlossaryInfo:
    if info is None:
        raise not_found(glossary_id)
    return info


def _check_name(name: str) -> None:
    """The store's rules for a name, checked before a change writes anything."""
    size = len(name.strip())
    if not size:
        raise InvalidInput("The glossary name is empty: give it a name.")
    if size > MAX_NAME_CHARS:
        raise InvalidInput(
            f"The glossary name has {size} characters; the limit is {MAX_NAME_CHARS}."
        )


async def _read(
    request: Request, model: type[GlossaryCreate] | type[GlossaryReplace], settings: Settings
) -> tuple[str | None, dict[str, str]]:
    """The name (``None`` when not sent) and checked entries of a JSON body or a TSV/CSV
    upload."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        name, entries = await _read_upload(request)
    else:
        body = _parse(await request.body(), model)
        if not body.entries:
            raise InvalidInput("`entries` is empty: give at least one source and target term.")
        name, entries = body.name, check_entries(body.entries)
    check_count(entries, settings.glossary_max_entries)
    return name, entries


async def _read_upload(request: Request) -> tuple[str | None, dict[str, str]]:
    async with read_form(request) as (upload, fields):
        name = fields.pop("name", None)
        entries_format = fields.pop("entries_format", None)
        if fields:
            raise InvalidInput(
                f"Unknown form field `{sorted(fields)[0]}`: send `file`, `name` and "
                "`entries_format`."
            )
        if entries_format is None:
            suffix = PurePath(upload.filename or "").suffix.lower()
            entries_format = "csv" if suffix == ".csv" else "tsv"
        if entries_format not in ("tsv", "csv"):
            raise InvalidInput("The form field `entries_format` must be `tsv` or `csv`.")
        data = await upload.read(MAX_ENTRIES_BYTES + 1)
    if len(data) > MAX_ENTRIES_BYTES:
        raise TextTooLong(
            f"The glossary file is over {MAX_ENTRIES_BYTES} bytes; split it into several."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("The glossary file is not UTF-8 text; save it as UTF-8.") from None
    return name, parse_entries(text, "csv" if entries_format == "csv" else "tsv")


def _parse(raw: bytes, model: type[Body]) -> Body:
    """``raw`` JSON as ``model``; a key sent twice (a term given twice) is a 422, not the
    last one silently kept."""
    try:
        data = json.loads(raw, object_pairs_hook=_no_repeated_keys)
    except RecursionError:
        raise InvalidInput("The JSON body is nested too deeply to read.") from None
    except UnicodeDecodeError:
        raise InvalidInput("The request body is not valid UTF-8; send JSON as UTF-8.") from None
    except ValueError as exc:
        raise InvalidInput(f"Invalid request: the body is not valid JSON ({exc}).") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise InvalidInput(
                f"The JSON body has the key {key!r} twice; each source term may appear once."
            )
        found[key] = value
    return found


_summaries_from_docstrings(router)
