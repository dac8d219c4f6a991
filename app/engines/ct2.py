"""The CTranslate2 backend: a Hugging Face model converted once, then run int8 on the CPU
(float16 on CUDA) with ``ctranslate2.Translator``.

Encoder-decoder models (Marian, BART, T5, M2M100) all run through ``Translator``; the
model's tokenizer (``app.engines.tokenizer``: sentencepiece or ``tokenizers``, no torch or
transformers for Marian and BART) turns text into the token strings CTranslate2 expects
and back. Once a model is converted, serving it imports neither torch nor transformers.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.core.errors import ModelNotFound, WartaError
from app.engines.base import EngineInfo, GenerationOptions, input_limit
from app.engines.card import engine_info
from app.engines.convert import convert_model
from app.engines.ct2_tokenizers import load_tokenizer
from app.engines.families import ModelLanguages, model_languages
from app.engines.model_files import first_line, how_to_provide
from app.engines.placement import Placement, require_ctranslate2
from app.engines.tokenizer import Tokenizer, read_json


def _generation_setting(model_dir: Path, key: str) -> int | None:
    """A token id such as ``forced_bos_token_id``, read from the raw files because
    transformers 5 no longer keeps generation keys on the model config."""
    for filename in ("generation_config.json", "config.json"):
        value = read_json(model_dir / filename).get(key)
        if value is not None:
            return int(value)
    return None


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (musl, macOS)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def release_freed_memory() -> None:
    """Hand the heap pages a finished batch freed back to the system. glibc keeps them
    (in one arena per decoding thread), so without this the server's resident memory
    stays at its largest batch's peak for good. It takes about a millisecond."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _target_prefix(model_dir: Path, tokenizer: Tokenizer, languages: ModelLanguages) -> str | None:
    """The token every output starts with: English's code for a family that forces it,
    else the model's own ``forced_bos_token_id`` (BART's ``<s>``)."""
    family = languages.family
    if family is not None and family.forced_target:
        return family.target_code
    forced_bos = _generation_setting(model_dir, "forced_bos_token_id")
    return tokenizer.token(forced_bos) if forced_bos is not None else None


def _without(tokens: list[str], first: str | None) -> list[str]:
    return tokens[1:] if first is not None and tokens[:1] == [first] else tokens


class CT2Engine:
    """A converted model run by ``ctranslate2.Translator``, tokenised by the model's tokenizer."""

    def __init__(
        self,
        translator: Any,
        tokenizer: Tokenizer,
        *,
        info: EngineInfo,
        model_max_tokens: int,
        max_input_tokens: int,
        languages: ModelLanguages,
        target_prefix: str | None = None,
        forced_eos: bool = False,
    ) -> None:
        self.translator = translator
        self.tokenizer = tokenizer
        self.info = info
        self.model_max_tokens = model_max_tokens
        self.max_input_tokens = max_input_tokens
        self.languages = languages
        family = languages.family
        self._prefix = family.source_prefix() if family else ""
        self._target_prefix = target_prefix
        self._forced_eos = forced_eos

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

        model_dir = Path(model_dir)
        try:
            config = read_json(model_dir / "config.json")
            tokenizer = load_tokenizer(model_dir)
            languages = model_languages(name, model_dir, tokenizer)
        except WartaError:
            raise
        # A missing or corrupt config or tokenizer file, whichever library reports it.
        except Exception as exc:  # noqa: BLE001
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
        model_max = int(config.get("max_position_embeddings") or 512)
        # The translator reports what it really runs (int8 on CPU is "int8_float32").
        info = engine_info(
            role, name, "ctranslate2", placement.device, translator.compute_type, model_dir,
            languages,
        )  # fmt: skip
        return cls(
            translator,
            tokenizer,
            info=info,
            model_max_tokens=model_max,
            max_input_tokens=input_limit(role, model_max),
            languages=languages,
            target_prefix=_target_prefix(model_dir, tokenizer, languages),
            forced_eos=_generation_setting(model_dir, "forced_eos_token_id") is not None,
        )

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Input tokens per text, special tokens included."""
        return [len(tokens) for tokens in self.tokenizer.encode(self._prefixed(texts))]

    def _prefixed(self, texts: Sequence[str]) -> list[str]:
        return [self._prefix + text for text in texts]

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """Generate one output per text with the given decoding options."""
        if not texts:
            return []
        source_code = self.languages.source_code(options.source_lang)
        source = self.tokenizer.encode(self._prefixed(texts), self.model_max_tokens, source_code)
        # Same rule as the transformers engine: the limit follows the longest input.
        max_length = options.output_limit(max(map(len, source)), self.model_max_tokens)
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
        # The forced first token (English's code, BART's <s>) is not part of the text.
        decoded = self.tokenizer.decode(
            [_without(result.hypotheses[0], self._target_prefix) for result in results]
        )
        release_freed_memory()
        return [text.strip() for text in decoded]
