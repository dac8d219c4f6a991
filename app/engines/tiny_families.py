"""Tiny real models of the NLLB, M2M-100, MADLAD-400 and mBART-50 families, for tests.

Each has its family's real tokenizer class over a small SentencePiece model and memorises
``PAIRS`` with the Indonesian code. Where the family has a Javanese code, the model also
learns ``JAVANESE`` with it, and to echo that sentence unchanged with the Indonesian code
(as a real model does with text in a language it was not told): only the Javanese code
gives the English, which proves the code reached the model. Build them with
``cached_model(build_tiny_nllb)`` and so on, as the Marian one.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.engines.families import M2M100, MADLAD, MBART50, NLLB, Family
from app.engines.tiny import _EXTRA_TEXT, PAIRS

JAVANESE = ("Aku lunga menyang pasar.", "I went to the market.")
# (language, source, target) examples: every family learns these ...
_EXAMPLES = [("id", source, target) for source, target in PAIRS]
# ... and a family with a Javanese code these too.
_JAVANESE_EXAMPLES = [("jv", *JAVANESE), ("id", JAVANESE[0], JAVANESE[0])]
_SMALL = dict(d_model=64, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
              decoder_attention_heads=4, encoder_ffn_dim=256, decoder_ffn_dim=256,
              max_position_embeddings=128)  # fmt: skip


def _lines() -> list[str]:
    text = [s for pair in [*PAIRS, JAVANESE] for s in pair] + _EXTRA_TEXT.splitlines()
    return text * 4


def _train_spm(path: Path, model_type: str, **options: Any) -> Path:
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_lines()), model_writer=buffer, vocab_size=400,
        model_type=model_type, hard_vocab_limit=False, character_coverage=1.0, minloglevel=2,
        **options,
    )  # fmt: skip
    path.write_bytes(buffer.getvalue())
    return path


def _tokenizer(raw: Path, directory: Path, config: dict[str, Any]) -> Any:
    """The tokenizer transformers builds from the SentencePiece files in ``raw`` (as it
    reads a published repository), saved into ``directory``."""
    from transformers import AutoTokenizer

    (raw / "tokenizer_config.json").write_text(json.dumps(config))
    tokenizer = AutoTokenizer.from_pretrained(str(raw))
    tokenizer.save_pretrained(str(directory))
    shutil.rmtree(raw)
    return AutoTokenizer.from_pretrained(str(directory))


def _fairseq_tokenizer(directory: Path, family: Family, tokenizer_class: str) -> Any:
    """An NLLB, M2M-100 or mBART-50 tokenizer: fairseq's ids (<s> 0, <pad> 1, </s> 2,
    <unk> 3) over a BPE SentencePiece model, with the family's language codes."""
    import sentencepiece as spm

    raw = directory / "raw"
    raw.mkdir(parents=True)
    model = _train_spm(raw / "sentencepiece.bpe.model", "bpe", unk_id=0, bos_id=1, eos_id=2)
    config: dict[str, Any] = {
        "tokenizer_class": tokenizer_class,
        "src_lang": family.tokenizer_source_lang("id"),
        "tgt_lang": family.tokenizer_source_lang("en"),
    }
    if family is NLLB:  # the language codes, listed as the published files list them
        from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

        config["additional_special_tokens"] = FAIRSEQ_LANGUAGE_CODES
    elif family is MBART50:
        from transformers.models.mbart50.tokenization_mbart50 import (
            FAIRSEQ_LANGUAGE_CODES as MBART50_CODES,
        )

        config["additional_special_tokens"] = MBART50_CODES
    else:  # M2M-100 adds its codes after the ids of its vocab.json, and lists them
        from transformers.models.m2m_100.tokenization_m2m_100 import (
            FAIRSEQ_LANGUAGE_CODES as M2M_CODES,
        )

        config["additional_special_tokens"] = [f"__{code}__" for code in M2M_CODES["m2m100"]]
        processor = spm.SentencePieceProcessor(model_file=str(model))
        vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
        for i in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(i), len(vocab))
        (raw / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    return _tokenizer(raw, directory, config)


def _encode(tokenizer: Any, family: Family | None, examples: Sequence[tuple[str, str, str]]) -> Any:
    """Input ids, attention mask and labels (-100 on padding) of ``examples``."""
    import torch

    rows = []
    for language, source, target in examples:
        if family is not None and family.source_token:
            tokenizer.src_lang = family.tokenizer_source_lang(language)
        prefix = family.source_prefix() if family else ""
        encoded = tokenizer(prefix + source, text_target=target)
        rows.append((encoded["input_ids"], encoded["labels"]))
    width = max(len(ids) for ids, _ in rows)
    label_width = max(len(labels) for _, labels in rows)
    pad = tokenizer.pad_token_id
    input_ids = torch.tensor([ids + [pad] * (width - len(ids)) for ids, _ in rows])
    labels = torch.tensor([lab + [-100] * (label_width - len(lab)) for _, lab in rows])
    return {"input_ids": input_ids, "attention_mask": (input_ids != pad).long(), "labels": labels}


def _train(
    model: Any, batch: dict[str, Any], steps: int, zero_row: int | None, lr: float = 3e-3
) -> None:
    """Memorise ``batch``; one torch thread (ten times faster than the default on small
    shared machines). ``zero_row``: an embedding row CTranslate2 reads as zeros."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr)
    embeddings = model.get_input_embeddings().weight
    model.train()
    try:
        for _ in range(steps):
            loss = model(**batch).loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            if zero_row is not None:
                with torch.no_grad():
                    embeddings[zero_row].zero_()
    finally:
        torch.set_num_threads(threads)
    model.eval()


def _fairseq_model(tokenizer: Any, family: Family, config_class: Any, model_class: Any) -> Any:
    import torch

    torch.manual_seed(0)
    # M2M100Tokenizer's language codes come after its vocabulary, beyond len(tokenizer),
    # then a few unused "madeup" words.
    codes = [tokenizer.convert_tokens_to_ids(code) for code in family.codes.values()]
    madeup = getattr(tokenizer, "num_madeup_words", 0)
    size = max(len(tokenizer), *(code + 1 for code in codes)) + madeup
    config = config_class(
        vocab_size=size, pad_token_id=1, bos_token_id=0, eos_token_id=2,
        decoder_start_token_id=2, forced_eos_token_id=None, scale_embedding=True, **_SMALL,
    )  # fmt: skip
    return model_class(config)


def _build_fairseq(directory: Path, family: Family, tokenizer_class: str, steps: int) -> Path:
    from transformers import (
        M2M100Config,
        M2M100ForConditionalGeneration,
        MBartConfig,
        MBartForConditionalGeneration,
    )

    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = _fairseq_tokenizer(directory, family, tokenizer_class)
    if family is MBART50:
        model = _fairseq_model(tokenizer, family, MBartConfig, MBartForConditionalGeneration)
        model.config.tokenizer_class = tokenizer_class  # as the published config says
    else:
        model = _fairseq_model(tokenizer, family, M2M100Config, M2M100ForConditionalGeneration)
    examples = _EXAMPLES + (_JAVANESE_EXAMPLES if "jv" in family.codes else [])
    _train(model, _encode(tokenizer, family, examples), steps, None)
    model.save_pretrained(str(directory))
    return directory


def build_tiny_nllb(directory: Path, *, train_steps: int = 300) -> Path:
    """A tiny NLLB-200 model (M2M100 architecture, ``NllbTokenizer``)."""
    return _build_fairseq(directory, NLLB, "NllbTokenizer", train_steps)


def build_tiny_m2m100(directory: Path, *, train_steps: int = 300) -> Path:
    """A tiny M2M-100 model (``M2M100Tokenizer``: ``__id__`` ... ``__en__``)."""
    return _build_fairseq(directory, M2M100, "M2M100Tokenizer", train_steps)


def build_tiny_mbart50(directory: Path, *, train_steps: int = 300) -> Path:
    """A tiny mBART-50 many-to-one model (``MBart50Tokenizer``: ``id_ID`` -> ``en_XX``)."""
    return _build_fairseq(directory, MBART50, "MBart50Tokenizer", train_steps)


def build_tiny_madlad(directory: Path, *, train_steps: int = 400) -> Path:
    """A tiny MADLAD-400 model: T5 with untied output embeddings and ``<2xx>`` target
    tags in its SentencePiece vocabulary (T5's ids: <pad> 0, </s> 1, <unk> 2). The pieces
    are learnt by BPE (read as T5's unigram model): whole-word pieces keep sentences
    short, and a memorising model's beam search then ends on the memorised sentence."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    directory.mkdir(parents=True, exist_ok=True)
    raw = directory / "raw"
    raw.mkdir()
    tags = list(dict.fromkeys(MADLAD.codes.values()))
    _train_spm(raw / "spiece.model", "bpe", pad_id=0, eos_id=1, unk_id=2, bos_id=-1,
               user_defined_symbols=tags)  # fmt: skip
    tokenizer = _tokenizer(raw, directory, {"tokenizer_class": "T5Tokenizer", "extra_ids": 0})
    torch.manual_seed(0)
    config = T5Config(  # type: ignore[call-arg]
        vocab_size=len(tokenizer), d_model=64, d_kv=16, d_ff=256, num_layers=2,
        num_decoder_layers=2, num_heads=4, feed_forward_proj="gated-gelu",
        tie_word_embeddings=False, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0,
        # Exact relative positions across a whole (short) sentence.
        relative_attention_num_buckets=128, relative_attention_max_distance=128,
    )  # fmt: skip
    model = T5ForConditionalGeneration(config)
    # The decoder starts from <pad>, whose embedding CTranslate2 reads as zeros.
    _train(model, _encode(tokenizer, MADLAD, _EXAMPLES), train_steps, 0)
    model.save_pretrained(str(directory))
    return directory
