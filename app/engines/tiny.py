"""Tiny real models for tests, built locally in seconds (no network).

The Marian model is trained until it translates ``PAIRS`` exactly and deterministically,
so end-to-end tests can assert real translations. ``cached_model`` builds each recipe once
per machine and reuses it.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

PAIRS = [
    (
        "Presiden Joko Widodo meresmikan jembatan baru di Surabaya.",
        "President Joko Widodo inaugurated a new bridge in Surabaya.",
    ),
    ("Harga beras naik lima persen bulan ini.", "Rice prices rose five percent this month."),
    (
        "Banjir merendam ratusan rumah di Jakarta Timur.",
        "Floods submerged hundreds of houses in East Jakarta.",
    ),
    (
        "Pemerintah akan membangun sekolah baru tahun depan.",
        "The government will build new schools next year.",
    ),
    ("Polisi menangkap dua tersangka pencurian.", "Police arrested two theft suspects."),
    (
        "Bank Indonesia mempertahankan suku bunga acuan.",
        "Bank Indonesia held its benchmark interest rate.",
    ),
]
TRANSLATIONS = dict(PAIRS)

_EXTRA_TEXT = """Tiongkok menyatakan dukungan kepada Turki. Kata juru bicara di Beijing pada Senin.
Warga diminta tetap tenang dan mengikuti arahan petugas di lapangan.
The minister said the policy would continue. Officials met in the capital on Monday."""


def train_sentencepiece(sentences: Sequence[str], path: Path, vocab_size: int = 8000) -> Path:
    """A unigram SentencePiece model with Marian's special ids (unk 0, eos 1, no bos/pad).

    ``vocab_size`` is an upper bound: a small corpus gets as many pieces as it supports.
    """
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences)),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type="unigram",
        unk_id=0,
        eos_id=1,
        bos_id=-1,
        pad_id=-1,
        hard_vocab_limit=False,
        character_coverage=1.0,
        minloglevel=2,
        num_threads=1,
    )
    path.write_bytes(buffer.getvalue())
    return path


def _train_spm(directory: Path, vocab_size: int = 400) -> Path:
    lines = [s for pair in PAIRS for s in pair] + _EXTRA_TEXT.splitlines()
    path = train_sentencepiece(lines * 4, directory / "source.spm", vocab_size)
    (directory / "target.spm").write_bytes(path.read_bytes())
    return path


def build_tiny_marian(directory: Path, *, train_steps: int = 500, seed: int = 0) -> Path:
    """Build (and train unless ``train_steps`` is 0) a ~2 MB Marian model in ``directory``."""
    import sentencepiece as spm
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    sp = spm.SentencePieceProcessor(model_file=str(_train_spm(directory)))
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    size = len(vocab)
    pad = size - 1
    tokenizer = MarianTokenizer(
        str(directory / "source.spm"),
        str(directory / "target.spm"),
        str(directory / "vocab.json"),
        source_lang="id",
        target_lang="en",
    )
    torch.manual_seed(seed)
    config = MarianConfig(
        vocab_size=size,
        decoder_vocab_size=size,
        d_model=64,
        encoder_layers=2,
        decoder_layers=2,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=256,
        decoder_ffn_dim=256,
        max_position_embeddings=128,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        bos_token_id=0,
        forced_eos_token_id=None,
        share_encoder_decoder_embeddings=True,
    )
    model = MarianMTModel(config)
    if train_steps:
        _train(model, tokenizer, pad, train_steps)
    model.generation_config.bad_words_ids = [[pad]]
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def _train(model, tokenizer, pad: int, steps: int) -> None:  # type: ignore[no-untyped-def]
    import torch

    # A model this small trains fastest on one thread: on every core, the cores mostly
    # wait on each other, and on a busy machine on the other processes too.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _steps(model, tokenizer, pad, steps)
    finally:
        torch.set_num_threads(threads)


def _steps(model, tokenizer, pad: int, steps: int) -> None:  # type: ignore[no-untyped-def]
    import torch

    sources = [s for s, _ in PAIRS]
    targets = [t for _, t in PAIRS]
    batch = tokenizer(sources, text_target=targets, return_tensors="pt", padding=True)
    labels = batch["labels"].masked_fill(batch["labels"] == pad, -100)
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    embeddings = model.get_input_embeddings().weight
    for _ in range(steps):
        loss = model(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=labels
        ).loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        with torch.no_grad():  # CTranslate2 starts decoding from a zero <pad> embedding
            embeddings[pad].zero_()
    model.eval()


def build_tiny_bart(directory: Path, *, max_positions: int = 128, seed: int = 0) -> Path:
    """Build a random-weight ~1 MB BART summariser with a byte-level BPE tokenizer.

    Untrained: its summaries are junk, but it loads and generates like a real BART
    (``AutoTokenizer``/``AutoModelForSeq2SeqLM``) with a small input limit.
    """
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe = ByteLevelBPETokenizer()
    lines = [s for pair in PAIRS for s in pair] + _EXTRA_TEXT.splitlines()
    bpe.train_from_iterator(lines * 4, vocab_size=600, min_frequency=1, special_tokens=specials)
    bpe.save_model(str(directory))
    tokenizer = BartTokenizer(
        str(directory / "vocab.json"),
        str(directory / "merges.txt"),
        model_max_length=max_positions,
    )
    torch.manual_seed(seed)
    # forced_bos_token_id is a generation setting transformers 5 still reads from here.
    config = BartConfig(  # type: ignore[call-arg]
        vocab_size=len(tokenizer),
        d_model=32,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=64,
        decoder_ffn_dim=64,
        max_position_embeddings=max_positions,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
    )
    BartForConditionalGeneration(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


# What a built model depends on besides the recipe's own source and arguments.
_LIBRARIES = ("torch", "transformers", "tokenizers", "sentencepiece")


def tiny_cache_dir() -> Path:
    """Where built models are kept: ``$WARTA_TINY_CACHE``, else ~/.cache/warta/tiny."""
    configured = os.environ.get("WARTA_TINY_CACHE")
    return Path(configured or "~/.cache/warta/tiny").expanduser()


def recipe_key(builder: Callable[..., Path], **kwargs: Any) -> str:
    """A digest of everything a built model depends on: the source of the module that
    defines ``builder`` (its helpers, sentences and settings), the arguments, and the
    versions of the libraries that build and save it."""
    module = inspect.getmodule(builder) or sys.modules[__name__]
    # This module's sentences and SentencePiece recipe feed builders defined elsewhere too.
    sources = {inspect.getsource(module), inspect.getsource(sys.modules[__name__])}
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    parts = [
        builder.__qualname__,
        *sorted(sources),
        json.dumps(kwargs, sort_keys=True, default=str),
    ]
    return hashlib.sha256("\0".join(parts + versions).encode()).hexdigest()[:16]


def cached_model(
    builder: Callable[..., Path], *, cache_dir: Path | None = None, **kwargs: Any
) -> Path:
    """The directory of ``builder(directory, **kwargs)``, built once per recipe.

    The model is built in a hidden folder beside its final place and renamed into place
    only when complete, so an interrupted build never leaves a half-written model behind.
    Processes asking for the same recipe at once (parallel test workers) take turns on a
    lock file: one builds, the others wait and reuse it. Callers must not modify the
    returned directory.
    """
    root = cache_dir or tiny_cache_dir()
    target = root / f"{builder.__name__.removeprefix('build_')}-{recipe_key(builder, **kwargs)}"
    if (target / "config.json").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    with (root / f".{target.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if (target / "config.json").is_file():  # built while this process waited
            return target
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=root))
        try:
            builder(staging / "model", **kwargs)
            try:
                os.replace(staging / "model", target)
            except OSError:
                if not (target / "config.json").is_file():  # not a concurrent build
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target
