"""A model replica: one copy of one model (translation or summarisation) behind the
server's own driver, the sentence cache and the cross-request batcher. Every request
routed to the replica joins its batches, as it would join ``warta serve``'s."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ray
from ray import serve

from app.core.config import Settings
from app.engines.base import GenerationOptions
from app.engines.loader import engine_for
from app.engines.model_files import locate_model
from app.runtime.system import Runtime
from app.scale.remote import ModelCard
from app.services.scheduling import Priority
from app.services.waiting import RequestScope


def replica_threads() -> int:
    """CPU threads for this replica's model: the CPUs Ray reserved for it (at least 1),
    so replicas sharing a node do not fight over its cores."""
    context = ray.get_runtime_context()
    reserved = context.get_assigned_resources().get("CPU", 0.0)
    return max(1, int(reserved))


def pack_tokenizer(settings: Settings, role: str) -> dict[str, bytes]:
    """The model's tokenizer as files (name -> contents), as ``save_pretrained`` writes it."""
    from transformers import AutoTokenizer

    model, revision = settings.model_for(role)
    tokenizer = AutoTokenizer.from_pretrained(str(locate_model(model, role, revision=revision)))
    with tempfile.TemporaryDirectory(prefix="warta-tokenizer-") as directory:
        tokenizer.save_pretrained(directory)
        return {path.name: path.read_bytes() for path in Path(directory).iterdir()}


class ModelReplica:
    """One model of the Serve application (bound once per role, see ``app.scale.serve``).

    ``overrides`` are ``Settings`` fields on top of the replica's ``WARTA_*`` environment;
    the model's CPU threads are the replica's reserved CPUs unless ``threads`` is set.
    """

    def __init__(self, role: str, overrides: dict[str, Any]) -> None:
        settings = Settings(**overrides)
        settings = settings.model_copy(update={"threads": settings.threads or replica_threads()})
        started = time.perf_counter()
        engine = engine_for(settings, role)
        load_seconds = time.perf_counter() - started
        self._runtime = Runtime(settings)
        self._driver = self._runtime.start_model(engine, role, load_seconds)
        self._card = ModelCard(
            engine.info, engine.max_input_tokens, pack_tokenizer(settings, role), load_seconds
        )
        self._role = role

    def describe(self) -> ModelCard:
        """What the ingress needs to plan units for this model."""
        return self._card

    async def generate(
        self,
        texts: Sequence[str],
        lengths: Sequence[int],
        options: GenerationOptions,
        timeout_s: float | None,
        priority: Priority = "interactive",
        cache_space: str = "",
    ) -> list[str]:
        """One output per text, through this replica's batcher at the caller's priority,
        within ``timeout_s``, with the caller's sentence-cache space (its key's own)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        scope = RequestScope(deadline, priority=priority, cache_space=cache_space)
        return await self._driver.submit(texts, lengths, options, scope)

    def stats(self) -> dict[str, Any]:
        """This replica's id and the model inputs it has generated (warm-up excluded)."""
        registry, labels = self._runtime.metrics.registry, {"role": self._role}
        return {
            "replica": serve.get_replica_context().replica_id.unique_id,
            "units": int(registry.get_sample_value("warta_batch_size_sum", labels) or 0),
            "batches": int(registry.get_sample_value("warta_batch_size_count", labels) or 0),
        }

    def __del__(self) -> None:
        """Serve calls this when the replica stops: waiting requests get a 503."""
        runtime = getattr(self, "_runtime", None)
        if runtime is not None:
            runtime.stop_work()
