"""The transformers engine and what the loader decides before it: where the model is,
and clear messages when it cannot be loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.core.errors import ModelNotFound
from app.engines.base import GenerationOptions
from app.engines.hf import HFEngine
from app.engines.loader import load_engine
from app.engines.model_files import locate_model
from app.engines.placement import choose_backend
from app.engines.tiny import PAIRS

GREEDY = GenerationOptions(beam_size=1)


def test_auto_backend_is_ctranslate2_when_installed() -> None:
    pytest.importorskip("ctranslate2")
    assert choose_backend("auto") == "ctranslate2"
    assert choose_backend("transformers") == "transformers"


def test_a_model_directory_is_used_as_is(tiny_marian_dir: Path) -> None:
    assert locate_model(str(tiny_marian_dir), "translation") == tiny_marian_dir


def test_a_missing_directory_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "opus-mt-id-en"
    with pytest.raises(ModelNotFound) as caught:
        locate_model(str(missing), "translation")
    assert str(missing) in caught.value.message
    assert "does not exist" in caught.value.message
    assert "WARTA_TRANSLATION_MODEL" in caught.value.message


def test_a_directory_without_config_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="no config.json"):
        locate_model(str(tmp_path), "summarization")


def test_an_uncached_hub_id_offline_says_how_to_get_it() -> None:
    model = "warta-tests/not-a-real-model"
    with pytest.raises(ModelNotFound) as caught:
        locate_model(model, "translation", allow_download=False)
    assert "not in the local Hugging Face cache" in caught.value.message
    assert f"warta models pull --translation {model}" in caught.value.message


def test_a_failed_download_gives_one_clear_message() -> None:
    # HF_HUB_OFFLINE=1 (tests/conftest.py) makes the download fail without the network.
    with pytest.raises(ModelNotFound) as caught:
        locate_model("warta-tests/not-a-real-model", "summarization")
    message = caught.value.message
    assert "downloading it failed" in message
    assert "WARTA_SUMMARIZATION_MODEL" in message and "none" in message


def _broken_copy(source: Path, target: Path, *, drop: tuple[str, ...] = ()) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*drop))
    return target


def test_missing_tokenizer_files_are_reported_as_such(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    broken = _broken_copy(tiny_marian_dir, tmp_path / "m", drop=("*.spm", "vocab.json"))
    with pytest.raises(ModelNotFound) as caught:
        HFEngine(broken, name=str(broken), role="translation")
    assert "tokenizer" in caught.value.message and str(broken) in caught.value.message


def test_corrupt_weights_are_reported_as_such(tiny_marian_dir: Path, tmp_path: Path) -> None:
    broken = _broken_copy(tiny_marian_dir, tmp_path / "m")
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ModelNotFound) as caught:
        HFEngine(broken, name=str(broken), role="translation")
    assert "weights" in caught.value.message and str(broken) in caught.value.message


def test_missing_weights_are_reported_as_such(tiny_marian_dir: Path, tmp_path: Path) -> None:
    broken = _broken_copy(tiny_marian_dir, tmp_path / "m", drop=("*.safetensors",))
    with pytest.raises(ModelNotFound, match="weights"):
        load_engine(str(broken), role="translation", engine="transformers", device="cpu")


def test_engine_reports_what_it_runs(tiny_hf_engine: HFEngine) -> None:
    info = tiny_hf_engine.info
    assert (info.role, info.engine, info.device, info.compute_type) == (
        "translation",
        "transformers",
        "cpu",
        "float32",
    )
    assert tiny_hf_engine.max_input_tokens == 128  # the tiny model's position limit


def test_tokens_are_counted_with_the_end_of_sentence_token(tiny_hf_engine: HFEngine) -> None:
    source = PAIRS[1][0]
    pieces = tiny_hf_engine.tokenizer.tokenize(source)
    assert tiny_hf_engine.count_tokens([source, ""]) == [len(pieces) + 1, 1]


def test_translates_in_input_order_with_greedy_and_beam(tiny_hf_engine: HFEngine) -> None:
    sources = [source for source, _ in reversed(PAIRS)]
    expected = [target for _, target in reversed(PAIRS)]
    assert tiny_hf_engine.generate(sources, GREEDY) == expected
    assert tiny_hf_engine.generate(sources, GenerationOptions(beam_size=4)) == expected
    assert tiny_hf_engine.generate([], GREEDY) == []


def test_load_engine_with_transformers(tiny_marian_dir: Path) -> None:
    engine = load_engine(
        str(tiny_marian_dir), role="translation", engine="transformers", device="cpu", threads=1
    )
    assert isinstance(engine, HFEngine)
    assert engine.generate([PAIRS[3][0]], GREEDY) == [PAIRS[3][1]]
