"""The ingress's view of the model deployments: each one as an engine (its tokenizer
here, for planning; its generation there) and as a driver that hands each request's
units to a replica, whose own batcher merges them with other requests' units.

Nothing batches here: calls from concurrent requests spread over the replicas, and each
replica batches what reaches it, exactly as ``warta serve`` batches what reaches it.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ray.exceptions import RayActorError, RayTaskError
from ray.serve.exceptions import BackPressureError, DeploymentUnavailableError
from ray.serve.handle import DeploymentHandle, DeploymentResponse

from app.core.errors import DeadlineExceeded, ModelNotReady, Overloaded, WartaError
from app.engines.base import EngineInfo, GenerationOptions, count_input_tokens
from app.services.waiting import RequestScope

# A replica enforces the request's deadline itself (and answers 504 in the API's
# words); the ingress stops waiting only this much later, for a call that never
# reached a replica (all of them busy).
DEADLINE_GRACE_S = 1.0
DEADLINE_MESSAGE = (
    "The request took longer than its deadline (WARTA_REQUEST_TIMEOUT_S); "
    "send less text per request or retry when the server is less busy."
)


@dataclass(frozen=True)
class ModelCard:
    """What a model replica tells the ingress once: what it runs, its input limit, and
    its tokenizer's files (so the ingress plans units without the model's weights)."""

    info: EngineInfo
    max_input_tokens: int
    tokenizer_files: dict[str, bytes]
    load_seconds: float


def load_tokenizer(files: dict[str, bytes]) -> Any:
    """The tokenizer saved in ``files`` (names -> contents), loaded as the engines load
    theirs."""
    from transformers import AutoTokenizer

    with tempfile.TemporaryDirectory(prefix="warta-tokenizer-") as directory:
        for name, content in files.items():
            (Path(directory) / name).write_bytes(content)
        return AutoTokenizer.from_pretrained(directory)


class RemoteEngine:
    """A model deployment as a ``Seq2SeqEngine``: tokens are counted here with the
    model's own tokenizer; generation runs on a replica."""

    def __init__(self, handle: DeploymentHandle[Any], card: ModelCard) -> None:
        self.info = card.info
        self.max_input_tokens = card.max_input_tokens
        self._handle = handle
        self._tokenizer = load_tokenizer(card.tokenizer_files)
        self._lock = threading.Lock()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Input tokens per text, special tokens included (as the replica counts them)."""
        return count_input_tokens(self._tokenizer, self._lock, texts)

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """One output per text; blocks, so only for callers off the event loop (the
        start-up warm-up). Requests go through ``RemoteDriver``."""
        lengths = self.count_tokens(texts)
        response = self._handle.generate.remote(list(texts), lengths, options, None)
        return list(response.result())


class RemoteDriver:
    """The server's driver for a model deployment (see ``app.services.batcher.Driver``)."""

    def __init__(self, handle: DeploymentHandle[Any], role: str) -> None:
        self._handle = handle
        self._role = role
        self._in_flight = 0
        self._closed = False

    @property
    def queue_depth(self) -> int:
        """Units this ingress has sent and not yet had back."""
        return self._in_flight

    @property
    def working(self) -> bool:
        """True while units sent by this ingress are still out on replicas."""
        return self._in_flight > 0

    def close(self, timeout: float = 10.0) -> None:
        """Accept no more work; replicas finish what they have."""
        self._closed = True

    async def submit(
        self,
        texts: Sequence[str],
        lengths: Sequence[int],
        options: GenerationOptions,
        scope: RequestScope | None = None,
    ) -> list[str]:
        """Generate one output per text on a replica; same order as ``texts``."""
        if self._closed:
            raise ModelNotReady("The server is shutting down; retry.")
        if not texts:
            return []
        left = _time_left(scope)
        priority = scope.priority if scope is not None else "interactive"
        space = scope.cache_space if scope is not None else ""
        response = self._handle.generate.remote(
            list(texts), list(lengths), options, left, priority, space
        )
        assert isinstance(response, DeploymentResponse)  # a unary method, not a stream
        self._in_flight += len(texts)
        try:
            wait = None if left is None else left + DEADLINE_GRACE_S
            return await asyncio.wait_for(_outputs(response), wait)
        except TimeoutError:
            raise DeadlineExceeded(DEADLINE_MESSAGE) from None
        except Exception as exc:  # noqa: BLE001 - mapped to the API's errors, or re-raised
            raise domain_error(exc, self._role) from None
        finally:
            self._in_flight -= len(texts)


def _time_left(scope: RequestScope | None) -> float | None:
    """Seconds until the request's deadline (clocks differ between machines, so a
    replica is told a duration, not a time)."""
    if scope is None or scope.deadline is None:
        return None
    left = scope.deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded(DEADLINE_MESSAGE)
    return left


async def _outputs(response: DeploymentResponse[Any]) -> list[str]:
    try:
        return list(await response)
    except asyncio.CancelledError:  # the client left or the deadline passed
        response.cancel()
        raise


def domain_error(exc: Exception, role: str) -> Exception:
    """The error the API answers with for a failed call to a model deployment: the
    replica's own domain error, 429 when the deployment's queue is full, 503 when no
    replica is up; anything else stays an unexpected error."""
    if isinstance(exc, RayTaskError) and isinstance(exc.cause, WartaError):
        return exc.cause
    if isinstance(exc, BackPressureError):
        return Overloaded(f"The server is busy (the {role} model's queue is full); retry shortly.")
    if isinstance(exc, DeploymentUnavailableError | RayActorError):
        return ModelNotReady(
            f"The {role} model is not available right now (its replicas are starting or "
            "restarting); retry in a few seconds."
        )
    return exc
