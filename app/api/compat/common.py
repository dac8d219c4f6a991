"""What the DeepL and LibreTranslate adapters share: their keys, answering errors in a
protocol's own shape, and one coalesced translation through the server's batcher (their
parameters are read by ``app.api.compat.params``).

Both adapters are thin: they parse their protocol, build a ``CompatJob`` and shape the
answer. The job goes through the same pipeline, batcher, cache and limits as ``/v1``.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from prometheus_client import Counter
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from app.api.deps import get_work
from app.api.gate import BodyRefused
from app.contract.problems import describe_problems
from app.core.config import Settings
from app.core.errors import WartaError
from app.engines import families
from app.runtime.metrics import Metrics
from app.runtime.system import Runtime
from app.runtime.work import cache_space
from app.services.coalesce import Abandoned, Coalescer
from app.services.detect import Detection, LanguageDetector
from app.services.options import PLAIN, TextOptions
from app.services.translate import INLINE_PLAN_CHARS, detection_text, translate_detected
from app.services.usage import UsageCounter
from app.services.waiting import RequestScope
from app.store import owner_for_key

log = logging.getLogger(__name__)

# How long a translation whose clients all left goes on waiting for one of them to send the
# same request again (the DeepL SDKs retry at once after their 10 s timeout).
RETRY_GRACE_S = 10.0
# The languages translated into English where the loaded model has them (the adapters'
# lists show the model's own: app.api.languages); anything else is not a source.
SOURCE_LANGUAGES = families.SOURCE_LANGUAGES
LANGUAGE_NAMES = families.LANGUAGE_NAMES


class ProtocolError(WartaError):
    """An error whose status and message a protocol prescribes."""

    code = "bad_request"

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CompatJob:
    """One compatible-API translation: everything that decides its result, which makes it
    the key under which identical requests share one computation."""

    api: str
    account: str
    texts: tuple[str, ...]
    source: str  # "auto", or one of SOURCE_LANGUAGES
    options: tuple[tuple[str, str], ...] = ()  # every other option sent, normalised
    text_options: TextOptions = PLAIN  # markup, ignored tags, a stored glossary's entries


@dataclass(frozen=True)
class Translated:
    """One text's translation and its (given or detected) language."""

    text: str
    language: str
    confidence: float  # of the detection; 1.0 when the caller named the language


class CompatState:
    """Per-app state of the compatible APIs: usage, in-flight requests, their metrics."""

    def __init__(self, metrics: Metrics, usage: UsageCounter) -> None:
        self.usage = usage
        self.coalescer: Coalescer[list[Translated]] = Coalescer(RETRY_GRACE_S)
        self.coalesced = Counter(
            "warta_compat_coalesced",
            "Compatible-API requests that joined an identical request already in flight",
            ["api"],
            registry=metrics.registry,
        )
        self.characters = Counter(
            "warta_compat_characters",
            "Characters of text translated through each compatible API",
            ["api"],
            registry=metrics.registry,
        )


def get_compat(request: Request) -> CompatState:
    """The compatible APIs' state (set up by ``create_app``)."""
    compat: CompatState = request.app.state.compat
    return compat


CompatDep = Annotated[CompatState, Depends(get_compat)]


async def translate_job(
    request: Request, state: Runtime, compat: CompatState, job: CompatJob
) -> list[Translated]:
    """Translate ``job``'s texts, sharing the work with identical requests in flight, and
    count the characters against its account."""

    async def compute(abandoned: Abandoned) -> list[Translated]:
        return await _translate(state, job, abandoned)

    def joined() -> None:
        compat.coalesced.labels(job.api).inc()

    results = await compat.coalescer.run(job, compute, request.is_disconnected, joined)
    characters = sum(len(text) for text in job.texts)
    await compat.usage.add(job.account, characters)
    compat.characters.labels(job.api).inc(characters)
    return results


async def _translate(state: Runtime, job: CompatJob, abandoned: Abandoned) -> list[Translated]:
    # The work outlives the request that started it: it stops at the server's deadline or
    # when every client waiting for it has gone (see app.services.coalesce).
    scope = RequestScope(
        deadline=time.monotonic() + state.settings.request_timeout_s,
        disconnected=abandoned,
        cache_space=cache_space(state.settings, job.account),
    )
    work = get_work(state, scope)
    options = job.text_options
    read = [detection_text(t, options) for t in job.texts] if job.source == "auto" else job.texts
    detections = await detect_texts(work.detector, read, job.source)
    groups: dict[str, list[int]] = {}
    for i, detection in enumerate(detections):
        groups.setdefault(detection.language, []).append(i)
    # Each language's texts go to the one service with their language named, so it decides
    # what is translated and what comes back unchanged, and nothing is detected twice.
    parts = await asyncio.gather(
        *(
            translate_detected(
                work.translate, work.detector, [job.texts[i] for i in found], lang, options
            )
            for lang, found in groups.items()
        )
    )
    texts = [""] * len(job.texts)
    for found, part in zip(groups.values(), parts, strict=True):
        for i, (result, _) in zip(found, part, strict=True):
            texts[i] = result.text
    return [Translated(t, d.language, d.confidence) for t, d in zip(texts, detections, strict=True)]


async def detect_texts(
    detector: LanguageDetector, texts: Sequence[str], source: str
) -> list[Detection]:
    """Each text's language and confidence: detected for ``auto``, else as named."""
    if source != "auto":
        return [Detection(source, 1.0)] * len(texts)
    if sum(len(text) for text in texts) <= INLINE_PLAN_CHARS:
        return detector.detect_many(texts)
    return await asyncio.to_thread(detector.detect_many, texts)


def key_account(settings: Settings, given: str | None) -> str | None:
    """The account a request counts against: the owner id of its key when keys are
    configured (None when it is missing or wrong), else the one owner of a server without
    keys (""). Owner ids are digests (``owner_for_key``), so no key is kept anywhere."""
    keys = settings.api_key_list
    if not keys:
        return owner_for_key(None)
    if not given:
        return None
    matched = None
    for key in keys:  # every key compared, in constant time, so timing reveals nothing
        if hmac.compare_digest(given.encode(), key.encode()):
            matched = key
    return owner_for_key(matched) if matched is not None else None


Answer = Callable[[int, str, dict[str, str]], Response]


def shaped_route(answer: Answer) -> type[APIRoute]:
    """A route class whose every error is answered by ``answer(status, message, headers)``
    (Warta's own status for it), so one adapter's routes speak its protocol's errors."""

    class ShapedRoute(APIRoute):
        served: ClassVar[dict[str, set[str]]] = {}  # path -> methods, over this class's routes

        def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
            super().__init__(path, endpoint, **kwargs)
            self.served.setdefault(self.path, set()).update(self.methods or ())

        async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
            if self.methods and scope["method"] not in self.methods:
                allowed = ", ".join(sorted(self.served[self.path]))
                message = f"{scope['method']} is not accepted here; use {allowed}."
                response = answer(405, message, {"Allow": allowed})
                await response(scope, receive, send)
                return
            await super().handle(scope, receive, send)

        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def handle(request: Request) -> Response:
                try:
                    return await handler(request)
                except (ClientDisconnect, BodyRefused):
                    raise  # answered at the edge: the client left, or its body was refused
                except Exception as exc:  # noqa: BLE001 - every error gets the protocol's shape
                    return answer(*_classify(exc, request))

            return handle

    return ShapedRoute


def _classify(exc: Exception, request: Request) -> tuple[int, str, dict[str, str]]:
    if isinstance(exc, WartaError):
        return exc.status, exc.message, exc.headers
    if isinstance(exc, RequestValidationError):
        return 422, describe_problems(exc.errors()), {}
    if isinstance(exc, StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "The request was not accepted."
        return exc.status_code, detail, dict(exc.headers or {})
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return 500, "The server failed to handle this request; it has been logged.", {}
