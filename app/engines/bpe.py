"""BART's tokenizer (RoBERTa-style byte-level BPE) with the ``tokenizers`` library alone:
built as transformers 5 builds ``BartTokenizer``, without transformers.

The vocabulary and merges come from tokenizer.json when the model has one, else from
vocab.json and merges.txt (as older BART repositories ship them).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.engines.tokenizer import (
    added_token_entries,
    extra_specials,
    named_specials,
    read_json,
)


def vocab_and_merges(model_dir: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """The BPE vocabulary and merge rules, from tokenizer.json or vocab.json + merges.txt."""
    from tokenizers.models import BPE

    model = read_json(model_dir / "tokenizer.json").get("model") or {}
    if model.get("type") == "BPE":
        # Older files write a merge as "a b", newer ones as ["a", "b"].
        pairs = [m.split(" ", 1) if isinstance(m, str) else m for m in model["merges"]]
        return dict(model["vocab"]), [(str(a), str(b)) for a, b in pairs]
    vocab, merges = BPE.read_file(str(model_dir / "vocab.json"), str(model_dir / "merges.txt"))
    return dict(vocab), [(str(a), str(b)) for a, b in merges]


def _id_of(backend: Any, token: str) -> int:
    found = backend.token_to_id(token)
    if found is None:
        raise ValueError(f"the tokenizer has no {token} token")
    return int(found)


class ByteLevelBPETokenizer:
    """Byte-level BPE wrapped in ``<s> ... </s>``, special tokens skipped on decoding."""

    def __init__(self, backend: Any, unk: str) -> None:
        self._backend = backend
        self._specials = backend.post_processor.num_special_tokens_to_add(False)
        self._unk_id = backend.token_to_id(unk)

    @classmethod
    def from_dir(cls, model_dir: Path) -> ByteLevelBPETokenizer:
        """The tokenizer saved with a BART model."""
        from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
        from tokenizers.models import BPE

        config = read_json(model_dir / "tokenizer_config.json")
        vocab, merges = vocab_and_merges(model_dir)
        backend = Tokenizer(
            BPE(
                vocab=vocab,
                merges=merges,
                dropout=None,
                continuing_subword_prefix="",
                end_of_word_suffix="",
                fuse_unk=False,
            )
        )
        prefix_space = bool(config.get("add_prefix_space", False))
        backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=prefix_space)
        backend.decoder = decoders.ByteLevel()
        specials = named_specials(
            config, bos="<s>", eos="</s>", unk="<unk>", sep="</s>", pad="<pad>", cls="<s>",
            mask="<mask>",
        )  # fmt: skip
        # The added vocabulary in transformers' order: the saved entries by id, then the
        # named and extra special tokens not among them.
        entries = [entry for _, entry in sorted(added_token_entries(model_dir, config).items())]
        tokens = [AddedToken(**{k: v for k, v in e.items() if k != "__type"}) for e in entries]
        saved = {str(entry["content"]) for entry in entries}
        for content in [*specials.values(), *extra_specials(config)]:
            if content not in saved:
                tokens.append(AddedToken(content, special=True))
                saved.add(content)
        backend.add_tokens(tokens)
        sep, cls_ = specials["sep"], specials["cls"]
        backend.post_processor = processors.RobertaProcessing(
            (sep, _id_of(backend, sep)),
            (cls_, _id_of(backend, cls_)),
            trim_offsets=bool(config.get("trim_offsets", True)),
            add_prefix_space=prefix_space,
        )
        return cls(backend, specials["unk"])

    def encode(
        self, texts: Sequence[str], max_tokens: int | None = None, source_code: str | None = None
    ) -> list[list[str]]:
        """Tokens of each text between ``<s>`` and ``</s>``, cut to ``max_tokens`` if given
        (BART reads no source-language token: ``source_code`` is None)."""
        encoded = []
        for encoding in self._backend.encode_batch(list(texts), add_special_tokens=False):
            if max_tokens is not None and len(encoding.ids) + self._specials > max_tokens:
                encoding.truncate(max(max_tokens - self._specials, 0))
            # From the ids, as transformers does: an lstrip token's own string can hold
            # the whitespace it swallowed (" <mask>").
            ids = self._backend.post_process(encoding).ids
            encoded.append([self._backend.id_to_token(index) for index in ids])
        return encoded

    def decode(self, outputs: Sequence[Sequence[str]]) -> list[str]:
        """The text of each output, special tokens skipped."""
        ids = [[self._id(token) for token in tokens] for tokens in outputs]
        return list(self._backend.decode_batch(ids, skip_special_tokens=True))

    def _id(self, token: str) -> int:
        found = self._backend.token_to_id(token)
        return int(found) if found is not None else int(self._unk_id)

    def token(self, token_id: int) -> str:
        """The token string of a vocabulary id."""
        return str(self._backend.id_to_token(token_id))

    def has_token(self, token: str) -> bool:
        """True when the vocabulary has ``token``."""
        return self._backend.token_to_id(token) is not None
