"""Random-weight models with the exact shape (and so the exact cost) of Warta's default
translation model, built locally in seconds: benchmarks measure speed, not quality, and no
model hub is needed.

The tokenizer has the full 54,796-entry vocabulary of opus-mt-id-en: a small SentencePiece
model trained on the benchmark's own sentences, plus a vocab.json padded with unused
entries, so the embedding and output-projection sizes are the real ones.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.engines.tiny import train_sentencepiece

# Helsinki-NLP/opus-mt-id-en (MarianMT, 72M parameters), from its published config.
MARIAN_ID_EN: dict[str, Any] = dict(
    vocab_size=54796,
    decoder_vocab_size=54796,
    d_model=512,
    encoder_layers=6,
    decoder_layers=6,
    encoder_attention_heads=8,
    decoder_attention_heads=8,
    encoder_ffn_dim=2048,
    decoder_ffn_dim=2048,
    max_position_embeddings=512,
    activation_function="swish",
    scale_embedding=True,
    static_position_embeddings=True,
    share_encoder_decoder_embeddings=True,
    pad_token_id=54795,
    decoder_start_token_id=54795,
    eos_token_id=0,
    bos_token_id=0,
    forced_eos_token_id=0,
)

# sshleifer/distilbart-cnn-12-6 and facebook/bart-large-cnn, for summarisation benchmarks.
BART_LARGE_CNN: dict[str, Any] = dict(
    vocab_size=50264,
    d_model=1024,
    encoder_layers=12,
    decoder_layers=12,
    encoder_attention_heads=16,
    decoder_attention_heads=16,
    encoder_ffn_dim=4096,
    decoder_ffn_dim=4096,
    max_position_embeddings=1024,
    activation_function="gelu",
    pad_token_id=1,
    bos_token_id=0,
    eos_token_id=2,
    decoder_start_token_id=2,
    forced_bos_token_id=0,
    forced_eos_token_id=2,
)
DISTILBART_CNN_12_6: dict[str, Any] = {**BART_LARGE_CNN, "decoder_layers": 6}


def build_full_vocab_tokenizer(
    directory: Path, sentences: Sequence[str], vocab_size: int = MARIAN_ID_EN["vocab_size"]
) -> Any:
    """A MarianTokenizer whose vocabulary has exactly ``vocab_size`` entries, ``<pad>`` last."""
    import sentencepiece as spm
    from transformers import MarianTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    model = train_sentencepiece(sentences, directory / "source.spm")
    (directory / "target.spm").write_bytes(model.read_bytes())
    sp = spm.SentencePieceProcessor(model_file=str(model))
    vocab = {"</s>": 0, "<unk>": 1}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    # Unused entries give the embedding and output layer their real size.
    while len(vocab) < vocab_size - 1:
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = vocab_size - 1
    (directory / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    return MarianTokenizer(
        str(directory / "source.spm"),
        str(directory / "target.spm"),
        str(directory / "vocab.json"),
        source_lang="id",
        target_lang="en",
    )


def build_random_marian(directory: Path, sentences: Sequence[str], *, seed: int = 0) -> Path:
    """Save a random-weight model of the opus-mt-id-en shape, and its tokenizer, in ``directory``.

    ``forced_eos_token_id`` is off: benchmarks force every output to the same length, and
    with it transformers would spend the last token on EOS while CTranslate2 would not.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel

    tokenizer = build_full_vocab_tokenizer(directory, sentences)
    torch.manual_seed(seed)
    config = MarianConfig(**{**MARIAN_ID_EN, "forced_eos_token_id": None})
    model = MarianMTModel(config).eval()
    pad = config.pad_token_id
    with torch.no_grad():  # CTranslate2 starts decoding from a zero embedding, as trained models do
        model.get_input_embeddings().weight[pad].zero_()
    # The published generation settings, less the forced EOS.
    model.generation_config.num_beams = 6
    model.generation_config.max_length = 512
    model.generation_config.bad_words_ids = [[pad]]
    model.generation_config.forced_eos_token_id = None
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def build_full_vocab_bart_tokenizer(
    directory: Path, sentences: Sequence[str], vocab_size: int = BART_LARGE_CNN["vocab_size"]
) -> Any:
    """A BartTokenizer (byte-level BPE) with exactly ``vocab_size`` entries, ``<mask>`` last:
    trained on ``sentences``, padded with unused entries like the Marian one."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    bpe = ByteLevelBPETokenizer()
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    bpe.train_from_iterator(list(sentences), vocab_size=2000, special_tokens=specials)
    bpe.save_model(str(directory))
    path = directory / "vocab.json"
    vocab = json.loads(path.read_text(encoding="utf-8"))
    while len(vocab) < vocab_size - 1:
        vocab[f"<unused{len(vocab)}>"] = len(vocab)
    vocab["<mask>"] = vocab_size - 1
    path.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return BartTokenizer(str(path), str(directory / "merges.txt"), model_max_length=1024)


def build_random_bart(
    directory: Path,
    sentences: Sequence[str],
    *,
    shape: dict[str, Any] = DISTILBART_CNN_12_6,
    seed: int = 0,
) -> Path:
    """Save a random-weight summariser of ``shape`` (distilbart-cnn-12-6 by default) and a
    full-vocabulary tokenizer in ``directory``."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    tokenizer = build_full_vocab_bart_tokenizer(directory, sentences, shape["vocab_size"])
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(BartConfig(**shape)).eval()
    model.generation_config.num_beams = 4
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


# Published shapes of the larger translation models (config.json of each repository), for
# random-weight speed measurements of the same cost. All are encoder-decoder Transformers
# with 1024-wide layers except MADLAD's T5.
NLLB_600M: dict[str, Any] = dict(
    vocab_size=256206, d_model=1024, encoder_layers=12, decoder_layers=12,
    encoder_attention_heads=16, decoder_attention_heads=16, encoder_ffn_dim=4096,
    decoder_ffn_dim=4096, max_position_embeddings=1024, scale_embedding=True,
    activation_function="relu", pad_token_id=1, bos_token_id=0, eos_token_id=2,
    decoder_start_token_id=2,
)  # fmt: skip
M2M100_418M: dict[str, Any] = {**NLLB_600M, "vocab_size": 128112}


def build_random_m2m100(directory: Path, shape: dict[str, Any], *, seed: int = 0) -> Path:
    """Save a random-weight model of an NLLB or M2M-100 ``shape`` with the tiny NLLB
    tokenizer: the ids it does not name become unused entries when converted (so the
    embedding and output projection have their real size)."""
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    from app.engines.families import NLLB
    from app.engines.tiny_families import _fairseq_tokenizer

    _fairseq_tokenizer(directory, NLLB, "NllbTokenizer")
    torch.manual_seed(seed)
    model = M2M100ForConditionalGeneration(M2M100Config(**shape)).eval()
    model.save_pretrained(directory)
    return directory
