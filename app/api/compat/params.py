"""Reading a compatible API's parameters as its clients send them: the query string and a
JSON, urlencoded or multipart body, as one dict; checked against a pydantic model with
errors in the protocol's words."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.compat.common import ProtocolError

MAX_FORM_FIELDS = 1000

M = TypeVar("M", bound=BaseModel)


async def read_params(request: Request, max_bytes: int | None = None) -> dict[str, Any]:
    """A request's parameters from its query string and its body (JSON, urlencoded or
    multipart form); the body wins. A form key sent several times (or as ``key[]``) gives
    a list, once a string; JSON keeps its own types."""
    params = _merge(request.query_params.multi_items())
    body = await request.body()
    if max_bytes is not None and len(body) > max_bytes:
        raise ProtocolError(
            413,
            f"The request body has {len(body)} bytes; the limit is {max_bytes}. "
            "Send fewer or shorter texts per request.",
        )
    if body.strip():
        params.update(await _body_params(request, body))
    # An empty value is no value: both protocols treat `source_lang=` like a missing one.
    return {key: value for key, value in params.items() if value != ""}


async def _body_params(request: Request, body: bytes) -> dict[str, Any]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json") or (not media and _looks_json(body)):
        return _json_object(body)
    if media == "multipart/form-data":
        return _merge(await _multipart(request))
    if media in ("application/x-www-form-urlencoded", ""):
        return _merge(_urlencoded(body))
    raise ProtocolError(
        400,
        f"A body of type {media} cannot be read: send JSON (application/json) or a form "
        "(application/x-www-form-urlencoded).",
    )


def _looks_json(body: bytes) -> bool:
    return body.lstrip()[:1] == b"{"


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError as exc:  # also bad UTF-8
        raise ProtocolError(400, f"The body is not valid JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise ProtocolError(400, "The JSON body must be an object of parameters.")
    return data


def _urlencoded(body: bytes) -> list[tuple[str, str]]:
    try:
        return parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=MAX_FORM_FIELDS,
        )
    except UnicodeDecodeError:
        raise ProtocolError(400, "The form is not UTF-8 encoded text.") from None
    except ValueError:
        raise ProtocolError(
            400, f"The form has more than {MAX_FORM_FIELDS} fields; send fewer."
        ) from None


async def _multipart(request: Request) -> list[tuple[str, str]]:
    try:
        form = await request.form(max_fields=MAX_FORM_FIELDS)
    except StarletteHTTPException as exc:
        raise ProtocolError(400, f"The form could not be read: {exc.detail}") from None
    items = []
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            raise ProtocolError(
                400, f"'{key}' is a file; this endpoint takes text parameters only."
            )
        items.append((key, value))
    return items


def _merge(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    values: dict[str, list[str]] = {}
    listed: set[str] = set()
    for key, value in items:
        if key.endswith("[]"):
            key = key[:-2]
            listed.add(key)
        values.setdefault(key, []).append(value)
    return {
        key: found if len(found) > 1 or key in listed else found[0] for key, found in values.items()
    }


def validate(model: type[M], params: dict[str, Any], missing: str, invalid: str) -> M:
    """``params`` as ``model``, or a 400 in the protocol's words: ``missing`` and
    ``invalid`` are templates for the first problem's parameter name (``{name}``) and
    pydantic's explanation (``{why}``)."""
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "body"
        template = missing if error["type"] == "missing" else invalid
        raise ProtocolError(400, template.format(name=name, why=error["msg"])) from None


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI request body of an adapter route: the same fields as JSON or as a form."""
    schema = model.model_json_schema()
    content = {
        "application/json": {"schema": schema},
        "application/x-www-form-urlencoded": {"schema": schema},
    }
    return {"requestBody": {"required": True, "content": content}}
