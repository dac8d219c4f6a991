"""A missing optional dependency stops with a message that names the extra to install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.core.errors import MissingDependency
from app.engines.convert import convert_model
from app.engines.ct2_tokenizers import load_tokenizer
from app.engines.loader import load_engine
from app.engines.placement import choose_backend


def _uninstall(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)


def test_the_transformers_engine_without_torch_names_its_extra(
    monkeypatch: pytest.MonkeyPatch, tiny_marian_dir: Path
) -> None:
    _uninstall(monkeypatch, "torch")
    with pytest.raises(MissingDependency, match=r"pip install 'warta\[transformers\]'"):
        load_engine(str(tiny_marian_dir), role="translation", engine="transformers")


def test_with_neither_engine_installed_both_extras_are_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _uninstall(monkeypatch, "ctranslate2", "transformers")
    with pytest.raises(MissingDependency) as caught:
        choose_backend("auto")
    assert "warta[transformers]" in caught.value.message
    assert "warta[ct2]" in caught.value.message


def test_converting_without_torch_names_the_convert_extra(
    monkeypatch: pytest.MonkeyPatch, tiny_marian_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("ctranslate2")
    _uninstall(monkeypatch, "torch", "transformers")
    with pytest.raises(MissingDependency, match=r"warta\[convert\]") as caught:
        convert_model(tiny_marian_dir, name="tiny", quantization="int8", cache_dir=tmp_path)
    assert "torch and transformers" in caught.value.message


@pytest.mark.parametrize(
    ("model", "library"), [("marian", "sentencepiece"), ("bart", "tokenizers")]
)
def test_a_tokenizer_library_missing_names_the_ct2_extra(
    monkeypatch: pytest.MonkeyPatch,
    tiny_marian_dir: Path,
    tiny_bart_dir: Path,
    model: str,
    library: str,
) -> None:
    _uninstall(monkeypatch, library)
    model_dir = tiny_marian_dir if model == "marian" else tiny_bart_dir
    with pytest.raises(MissingDependency, match=rf"{library} package: pip install 'warta\[ct2\]'"):
        load_tokenizer(model_dir)
