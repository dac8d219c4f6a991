"""The translation memory: model inputs already translated (by any process on the same
database) are answered from the store, and only the rest reach the model.

It wraps a ``GenerateUnits`` (what the pipeline hands each model input to), so
everything the pipeline does around the model (planning, protected terms, checks) is
unchanged, and a sentence repeated across articles costs one model call in all.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from app.engines.base import GenerationOptions
from app.services.translate import GenerateUnits
from app.store import Store
from app.store.reading import recall, remember


@dataclass
class MemoryCounts:
    """Model inputs answered from the memory and sent to the model, since start."""

    recalled: int = 0
    translated: int = 0


def memory_key(model: str, options: GenerationOptions, text: str) -> str:
    """The memory's key of one model input: the model, its decoding and the text."""
    return hashlib.sha256(f"{model}\0{options!r}\0{text}".encode()).hexdigest()


def remembering(
    run: GenerateUnits, store: Store, model: str, counts: MemoryCounts
) -> GenerateUnits:
    """``run`` with the store's translation memory in front of it."""

    async def run_remembered(
        texts: Sequence[str], lengths: Sequence[int], options: GenerationOptions
    ) -> list[str]:
        keys = [memory_key(model, options, text) for text in texts]
        known = await asyncio.to_thread(recall, store, keys)
        missing = sorted({i for i, key in enumerate(keys) if key not in known})
        # One model call per distinct input: a sentence twice in one article runs once.
        first = {keys[i]: i for i in reversed(missing)}
        todo = sorted(first.values())
        outputs = []
        if todo:
            outputs = await run([texts[i] for i in todo], [lengths[i] for i in todo], options)
        fresh = {keys[i]: out for i, out in zip(todo, outputs, strict=True)}
        await asyncio.to_thread(remember, store, fresh)
        counts.recalled += len(texts) - len(todo)
        counts.translated += len(todo)
        known.update(fresh)
        return [known[key] for key in keys]

    return run_remembered
