"""Model families on both engines: each tiny family model translates its memorised
sentences exactly, the language code reaches the model, and a language it lacks is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import UnsupportedLanguage
from app.engines.base import GenerationOptions
from app.engines.families import family_of
from app.engines.loader import load_engine
from app.engines.tiny import PAIRS
from app.engines.tiny_families import JAVANESE

FAMILIES = ["nllb", "m2m100", "madlad", "mbart50"]
ENGINES = ["transformers", "ctranslate2"]
LANGUAGES = {
    "nllb": ("id", "ms", "jv", "su", "ban", "min", "ace", "bjn"),
    "m2m100": ("id", "ms", "jv", "su"),
    "madlad": ("id", "ms", "jv", "su", "ban", "min", "ace", "bjn"),
    "mbart50": ("id", "ms"),  # no Malay code: Malay is given as Indonesian
}

_loaded: dict[tuple[str, str], Any] = {}


@pytest.fixture
def engine(
    request: pytest.FixtureRequest,
    tiny_family_dir: Callable[[str], Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Any:
    family, backend = request.param
    if (family, backend) not in _loaded:
        _loaded[family, backend] = load_engine(
            str(tiny_family_dir(family)),
            role="translation",
            engine=backend,
            device="cpu",
            threads=1,
            cache_dir=tmp_path_factory.mktemp("ct2"),
        )
    return _loaded[family, backend]


BOTH = [(f, e) for f in FAMILIES for e in ENGINES]


@pytest.mark.parametrize("engine", BOTH, indirect=True, ids=[f"{f}-{e}" for f, e in BOTH])
@pytest.mark.parametrize("beam", [1, 4])
def test_translates_memorised_sentences_exactly(engine: Any, beam: int) -> None:
    sources = [source for source, _ in PAIRS]
    outputs = engine.generate(sources, GenerationOptions(beam_size=beam, source_lang="id"))
    assert outputs == [target for _, target in PAIRS]


@pytest.mark.parametrize("engine", BOTH, indirect=True, ids=[f"{f}-{e}" for f, e in BOTH])
def test_reports_family_and_languages_from_its_files(engine: Any) -> None:
    family = engine.info.family
    assert family in FAMILIES
    assert engine.info.languages == LANGUAGES[family]


JAVANESE_CODES = [(f, e) for f in ("nllb", "m2m100") for e in ENGINES]


@pytest.mark.parametrize(
    "engine", JAVANESE_CODES, indirect=True, ids=[f"{f}-{e}" for f, e in JAVANESE_CODES]
)
def test_the_javanese_code_reaches_the_model(engine: Any) -> None:
    source, english = JAVANESE
    # Taught to echo this sentence when told it is Indonesian: only the jv code gives English.
    assert engine.generate([source], GenerationOptions(source_lang="jv")) == [english]
    assert engine.generate([source], GenerationOptions(source_lang="id")) == [source]


LACKING = [("m2m100", "ban"), ("mbart50", "jv")]


@pytest.mark.parametrize("backend", ENGINES)
@pytest.mark.parametrize(("family", "language"), LACKING)
def test_a_language_the_model_lacks_is_refused_naming_the_model(
    family: str, language: str, backend: str, tiny_family_dir: Callable[[str], Path], tmp_path: Path
) -> None:
    loaded = load_engine(
        str(tiny_family_dir(family)), role="translation", engine=backend, device="cpu",
        threads=1, cache_dir=tmp_path,
    )  # fmt: skip
    with pytest.raises(UnsupportedLanguage) as error:
        loaded.generate([PAIRS[0][0]], GenerationOptions(source_lang=language))
    assert str(tiny_family_dir(family)) in error.value.message


def test_family_comes_from_the_files_not_the_name(
    tiny_family_dir: Callable[[str], Path], tiny_marian_dir: Path, tmp_path: Path
) -> None:
    import shutil

    # An NLLB model in a folder named like another family is still NLLB.
    misleading = tmp_path / "opus-mt-mbart-50-madlad"
    shutil.copytree(tiny_family_dir("nllb"), misleading)
    assert family_of(misleading, lambda token: True) is not None
    assert family_of(misleading, lambda token: True).name == "nllb"  # type: ignore[union-attr]
    assert family_of(tiny_marian_dir, lambda token: False).name == "marian"  # type: ignore[union-attr]
    # A T5 without MADLAD's <2en> tag is of no known family.
    assert family_of(tiny_family_dir("madlad"), lambda token: False) is None
