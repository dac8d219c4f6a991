"""The CTranslate2 backend: a Hugging Face model converted once, then run int8 on the CPU
(float16 on CUDA) with ``ctranslate2.Translator``.

Encoder-decoder models (Marian, BART, T5, M2M100) all run through ``Translator``; the
Hugging Face tokenizer turns text into the token strings CTranslate2 expects and back.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.core.errors import ModelNotFound
from app.engines.base import EngineInfo, GenerationOptions, count_input_tokens, input_limit
from app.engines.convert import convert_model
from app.engines.placement import Placement, require_ctranslate2
from app.engines.store import first_line, how_to_provide


def _generation_setting(model_dir: Path, key: str) -> int | None:
    """A token id such as ``forced_bos_token_id``, read from the raw files because
    transformers 5 no longer keeps generation keys on the model config."""
    for filename in ("generation_config.json", "config.json"):
        path = model_dir / filename
        if path.is_file():
            value = json.loads(path.read_text(encoding="utf-8")).get(key)
            if value is not None:
                return int(value)
    return None


class CT2Engine:
    """A converted model run by ``ctranslate2.Translator``, tokenised by the HF tokenizer."""

    def __init__(
        self,
        translator: Any,
        tokenizer: Any,
        *,
        info: EngineInfo,
        model_max_tokens: int,
        max_input_tokens: int,
        target_prefix: str | None = None,
        forced_eos: bool = False,
    ) -> None:
        self.translator = translator
        self.tokenizer = tokenizer
        self.info = info
        self.model_max_tokens = model_max_tokens
        self.max_input_tokens = max_input_tokens
        self._target_prefix = target_prefix
        self._forced_eos = forced_eos
        # A fast tokenizer must not be used from two threads at once ("Already borrowed"):
        # request handlers count tokens while the batcher thread encodes a batch.
        self._tokenizer_lock = threading.Lock()

    @classmethod
    def from_pretrained(
        cls,
        model_dir: Path,
        *,
        name: str,
        role: str,
        placement: Placement,
        threads: int = 1,
        cache_dir: Path,
    ) -> CT2Engine:
        """Convert (once, cached) and load ``model_dir`` where ``placement`` says.

        ``threads`` is the number of threads one batch uses (one batch runs at a time:
        the batcher owns the engine).
        """
        require_ctranslate2()
        import ctranslate2
        from transformers import AutoConfig, AutoTokenizer

        try:
            config = AutoConfig.from_pretrained(str(model_dir))
            tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        except (OSError, ValueError) as exc:
            raise ModelNotFound(
                f"The {role} model '{name}' could not be loaded from {model_dir} "
                f"({first_line(exc)}). {how_to_provide(name, role)}"
            ) from None
        quantization = placement.ct2_compute_type
        path = convert_model(model_dir, name=name, quantization=quantization, cache_dir=cache_dir)
        translator = ctranslate2.Translator(
            str(path),
            device=placement.ct2_device,
            device_index=placement.ct2_device_index,
            compute_type=quantization,
            intra_threads=threads if placement.ct2_device == "cpu" else 0,
            inter_threads=1,
        )
        model_max = int(getattr(config, "max_position_embeddings", None) or 512)
        forced_bos = _generation_setting(Path(model_dir), "forced_bos_token_id")
        # The translator reports what it really runs (int8 on CPU is "int8_float32").
        info = EngineInfo(role, name, "ctranslate2", placement.device, translator.compute_type)
        return cls(
            translator,
            tokenizer,
            info=info,
            model_max_tokens=model_max,
            max_input_tokens=input_limit(role, model_max),
            target_prefix=(
                str(tokenizer.convert_ids_to_tokens(forced_bos)) if forced_bos is not None else None
            ),
            forced_eos=_generation_setting(Path(model_dir), "forced_eos_token_id") is not None,
        )

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Input tokens per text, special tokens included."""
        return count_input_tokens(self.tokenizer, self._tokenizer_lock, texts)

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """Generate one output per text with the given decoding options."""
        if not texts:
            return []
        with self._tokenizer_lock:
            encoded = self.tokenizer(
                list(texts),
                add_special_tokens=True,
                truncation=True,
                max_length=self.model_max_tokens,
            )["input_ids"]
            source = [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]
        # Same rule as the transformers engine: the limit follows the longest input.
        max_length = options.output_limit(max(len(ids) for ids in encoded), self.model_max_tokens)
        if self._forced_eos:  # transformers spends the last allowed token on EOS; match it
            max_length = max(1, max_length - 1)
        results = self.translator.translate_batch(
            source,
            target_prefix=[[self._target_prefix]] * len(source) if self._target_prefix else None,
            beam_size=options.beam_size,
            max_decoding_length=max_length,
            min_decoding_length=min(options.min_new_tokens, max_length),
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            repetition_penalty=options.repetition_penalty,
            length_penalty=options.length_penalty,
            max_input_length=self.model_max_tokens,
        )
        with self._tokenizer_lock:
            ids = [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]
            decoded = self.tokenizer.batch_decode(ids, skip_special_tokens=True)
        return [text.strip() for text in decoded]
