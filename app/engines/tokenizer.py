"""Tokenisers for the CTranslate2 engine that need neither torch nor transformers.

CTranslate2 takes and returns token strings. Marian models are tokenised with their
SentencePiece models and vocab.json, BART (RoBERTa-style byte-level BPE) models with the
``tokenizers`` library; both reproduce what the transformers tokenizer of the model does
(special tokens in the text, truncation, decoding), so the two engines see the same
tokens. Other tokenizers are run by transformers itself (the ``transformers`` extra).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.core.errors import MissingDependency


class Tokenizer(Protocol):
    """Text to the token strings a CTranslate2 model reads, and its output back to text."""

    def encode(
        self, texts: Sequence[str], max_tokens: int | None = None, source_code: str | None = None
    ) -> list[list[str]]:
        """Tokens of each text, special tokens included, cut to ``max_tokens`` if given
        (keeping the end-of-sequence token), as ``tokenizer(truncation=True)`` does.
        ``source_code``: the source-language token of a model that reads one (NLLB,
        M2M-100, mBART-50), put where the model's tokenizer puts it."""
        ...

    def has_token(self, token: str) -> bool:
        """True when the vocabulary has ``token`` (a language code, for instance)."""
        ...

    def decode(self, outputs: Sequence[Sequence[str]]) -> list[str]:
        """The text of each output, special tokens skipped."""
        ...

    def token(self, token_id: int) -> str:
        """The token string of a vocabulary id (a forced first token, for instance)."""
        ...


# The transformers classes reproduced here; AutoTokenizer's choice when the tokenizer
# config names none.
_NATIVE = {"MarianTokenizer": "marian", "BartTokenizer": "bpe", "RobertaTokenizer": "bpe"}
_DEFAULT_CLASS = {"marian": "MarianTokenizer", "bart": "BartTokenizer"}
_SPECIAL_NAMES = ("bos", "eos", "unk", "sep", "pad", "cls", "mask")


@dataclass(frozen=True)
class SpecialToken:
    """A token matched whole in the text before tokenising (an added token), and whether
    it swallows the whitespace on its left or right."""

    content: str
    lstrip: bool = False
    rstrip: bool = False


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``, or an empty one when the file does not exist."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def tokenizer_kind(model_dir: Path) -> str:
    """``marian``, ``bpe`` or ``transformers``: who tokenises this model."""
    config = read_json(model_dir / "tokenizer_config.json")
    name = config.get("tokenizer_class") or _DEFAULT_CLASS.get(
        str(read_json(model_dir / "config.json").get("model_type")), ""
    )
    kind = _NATIVE.get(str(name).removesuffix("Fast"), "transformers")
    # Marian models with a separate target vocabulary decode differently: not reproduced.
    separate = config.get("separate_vocabs") or not (model_dir / "source.spm").is_file()
    if kind == "marian" and separate:
        return "transformers"
    return kind


def named_specials(config: dict[str, Any], **defaults: str) -> dict[str, str]:
    """The named special tokens (``eos``, ``unk`` ...): the tokenizer config's, else
    the class defaults transformers uses."""
    named: dict[str, str] = {}
    for name in _SPECIAL_NAMES:
        value = config.get(f"{name}_token", defaults.get(name))
        if isinstance(value, dict):  # an AddedToken as older configs store it
            value = value.get("content")
        if isinstance(value, str):
            named[name] = value
    return named


def added_token_entries(model_dir: Path, config: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The added vocabulary (id -> AddedToken fields) where transformers reads it: the
    tokenizer config's ``added_tokens_decoder``, else tokenizer.json's ``added_tokens``."""
    if "added_tokens_decoder" in config:
        return {int(i): dict(entry) for i, entry in config["added_tokens_decoder"].items()}
    entries = read_json(model_dir / "tokenizer.json").get("added_tokens") or []
    return {int(e["id"]): {k: v for k, v in e.items() if k != "id"} for e in entries}


def extra_specials(config: dict[str, Any]) -> list[str]:
    """Special tokens beyond the named ones (``additional_special_tokens``)."""
    values = config.get("extra_special_tokens") or config.get("additional_special_tokens") or []
    if isinstance(values, dict):
        values = list(values.values())
    return [str(v.get("content") if isinstance(v, dict) else v) for v in values]


def split_on_specials(text: str, specials: Sequence[SpecialToken]) -> list[tuple[str, bool]]:
    """``text`` cut around the special tokens in it, longest match first, applying each
    token's ``lstrip``/``rstrip`` to its neighbours: (piece, is_special) pairs."""
    if not specials:
        return [(text, False)] if text else []
    by_content = {token.content: token for token in specials}
    pattern = "|".join(re.escape(c) for c in sorted(by_content, key=len, reverse=True))
    parts = re.split(f"({pattern})", text)
    for i in range(1, len(parts), 2):
        token = by_content[parts[i]]
        if token.rstrip and i + 1 < len(parts):
            parts[i + 1] = parts[i + 1].lstrip()
        if token.lstrip:
            parts[i - 1] = parts[i - 1].rstrip()
    return [(part, i % 2 == 1) for i, part in enumerate(parts) if part]


class TransformersTokenizer:
    """Any other tokenizer, run by transformers (which must then be installed)."""

    def __init__(self, model_dir: Path) -> None:
        try:
            from transformers import AutoTokenizer
        except ImportError:
            raise MissingDependency(
                f"The tokenizer of the model in {model_dir} is not one Warta reads by itself "
                "(Marian SentencePiece or BART byte-level BPE), so it needs transformers: "
                "pip install 'warta[transformers]'"
            ) from None
        self._tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        # A fast tokenizer fails when two threads use it at once ("Already borrowed").
        self._lock = threading.Lock()

    def encode(
        self, texts: Sequence[str], max_tokens: int | None = None, source_code: str | None = None
    ) -> list[list[str]]:
        """Tokens of each text, special tokens (and ``source_code``) included."""
        cut = {"truncation": True, "max_length": max_tokens} if max_tokens else {}
        with self._lock:
            if source_code is not None:
                self._tokenizer.src_lang = source_code
            ids = self._tokenizer(list(texts), add_special_tokens=True, **cut)["input_ids"]
            return [list(self._tokenizer.convert_ids_to_tokens(row)) for row in ids]

    def decode(self, outputs: Sequence[Sequence[str]]) -> list[str]:
        """The text of each output, special tokens skipped."""
        with self._lock:
            ids = [self._tokenizer.convert_tokens_to_ids(list(t)) for t in outputs]
            return list(self._tokenizer.batch_decode(ids, skip_special_tokens=True))  # type: ignore[arg-type]

    def token(self, token_id: int) -> str:
        """The token string of a vocabulary id."""
        with self._lock:
            return str(self._tokenizer.convert_ids_to_tokens(token_id))

    def has_token(self, token: str) -> bool:
        """True when the vocabulary has ``token``."""
        with self._lock:
            return transformers_has_token(self._tokenizer, token)


def transformers_has_token(tokenizer: Any, token: str) -> bool:
    """True when a transformers tokenizer has ``token`` in its vocabulary (its added
    tokens, such as language codes, included)."""
    found = tokenizer.convert_tokens_to_ids(token)
    unknown = found == tokenizer.unk_token_id and token != tokenizer.unk_token
    return bool(found is not None and not unknown)
