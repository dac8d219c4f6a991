"""Which protocol a request path speaks, and an error in that protocol's shape.

Warta's own routes answer ``{"error": {"code", "message"}}``; DeepL's clients read
``{"message"}`` (a bad key is 403, an invalid request 400) and LibreTranslate's
``{"error"}`` (403 for a bad key, 400 for anything invalid or too long, 429 "Slowdown:").
Errors raised before a route runs (by the connection guard, the body reader, the upload
gate, an unknown path) are shaped here from the path alone, so a compatible client reads
them as it reads its own server's.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any, Literal

Protocol = Literal["warta", "deepl", "libretranslate"]

DEEPL_PREFIXES = ("/v2/", "/v3/")
LIBRE_PATHS = frozenset(
    {"/translate", "/detect", "/languages", "/translate_file", "/frontend/settings"}
)
LIBRE_PREFIXES = ("/download_file/",)


def protocol_of(path: str, apis: Collection[str]) -> Protocol:
    """The protocol whose errors a request to ``path`` expects (``apis``: those served)."""
    if "deepl" in apis and path.startswith(DEEPL_PREFIXES):
        return "deepl"
    if "libretranslate" in apis and (path in LIBRE_PATHS or path.startswith(LIBRE_PREFIXES)):
        return "libretranslate"
    return "warta"


def deepl_shape(status: int, message: str) -> tuple[int, dict[str, Any]]:
    """DeepL's answer for Warta's ``status``: a bad key is 403 there, an invalid one 400."""
    return {401: 403, 422: 400}.get(status, status), {"message": message}


def libre_shape(status: int, message: str) -> tuple[int, dict[str, Any]]:
    """LibreTranslate's answer for Warta's ``status``: 400 for anything invalid or too
    long, 403 for a key, and a 429 that starts ``Slowdown:`` as its clients expect."""
    status = {401: 403, 413: 400, 422: 400}.get(status, status)
    if status == 429 and not message.startswith("Slowdown:"):
        message = f"Slowdown: {message}"
    return status, {"error": message}


def shaped(protocol: Protocol, status: int, code: str, message: str) -> tuple[int, dict[str, Any]]:
    """(status, body) of an error in ``protocol``'s shape."""
    if protocol == "deepl":
        return deepl_shape(status, message)
    if protocol == "libretranslate":
        return libre_shape(status, message)
    return status, {"error": {"code": code, "message": message}}


def shaped_bytes(
    path: str, apis: Collection[str], status: int, code: str, message: str
) -> tuple[int, bytes]:
    """(status, JSON bytes) of an error for a request to ``path``."""
    status, body = shaped(protocol_of(path, apis), status, code, message)
    return status, json.dumps(body, separators=(",", ":")).encode()
