"""The transformers (PyTorch) backend."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from app.core.errors import ModelNotFound
from app.engines.base import EngineInfo, GenerationOptions, count_input_tokens, input_limit
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
        self.info = EngineInfo(role, name, "transformers", device, dtype)
        pad = self.tokenizer.pad_token_id
        # Marian starts decoding from <pad>: never emit it (as the published configs do).
        self._bad_words = (
            [[pad]] if pad is not None and config.decoder_start_token_id == pad else None
        )

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Input tokens per text, end-of-sequence token included."""
        return count_input_tokens(self.tokenizer, self._tokenizer_lock, texts)

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        """Generate one output per text with the given decoding options."""
        if not texts:
            return []
        with self._tokenizer_lock:
            batch = self.tokenizer(
                list(texts),
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
        with self._torch.inference_mode():
            output = self.model.generate(**batch, **kwargs)
        return [
            text.strip() for text in self.tokenizer.batch_decode(output, skip_special_tokens=True)
        ]
