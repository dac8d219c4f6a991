"""Typed dependencies: the app's state, its services, the request scope and API keys."""

from __future__ import annotations

import hmac
import math
import time
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.middleware import RECEIVED_AT
from app.core.config import Settings
from app.core.errors import ModelNotReady, Unauthorized
from app.runtime.system import Runtime
from app.runtime.work import cache_space
from app.services.batcher import STOPPING
from app.services.detect import LanguageDetector
from app.services.glossaries import GlossaryLookup, stored_glossaries
from app.services.waiting import RequestScope
from app.services.work import Work
from app.store import Store, owner_for_key


def get_state(request: Request) -> Runtime:
    """The app's state (set up by ``create_app``)."""
    state: Runtime = request.app.state.warta
    return state


StateDep = Annotated[Runtime, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    """The server's settings."""
    return state.settings


_bearer = HTTPBearer(auto_error=False, description="One of the keys in WARTA_API_KEYS")
CredentialsDep = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]


def request_scope(request: Request, state: StateDep, credentials: CredentialsDep) -> RequestScope:
    """This request's deadline, a way to notice that its client went away, and its key's
    sentence-cache space."""
    owner = owner_for_key(credentials.credentials) if credentials is not None else None
    return RequestScope(
        deadline=time.monotonic() + state.settings.request_timeout_s,
        disconnected=request.is_disconnected,
        cache_space=cache_space(state.settings, owner),
    )


def get_work(state: StateDep, scope: Annotated[RequestScope, Depends(request_scope)]) -> Work:
    """This request's services, or 503 while models are loading."""
    return state.interactive_work(scope)


def accepting_work(request: Request, state: StateDep) -> None:
    """503 for every ``/v1`` request received in full after the server began stopping;
    those received before it are in flight and run on."""
    received = getattr(request.state, RECEIVED_AT, math.inf)
    if state.stopping_since is not None and received >= state.stopping_since:
        raise ModelNotReady(STOPPING)


def get_detector(state: StateDep) -> LanguageDetector:
    """The language detector, or 503 while it is loading."""
    if not state.ready or state.detector is None:
        raise ModelNotReady("The language detector is not loaded yet; retry in a few seconds.")
    return state.detector


def require_api_key(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> None:
    """401 unless no keys are configured or a configured key is presented."""
    keys = state.settings.api_key_list
    if not keys:
        return
    if credentials is None:
        raise Unauthorized(
            "An API key is required: send the header `Authorization: Bearer YOUR_KEY`.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    given = credentials.credentials.encode()
    # Compare with every key, in constant time, so timing reveals nothing.
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given, key.encode())
    if not matched:
        raise Unauthorized(
            "The API key is not valid; check the key you were given.",
            headers={"WWW-Authenticate": "Bearer"},
        )


def require_metrics_access(state: StateDep, credentials: CredentialsDep) -> None:
    """/metrics is open when nothing is secret (no keys, no metrics token) or an operator
    said so (``WARTA_METRICS_PUBLIC``); otherwise it needs ``WARTA_METRICS_TOKEN`` or one
    of the API keys, as ``Authorization: Bearer``: its counters would tell one key about
    the others' traffic."""
    settings = state.settings
    allowed = [*settings.api_key_list, *filter(None, [settings.metrics_token])]
    if settings.metrics_public or not allowed:
        return
    given = credentials.credentials.encode() if credentials is not None else b""
    matched = False
    for key in allowed:  # every one compared, in constant time
        matched |= hmac.compare_digest(given, key.encode())
    if not matched:
        raise Unauthorized(
            "The metrics need a key: send `Authorization: Bearer TOKEN` with the "
            "WARTA_METRICS_TOKEN or an API key (or set WARTA_METRICS_PUBLIC=true).",
            headers={"WWW-Authenticate": "Bearer"},
        )


def get_owner(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
) -> str | None:
    """Whose jobs and glossaries these are: the presented key's owner id when keys are
    configured (``require_api_key`` has checked it), else ``None``."""
    if not state.settings.api_key_list or credentials is None:
        return None
    return owner_for_key(credentials.credentials)


SettingsDep = Annotated[Settings, Depends(get_settings)]
OwnerDep = Annotated[str | None, Depends(get_owner)]


def get_glossaries(state: StateDep, owner: OwnerDep) -> GlossaryLookup:
    """Resolves a request's ``glossary_id`` among the caller's stored glossaries."""
    return stored_glossaries(lambda: state.store, owner)


GlossariesDep = Annotated[GlossaryLookup, Depends(get_glossaries)]
WorkDep = Annotated[Work, Depends(get_work)]
DetectorDep = Annotated[LanguageDetector, Depends(get_detector)]


def get_store(state: StateDep) -> Store:
    """The store (jobs, documents, glossaries, feeds), or 503 before it is open."""
    if state.store is None:
        raise ModelNotReady("The store is not open yet; retry in a few seconds.")
    return state.store


StoreDep = Annotated[Store, Depends(get_store)]
