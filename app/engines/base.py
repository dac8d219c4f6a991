"""What every seq2seq backend provides: a Protocol and the options it takes."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class GenerationOptions:
    """Decoding settings; the output limit scales with the input, never a small fixed cap."""

    beam_size: int = 4
    length_ratio: float = 2.5  # output tokens allowed per input token ...
    length_extra: int = 16  # ... plus this many
    max_new_tokens: int | None = None  # fixed cap (summaries) instead of the ratio
    min_new_tokens: int = 0
    no_repeat_ngram_size: int = 0
    repetition_penalty: float = 1.0
    length_penalty: float = 1.0
    # The source language (a code of app.engines.families): a model that reads a language
    # token is given this one. Part of the options, so units of different languages never
    # share an engine call or a cache entry.
    source_lang: str = "id"

    def output_limit(self, input_tokens: int, model_limit: int) -> int:
        """How many tokens one output may have for an input of ``input_tokens``."""
        if self.max_new_tokens is not None:
            limit = self.max_new_tokens
        else:
            limit = int(input_tokens * self.length_ratio) + self.length_extra
        return max(1, min(limit, model_limit))


TRANSLATION_INPUT_TOKENS = 256  # long inputs translate badly even within the position limit


def input_limit(role: str, model_max_tokens: int) -> int:
    """Largest input one model call gets: translation keeps pieces short, summarisers
    take all the model's positions. Both engines use this, so they split text alike."""
    if role == "translation":
        return min(model_max_tokens, TRANSLATION_INPUT_TOKENS)
    return model_max_tokens


def count_input_tokens(tokenizer: Any, lock: threading.Lock, texts: Sequence[str]) -> list[int]:
    """Input tokens per text, special tokens included. The tokenizer is used under
    ``lock``: a fast tokenizer fails when two threads use it at once ("Already borrowed"),
    and request handlers count tokens while the batcher thread encodes a batch."""
    with lock:
        encoded = tokenizer(list(texts), add_special_tokens=True)["input_ids"]
    return [len(ids) for ids in encoded]


@dataclass(frozen=True)
class EngineInfo:
    """What ``/v1/models`` reports about a loaded model."""

    role: str
    name: str
    engine: str
    device: str
    compute_type: str
    revision: str | None = None  # the pinned repository revision, when one was asked for
    family: str | None = None  # translation models: marian, nllb, m2m100, madlad, mbart50
    languages: tuple[str, ...] = ("id", "ms")  # translation models: its source languages
    licence: str | None = None  # as the model card states it
    non_commercial: bool = False  # the licence forbids commercial use


class Seq2SeqEngine(Protocol):
    """A loaded sequence-to-sequence model that turns a batch of texts into outputs."""

    info: EngineInfo
    max_input_tokens: int

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Number of model input tokens of each text (special tokens included)."""
        ...

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """One output per input, same order."""
        ...
