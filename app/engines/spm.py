"""Marian's tokenizer (opus-mt) with sentencepiece alone: what transformers'
``MarianTokenizer`` does, without transformers.

The source SentencePiece model cuts the text into pieces; vocab.json gives each piece its
id (a piece it lacks is ``<unk>``); ``</s>`` ends every input. Output tokens are decoded
with the source SentencePiece model too: transformers does so for Marian models with one
shared vocabulary (``use_source_tokenizer`` defaults to True there). Like transformers
5, it does not normalise punctuation: Warta's text normalisation does that before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.engines.tokenizer import (
    SpecialToken,
    added_token_entries,
    extra_specials,
    named_specials,
    read_json,
    split_on_specials,
)

SPIECE_UNDERLINE = "\u2581"


def language_code(text: str) -> tuple[list[str], str]:
    """A leading target-language code such as ``>>fra<<`` apart from the rest."""
    if text.startswith(">>") and (end := text.find("<<")) != -1:
        return [text[: end + 2]], text[end + 2 :]
    return [], text


def clean_up_spaces(text: str) -> str:
    """transformers' ``clean_up_tokenization``, for configs that ask for it."""
    for before, after in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
                          (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"),
                          (" 're", "'re")):  # fmt: skip
        text = text.replace(before, after)
    return text


class MarianTokenizer:
    """Marian SentencePiece tokenisation with the model's vocab.json."""

    def __init__(
        self,
        spm: Any,
        vocab: dict[str, int],
        *,
        specials: dict[str, str],
        added: dict[int, SpecialToken],
        extra: Sequence[str] = (),
        clean_up: bool = False,
    ) -> None:
        self._spm = spm
        added = dict(added)
        self._added_ids = {token.content: index for index, token in added.items()}
        for content in [*specials.values(), *extra]:
            if content not in self._added_ids and content in vocab:
                self._added_ids[content] = vocab[content]
                added[vocab[content]] = SpecialToken(content)
        self._added = {index: token.content for index, token in added.items()}
        self._split_tokens = list(added.values())
        self._vocab = vocab
        self._decoder = {index: piece for piece, index in vocab.items()}
        self._unk = vocab[specials["unk"]]
        self._eos = self._id(specials["eos"])
        self._special_tokens = {*specials.values(), *extra}
        self._special_ids = {self._id(token) for token in self._special_tokens}
        self._clean_up = clean_up

    @classmethod
    def from_dir(cls, model_dir: Path) -> MarianTokenizer:
        """The tokenizer saved with a Marian model (source.spm, vocab.json, config)."""
        import sentencepiece

        config = read_json(model_dir / "tokenizer_config.json")
        vocab = json.loads((model_dir / "vocab.json").read_text(encoding="utf-8"))
        added = {
            index: SpecialToken(
                str(entry["content"]), bool(entry.get("lstrip")), bool(entry.get("rstrip"))
            )
            for index, entry in added_token_entries(model_dir, config).items()
        }
        return cls(
            sentencepiece.SentencePieceProcessor(model_file=str(model_dir / "source.spm")),
            {str(piece): int(index) for piece, index in vocab.items()},
            specials=named_specials(config, eos="</s>", unk="<unk>", pad="<pad>"),
            added=added,
            extra=extra_specials(config),
            clean_up=bool(config.get("clean_up_tokenization_spaces", False)),
        )

    def _id(self, token: str) -> int:
        return self._added_ids.get(token, self._vocab.get(token, self._unk))

    def _token(self, index: int) -> str:
        if index in self._added:
            return self._added[index]
        found = self._decoder.get(index) or str(self._spm.id_to_piece(index))
        return found or self._decoder[self._unk]

    def _ids(self, text: str) -> list[int]:
        ids: list[int] = []
        for part, special in split_on_specials(text, self._split_tokens):
            if special:
                ids.append(self._added_ids[part])
                continue
            code, rest = language_code(part)
            ids.extend(self._id(piece) for piece in code + self._spm.encode(rest, out_type=str))
        return ids

    def encode(
        self, texts: Sequence[str], max_tokens: int | None = None, source_code: str | None = None
    ) -> list[list[str]]:
        """Tokens of each text with ``</s>`` at the end, cut to ``max_tokens`` if given
        (Marian models read no source-language token: ``source_code`` is None)."""
        encoded = []
        for text in texts:
            ids = self._ids(text)
            if max_tokens is not None:
                ids = ids[: max(max_tokens - 1, 0)]
            encoded.append([self._token(index) for index in [*ids, self._eos]])
        return encoded

    def decode(self, outputs: Sequence[Sequence[str]]) -> list[str]:
        """The text of each output, special tokens (``<unk>`` too) skipped."""
        texts = []
        for tokens in outputs:
            ids = [self._id(token) for token in tokens]
            kept = [self._token(index) for index in ids if index not in self._special_ids]
            text = self._join(kept)
            texts.append(clean_up_spaces(text) if self._clean_up else text)
        return texts

    def _join(self, tokens: Sequence[str]) -> str:
        # Special tokens are kept as they are, never passed through SentencePiece.
        text, pieces = "", list[str]()
        for token in tokens:
            if token in self._special_tokens:
                text += str(self._spm.decode_pieces(pieces)) + token + " "
                pieces = []
            else:
                pieces.append(token)
        text += str(self._spm.decode_pieces(pieces))
        return text.replace(SPIECE_UNDERLINE, " ").strip()

    def token(self, token_id: int) -> str:
        """The token string of a vocabulary id."""
        return str(self._token(token_id))

    def has_token(self, token: str) -> bool:
        """True when the vocabulary has ``token``."""
        return token in self._vocab or token in self._added_ids
