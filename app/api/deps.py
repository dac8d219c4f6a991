"""Typed dependencies: the app's state, its services, the request scope and API keys."""

from __future__ import annotations

import hmac
import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.metrics import Metrics
from app.api.middleware import RECEIVED_AT
from app.core.config import Settings
from app.core.errors import ModelNotReady, Unauthorized
from app.engines.base import EngineInfo
from app.engines.loader import Engines
from app.jobs.runner import JobRunner
from app.services.batcher import STOPPING, Driver
from app.services.detect import LanguageDetector
from app.services.glossaries import GlossaryLookup, stored_glossaries
from app.services.translate import TranslationPipeline
from app.services.waiting import RequestScope
from app.services.work import Work, work_through
from app.store import Store, owner_for_key

if TYPE_CHECKING:  # the watcher's modules import the API's schemas
    from app.feeds.watcher import Watcher


@dataclass
class AppState:
    """What the lifespan builds once and every request reads."""

    settings: Settings
    metrics: Metrics
    models: list[EngineInfo] = field(default_factory=list)
    engines: Engines | None = None
    pipeline: TranslationPipeline | None = None
    translation_batcher: Driver | None = None
    summarization_batcher: Driver | None = None
    detector: LanguageDetector | None = None
    ready: bool = False
    store: Store | None = None
    runner: JobRunner | None = None
    watcher: Watcher | None = None
    stopping_since: float | None = None  # time.monotonic() of SIGTERM: new work gets 503

    @property
    def stopping(self) -> bool:
        """True once asked to stop: /readyz and new work answer 503."""
        return self.stopping_since is not None

    def begin_stopping(self) -> None:
        """Refuse new work from now on; requests received before keep running."""
        if self.stopping_since is None:
            self.stopping_since = time.monotonic()
        self.metrics.ready.set(0)

    @property
    def batchers(self) -> list[Driver]:
        """The batchers that are running or were started."""
        return [b for b in (self.translation_batcher, self.summarization_batcher) if b]

    def stop_work(self) -> None:
        """Stop serving model work now: not ready, every waiting request answered 503."""
        self.begin_stopping()
        self.ready = False
        for batcher in self.batchers:
            batcher.close(timeout=0)


def get_state(request: Request) -> AppState:
    """The app's state (set up by ``create_app``)."""
    state: AppState = request.app.state.warta
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    """The server's settings."""
    return state.settings


def request_scope(request: Request, state: StateDep) -> RequestScope:
    """This request's deadline and a way to notice that its client went away."""
    return RequestScope(
        deadline=time.monotonic() + state.settings.request_timeout_s,
        disconnected=request.is_disconnected,
    )


def get_work(state: StateDep, scope: Annotated[RequestScope, Depends(request_scope)]) -> Work:
    """This request's services, or 503 while models are loading."""
    if (
        not state.ready
        or state.engines is None
        or state.pipeline is None
        or state.translation_batcher is None
        or state.detector is None
    ):
        raise ModelNotReady("The models are not loaded yet; retry in a few seconds.")
    summary = state.summarization_batcher
    return work_through(
        state.pipeline,
        state.translation_batcher.runner(scope),
        state.detector,
        state.engines,
        summary.runner(scope) if summary is not None else None,
    )


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


_bearer = HTTPBearer(auto_error=False, description="One of the keys in WARTA_API_KEYS")


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
