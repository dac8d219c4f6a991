"""The CTranslate2 engine on the tiny trained Marian model: same greedy output as the
transformers engine, cached atomic conversion, decoding options honoured."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from app.core.errors import MissingDependency
from app.engines.base import GenerationOptions
from app.engines.convert import convert_model, converted_dir, model_revision
from app.engines.ct2 import CT2Engine
from app.engines.loader import load_engine
from app.engines.placement import Placement
from app.engines.tiny import PAIRS

pytest.importorskip("ctranslate2")

CPU_INT8 = Placement("cpu", "float32", "int8")
CPU_FP32 = Placement("cpu", "float32", "float32")
GREEDY = GenerationOptions(beam_size=1)
UNSEEN = [
    "Kata juru bicara di Beijing pada Senin.",
    "Warga diminta tetap tenang dan mengikuti arahan petugas di lapangan.",
    "Tiongkok menyatakan dukungan kepada Turki.",
    "Harga beras naik.",
]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("warta-cache")


def _load(model_dir: Path, cache_dir: Path, placement: Placement = CPU_INT8) -> CT2Engine:
    return CT2Engine.from_pretrained(
        model_dir,
        name="tiny-marian",
        role="translation",
        placement=placement,
        threads=1,
        cache_dir=cache_dir,
    )


@pytest.fixture(scope="module")
def ct2_int8(tiny_marian_dir: Path, cache_dir: Path) -> CT2Engine:
    return _load(tiny_marian_dir, cache_dir)


@pytest.fixture(scope="module")
def ct2_fp32(tiny_marian_dir: Path, cache_dir: Path) -> CT2Engine:
    return _load(tiny_marian_dir, cache_dir, CPU_FP32)


def test_int8_engine_translates_the_trained_sentences(ct2_int8: CT2Engine) -> None:
    sources = [source for source, _ in PAIRS]
    for beam in (1, 4):
        outputs = ct2_int8.generate(sources, GenerationOptions(beam_size=beam))
        assert outputs == [target for _, target in PAIRS]


def test_info_reports_the_backend_and_real_precision(ct2_int8: CT2Engine) -> None:
    assert ct2_int8.info.engine == "ctranslate2"
    assert ct2_int8.info.device == "cpu"
    assert ct2_int8.info.compute_type.startswith("int8")
    assert ct2_int8.max_input_tokens == 128  # the tiny model's position limit


def test_greedy_output_equals_the_transformers_engine(ct2_fp32: CT2Engine, tiny_hf_engine) -> None:  # type: ignore[no-untyped-def]
    texts = [source for source, _ in PAIRS] + UNSEEN
    assert ct2_fp32.generate(texts, GREEDY) == tiny_hf_engine.generate(texts, GREEDY)


@pytest.mark.parametrize(
    "options",
    [
        GenerationOptions(beam_size=1, min_new_tokens=12, max_new_tokens=12),
        GenerationOptions(beam_size=1, max_new_tokens=3),
        GenerationOptions(beam_size=1, no_repeat_ngram_size=2, min_new_tokens=20),
        GenerationOptions(beam_size=1, repetition_penalty=1.5, min_new_tokens=20),
    ],
)
def test_decoding_options_act_as_in_the_transformers_engine(
    ct2_fp32: CT2Engine,
    tiny_hf_engine,  # type: ignore[no-untyped-def]
    options: GenerationOptions,
) -> None:
    texts = [PAIRS[0][0], UNSEEN[1]]
    assert ct2_fp32.generate(texts, options) == tiny_hf_engine.generate(texts, options)


def test_output_limit_cuts_at_that_many_tokens(ct2_fp32: CT2Engine) -> None:
    source, target = PAIRS[0]
    for limit in (2, 5):
        options = GenerationOptions(beam_size=1, max_new_tokens=limit)
        (output,) = ct2_fp32.generate([source], options)
        assert target.startswith(output) and output != target
        assert len(ct2_fp32.tokenizer.encode([output])[0]) == limit + 1  # and </s>


def test_count_tokens_matches_the_transformers_engine(ct2_int8: CT2Engine, tiny_hf_engine) -> None:  # type: ignore[no-untyped-def]
    texts = [source for source, _ in PAIRS]
    assert ct2_int8.count_tokens(texts) == tiny_hf_engine.count_tokens(texts)
    assert ct2_int8.generate([], GREEDY) == []


def test_conversion_is_cached_per_model_revision_and_quantisation(
    tiny_marian_dir: Path, cache_dir: Path, ct2_int8: CT2Engine, ct2_fp32: CT2Engine
) -> None:
    revision = model_revision(tiny_marian_dir)
    int8_dir = converted_dir(cache_dir, "tiny-marian", revision, "int8")
    fp32_dir = converted_dir(cache_dir, "tiny-marian", revision, "float32")
    assert (int8_dir / "model.bin").is_file() and (fp32_dir / "model.bin").is_file()
    assert (int8_dir / "model.bin").stat().st_size < (fp32_dir / "model.bin").stat().st_size
    before = (int8_dir / "model.bin").stat().st_mtime_ns
    assert (
        convert_model(tiny_marian_dir, name="tiny-marian", quantization="int8", cache_dir=cache_dir)
        == int8_dir
    )
    assert (int8_dir / "model.bin").stat().st_mtime_ns == before
    leftovers = [p.name for p in int8_dir.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_second_load_does_not_convert_again(
    tiny_marian_dir: Path, cache_dir: Path, ct2_int8: CT2Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ctranslate2.converters

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", refuse)
    engine = _load(tiny_marian_dir, cache_dir)
    assert engine.generate([PAIRS[1][0]], GREEDY) == [PAIRS[1][1]]


def test_revision_follows_the_weights_and_the_hub_snapshot(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"1234")
    first = model_revision(tmp_path)
    (tmp_path / "model.safetensors").write_bytes(b"123456")
    assert model_revision(tmp_path) != first
    snapshot = tmp_path / "models--org--m" / "snapshots" / ("ab12" * 10)
    snapshot.mkdir(parents=True)
    assert model_revision(snapshot) == ("ab12" * 10)[:12]


def test_cache_folder_names_are_safe_and_distinct(tmp_path: Path) -> None:
    hub = converted_dir(tmp_path, "Helsinki-NLP/opus-mt-id-en", "abc", "int8")
    local = converted_dir(tmp_path, "/srv/models/opus", "abc", "int8")
    assert hub.parent == local.parent == tmp_path / "ct2"
    assert "/" not in hub.name and hub.name.startswith("Helsinki-NLP--opus-mt-id-en")
    assert hub != converted_dir(tmp_path, "Helsinki-NLP/opus-mt-id-en", "abc", "float16")


def test_a_crash_during_conversion_leaves_no_half_model(
    tiny_marian_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ctranslate2.converters

    class Crashing:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def convert(self, output_dir: str, **kwargs: object) -> str:
            os.makedirs(output_dir)
            Path(output_dir, "model.bin").write_bytes(b"half")
            raise KeyboardInterrupt

    monkeypatch.setattr(ctranslate2.converters, "TransformersConverter", Crashing)
    with pytest.raises(KeyboardInterrupt):
        convert_model(tiny_marian_dir, name="tiny", quantization="int8", cache_dir=tmp_path)
    assert list((tmp_path / "ct2").iterdir()) == []


def test_missing_ctranslate2_names_the_extra(
    tiny_marian_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    with pytest.raises(MissingDependency, match=r"warta\[ct2\]"):
        _load(tiny_marian_dir, tmp_path)


def test_load_engine_picks_ctranslate2(tiny_marian_dir: Path, cache_dir: Path) -> None:
    engine = load_engine(
        str(tiny_marian_dir),
        role="translation",
        engine="ctranslate2",
        device="cpu",
        threads=1,
        cache_dir=cache_dir,
    )
    assert isinstance(engine, CT2Engine)
    assert engine.generate([PAIRS[2][0]], GREEDY) == [PAIRS[2][1]]


def test_models_convert_command_fills_the_cache_the_engine_reads(
    tiny_marian_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from app.cli import app

    monkeypatch.setenv("WARTA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("WARTA_DEVICE", "cpu")
    runner = CliRunner()
    done = runner.invoke(app, ["models", "convert", "--translation", str(tiny_marian_dir)])
    assert done.exit_code == 0, done.output
    expected = converted_dir(
        tmp_path, str(tiny_marian_dir), model_revision(tiny_marian_dir), "int8"
    )
    assert (expected / "model.bin").is_file()
    assert str(expected) in done.stdout
    bad = runner.invoke(app, ["models", "convert", "--quantization", "int3"])
    assert bad.exit_code == 1 and "int8" in bad.output
    missing = runner.invoke(app, ["models", "convert", "--translation", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "does not exist" in missing.output


@pytest.mark.parametrize("forced_bos", [False, True])
def test_bart_summariser_output_equals_the_transformers_engine(
    tiny_bart_dir: Path, tmp_path: Path, forced_bos: bool
) -> None:
    from app.engines.hf import HFEngine

    model_dir = tmp_path / "bart"
    shutil.copytree(tiny_bart_dir, model_dir)
    if forced_bos:  # as the published BART summarisers do: always start with <s>
        path = model_dir / "generation_config.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), "forced_bos_token_id": 0}))
    hf = HFEngine(model_dir, name="tiny-bart", role="summarization", threads=1)
    ct2 = CT2Engine.from_pretrained(
        model_dir,
        name="tiny-bart",
        role="summarization",
        placement=CPU_FP32,
        threads=1,
        cache_dir=tmp_path / "cache",
    )
    texts = [PAIRS[0][1], PAIRS[2][1]]
    outputs = []
    for options in (
        GenerationOptions(beam_size=1, min_new_tokens=6, max_new_tokens=6),
        GenerationOptions(beam_size=1, min_new_tokens=3, max_new_tokens=9),
        GenerationOptions(beam_size=1, max_new_tokens=12, no_repeat_ngram_size=2),
    ):
        outputs += hf.generate(texts, options)
        assert ct2.generate(texts, options) == outputs[-2:]
    assert any(outputs)  # the comparison covered real tokens, not only empty strings
