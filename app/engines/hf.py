"""The transformers (PyTorch) backend."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from app.core.errors import ModelNotFound
from app.engines.base import GenerationOptions, count_input_tokens, input_limit
from app.engines.card import engine_info
from app.engines.families import model_languages
from app.engines.model_files import first_line, how_to_provide
from app.engines.placement import require_transformers


class HFEngine:
    """A Hugging Face seq2seq model run with ``generate()``."""

    def __init__(
        self,
        model_dir: Path,
        *,
        name: str,
        role: str,
        device: str = "cpu",
        dtype: str = "float32",
        threads: int = 1,
    ) -> None:
        require_transformers()
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        if device == "cpu":
            torch.set_num_threads(threads)
        part = "tokenizer"
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
            part = "weights"
            model = AutoModelForSeq2SeqLM.from_pretrained(
                str(model_dir), dtype=getattr(torch, dtype)
            )
        # Missing tokenizer files surface as TypeError, corrupt weights as SafetensorError:
        # whatever breaks, the user gets one message naming the part and what to do.
        except Exception as exc:  # noqa: BLE001
            raise ModelNotFound(
                f"The {role} model '{name}' could not be loaded from {model_dir}: its {part} "
                f"could not be read ({first_line(exc)}). {how_to_provide(name, role)}"
            ) from None
        self.model = model.to(device).eval()
        self._torch = torch
        # A fast tokenizer must not be used from two threads at once ("Already borrowed"):
        # request handlers count tokens while the batcher thread encodes a batch.
        self._tokenizer_lock = threading.Lock()
        self.device = device
        config = self.model.config
        positions = getattr(config, "max_position_embeddings", None) or 512
        self.model_max_tokens = int(positions)
        self.max_input_tokens = input_limit(role, self.model_max_tokens)
        self.languages = model_languages(name, model_dir, self.tokenizer)
        self.info = engine_info(
            role, name, "transformers", device, dtype, model_dir, self.languages
        )
        family = self.languages.family
        self._prefix = family.source_prefix() if family else ""
        target = family.target_code if family and family.forced_target else None
        self._forced_target = self.tokenizer.convert_tokens_to_ids(target) if target else None
        pad = self.tokenizer.pad_token_id
        # Marian starts decoding from <pad>: never emit it (as the published configs do).
        self._bad_words = (
            [[pad]] if pad is not None and config.decoder_start_token_id == pad else None
        )

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Input tokens per text, end-of-sequence token included."""
        return count_input_tokens(
            self.tokenizer, self._tokenizer_lock, [self._prefix + text for text in texts]
        )

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """Generate one output per text with the given decoding options."""
        if not texts:
            return []
        source_code = self.languages.source_code(options.source_lang)
        with self._tokenizer_lock:
            if source_code is not None:  # the tokenizer puts it where its family reads it
                self.tokenizer.src_lang = source_code
            batch = self.tokenizer(
                [self._prefix + text for text in texts],
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=self.model_max_tokens,
            ).to(self.device)
        input_len = int(batch["input_ids"].shape[1])
        max_new = options.output_limit(input_len, self.model_max_tokens)
        kwargs: dict[str, object] = dict(
            num_beams=options.beam_size,
            do_sample=False,
            max_new_tokens=max_new,
            min_new_tokens=min(options.min_new_tokens, max_new),
            no_repeat_ngram_size=options.no_repeat_ngram_size,
            repetition_penalty=options.repetition_penalty,
            length_penalty=options.length_penalty,
            early_stopping=options.beam_size > 1,
        )
        if self._bad_words:
            kwargs["bad_words_ids"] = self._bad_words
        if self._forced_target is not None:
            kwargs["forced_bos_token_id"] = self._forced_target
        with self._torch.inference_mode():
            output = self.model.generate(**batch, **kwargs)
        if self._forced_target is not None:
            # The decoder start and the forced English code: some saved tokenizers do not
            # mark language codes special, and decoding would keep "__en__" in the text.
            output = output[:, 2:]
        return [
            text.strip() for text in self.tokenizer.batch_decode(output, skip_special_tokens=True)
        ]
