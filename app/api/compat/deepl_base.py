"""What every DeepL route shares: its key header, its error shape and its languages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

from app.api.compat.common import ProtocolError, key_account, shaped_route
from app.api.deps import StateDep, accepting_work
from app.api.shapes import deepl_shape
from app.core.errors import Unauthorized
from app.engines.families import SOURCE_LANGUAGES

TARGETS = {"EN": "EN-GB", "EN-GB": "EN-GB", "EN-US": "EN-US"}  # all three mean English here
SOURCES = {"ID": "id", "MS": "ms"}  # what glossaries are listed for
# What source_lang may name: also the regional languages, where the loaded model has them.
SOURCE_CODES = {code.upper(): code for code in SOURCE_LANGUAGES}
REGIONAL = [code.upper() for code in SOURCE_LANGUAGES if code not in ("id", "ms")]
MISSING = "Parameter '{name}' not specified."
INVALID = "Value for '{name}' not supported: {why}."


def deepl_error(status: int, message: str, headers: dict[str, str]) -> Response:
    """An error as DeepL answers it (a bad key is 403 there, every invalid request 400)."""
    status, body = deepl_shape(status, message)
    return JSONResponse(body, status_code=status, headers=headers or None)


class DeepLError(BaseModel):
    message: str = Field(examples=["Value for 'target_lang' not supported."])


def deepl_router(tag: str, *statuses: int) -> APIRouter:
    """A router whose routes speak DeepL's errors (``statuses`` documented besides 400,
    403 and 503) and refuse new work once the server is stopping."""
    return APIRouter(
        tags=[tag],
        dependencies=[Depends(accepting_work)],
        route_class=shaped_route(deepl_error),
        responses={status: {"model": DeepLError} for status in (400, 403, 503, *statuses)},
    )


_auth_header = APIKeyHeader(
    name="Authorization",
    scheme_name="DeepLAuthKey",
    description="`DeepL-Auth-Key KEY` (or `Bearer KEY`): one of the keys in WARTA_API_KEYS",
    auto_error=False,
)


def deepl_account(
    state: StateDep, authorization: Annotated[str | None, Security(_auth_header)]
) -> str:
    """The account of the key in ``Authorization``; 403 when keys are set and it is not one."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    given = value.strip() if scheme.lower() in ("deepl-auth-key", "bearer") else None
    account = key_account(state.settings, given)
    if account is None:
        raise Unauthorized(
            "The key is missing or not valid: send the header "
            "`Authorization: DeepL-Auth-Key YOUR_KEY` with a key this server accepts."
        )
    return account


Account = Annotated[str, Security(deepl_account)]


def source_language(source_lang: str | None, name: str = "source_lang") -> str | None:
    """The source language (None: detect each text), or DeepL's 400."""
    if not source_lang:
        return None
    source = SOURCE_CODES.get(source_lang.upper())
    if source is None:
        raise ProtocolError(
            400,
            f"Value for '{name}' not supported: this server translates from Indonesian "
            f"(ID), Malay (MS) and, where its model has them, {', '.join(REGIONAL)}; leave "
            f"{name} out to detect the language.",
        )
    return source


def target_language(target_lang: str, name: str = "target_lang") -> str:
    """The English variant asked for (``EN`` is British, as at DeepL), or DeepL's 400."""
    target = TARGETS.get(target_lang.upper())
    if target is None:
        raise ProtocolError(
            400,
            f"Value for '{name}' not supported: this server translates into English "
            "only (EN, EN-US or EN-GB).",
        )
    return target
