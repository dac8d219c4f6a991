"""The CTranslate2 engine's own tokenisers give exactly the tokens and text of the
transformers tokenizer, on real Indonesian news sentences, for Marian and BART: the tiny
test models, the full-vocabulary benchmark tokenizers, and BART as older repositories
ship it (vocab.json + merges.txt, no tokenizer.json)."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import MissingDependency
from app.engines.ct2_tokenizers import load_tokenizer
from app.engines.tiny import PAIRS
from app.engines.tokenizer import TransformersTokenizer, tokenizer_kind
from bench.models import build_full_vocab_bart_tokenizer, build_full_vocab_tokenizer

NEWS = Path(__file__).parents[1] / "data" / "news-sentences-id.txt"
SENTENCES = [line for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
# Inputs where tokenisers often part ways: special tokens written in the text, a Marian
# language code, odd whitespace, characters no training text had.
EDGES = [
    "",
    " ",
    "Harga </s> naik",
    "kata <unk> itu",
    "a <pad> b <mask>c",
    "<s>Judul</s>",
    ">>eng<< Harga beras naik.",
    "dua  spasi\tdan tab ",
    "emoji 😀, ñ, 北京",
]
TEXTS = SENTENCES + EDGES + [target for _, target in PAIRS]


def test_the_news_fixture_has_what_tokenisers_trip_over() -> None:
    text = "".join(SENTENCES)
    for char in "“”„«»–—…’\u00a0\t%°±":
        assert char in text, char
    assert len(SENTENCES) >= 15


def _hub_style_bart(tiny_bart_dir: Path, target: Path) -> Path:
    """BART as distilbart-cnn-12-6 ships it: vocab.json + merges.txt, a bare config."""
    shutil.copytree(tiny_bart_dir, target)
    (target / "tokenizer.json").unlink()
    (target / "tokenizer_config.json").write_text('{"model_max_length": 1024}')
    return target


def _full_vocab(builder: Callable[..., Any], target: Path) -> Path:
    builder(target, SENTENCES * 4).save_pretrained(target)
    return target


@pytest.fixture(scope="module", params=["marian", "bart", "bart-hub", "marian-full", "bart-full"])
def tokenizer_dir(
    request: pytest.FixtureRequest,
    tiny_marian_dir: Path,
    tiny_bart_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    where = tmp_path_factory.mktemp(request.param) / "model"
    return {
        "marian": lambda: tiny_marian_dir,
        "bart": lambda: tiny_bart_dir,
        "bart-hub": lambda: _hub_style_bart(tiny_bart_dir, where),
        "marian-full": lambda: _full_vocab(build_full_vocab_tokenizer, where),
        "bart-full": lambda: _full_vocab(build_full_vocab_bart_tokenizer, where),
    }[request.param]()


@pytest.fixture(scope="module")
def pair(tokenizer_dir: Path) -> tuple[Any, Any]:
    """(ours, the transformers tokenizer) of one model."""
    from transformers import AutoTokenizer

    return load_tokenizer(tokenizer_dir), AutoTokenizer.from_pretrained(str(tokenizer_dir))


def _reference_tokens(reference: Any, text: str, **kwargs: Any) -> list[str]:
    ids = reference(text, add_special_tokens=True, **kwargs)["input_ids"]
    return list(reference.convert_ids_to_tokens(ids))


def test_our_tokeniser_is_used_not_transformers(pair: tuple[Any, Any]) -> None:
    ours, _ = pair
    assert not isinstance(ours, TransformersTokenizer)


def test_tokens_equal_the_transformers_tokenizer(pair: tuple[Any, Any]) -> None:
    ours, reference = pair
    assert ours.encode(TEXTS) == [_reference_tokens(reference, text) for text in TEXTS]


@pytest.mark.parametrize("max_tokens", [2, 3, 24])
def test_truncation_keeps_the_same_tokens(pair: tuple[Any, Any], max_tokens: int) -> None:
    ours, reference = pair
    expected = [
        _reference_tokens(reference, text, truncation=True, max_length=max_tokens) for text in TEXTS
    ]
    assert ours.encode(TEXTS, max_tokens) == expected


def test_decoding_equals_the_transformers_tokenizer(pair: tuple[Any, Any]) -> None:
    ours, reference = pair
    encoded = ours.encode(TEXTS)
    # Model outputs as CTranslate2 returns them: plain, with special tokens anywhere, and
    # with token strings the vocabulary lacks.
    outputs = encoded + [tokens[::-1] for tokens in encoded] + [["nonsense-token", *encoded[0]]]
    expected = reference.batch_decode(
        [reference.convert_tokens_to_ids(tokens) for tokens in outputs], skip_special_tokens=True
    )
    assert ours.decode(outputs) == expected
    assert any(text.strip() for text in expected)


def test_a_token_id_names_the_same_token(pair: tuple[Any, Any]) -> None:
    ours, reference = pair
    for token_id in (0, 1, 2, 5, len(reference) - 1):
        assert ours.token(token_id) == reference.convert_ids_to_tokens(token_id)


def test_marian_cleans_up_spaces_when_its_config_asks(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    from transformers import AutoTokenizer

    model = tmp_path / "marian"
    shutil.copytree(tiny_marian_dir, model)
    config_path = model / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config["clean_up_tokenization_spaces"] = True
    config_path.write_text(json.dumps(config))
    ours, reference = load_tokenizer(model), AutoTokenizer.from_pretrained(str(model))
    outputs = ours.encode(["Harga naik , kata dia . Benar ?", *SENTENCES])
    expected = reference.batch_decode(
        [reference.convert_tokens_to_ids(tokens) for tokens in outputs], skip_special_tokens=True
    )
    assert ours.decode(outputs) == expected


def test_other_tokenizers_are_left_to_transformers(tiny_bart_dir: Path, tmp_path: Path) -> None:
    model = tmp_path / "other"
    shutil.copytree(tiny_bart_dir, model)
    config_path = model / "tokenizer_config.json"
    config_path.write_text(json.dumps({**json.loads(config_path.read_text()),
                                       "tokenizer_class": "PreTrainedTokenizerFast"}))  # fmt: skip
    assert tokenizer_kind(model) == "transformers"
    tokenizer = load_tokenizer(model)
    assert isinstance(tokenizer, TransformersTokenizer)
    assert tokenizer.decode(tokenizer.encode([PAIRS[0][1]])) == [PAIRS[0][1]]


def test_without_transformers_other_tokenizers_name_the_extra(
    tiny_bart_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)
    model = tmp_path / "other"
    shutil.copytree(tiny_bart_dir, model)
    (model / "tokenizer_config.json").write_text('{"tokenizer_class": "T5Tokenizer"}')
    with pytest.raises(MissingDependency, match=r"warta\[transformers\]"):
        load_tokenizer(model)
