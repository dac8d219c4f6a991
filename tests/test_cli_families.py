"""`warta translate` with a model of each family, on both engines: exact translations,
the Javanese code, and a clear error for a language the model lacks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.engines.tiny import PAIRS
from app.engines.tiny_families import JAVANESE

ARTICLE = f"{PAIRS[0][0]} {PAIRS[1][0]}\n\n{PAIRS[2][0]}\n"
EXPECTED = f"{PAIRS[0][1]} {PAIRS[1][1]}\n\n{PAIRS[2][1]}\n"
CASES = [
    (f, e) for f in ("nllb", "m2m100", "madlad", "mbart50") for e in ("transformers", "ctranslate2")
]


def warta(model: Path, engine: str, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "WARTA_TRANSLATION_MODEL": str(model),
        "WARTA_ENGINE": engine,
        "WARTA_DEVICE": "cpu",
        "WARTA_CACHE_DIR": str(cache),
        "HF_HUB_OFFLINE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "translate", *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(("family", "engine"), CASES)
def test_translate_command_is_exact(
    family: str, engine: str, tiny_family_dir: Callable[[str], Path], tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = warta(tiny_family_dir(family), engine, tmp_path / "cache", str(article))
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED


@pytest.mark.parametrize("engine", ["transformers", "ctranslate2"])
def test_javanese_source_and_a_language_the_model_lacks(
    engine: str, tiny_family_dir: Callable[[str], Path], tmp_path: Path
) -> None:
    source, english = JAVANESE
    text = tmp_path / "jv.txt"
    text.write_text(source, encoding="utf-8")
    told = warta(tiny_family_dir("nllb"), engine, tmp_path / "cache", str(text), "--source", "jv")
    assert told.returncode == 0, told.stderr
    assert told.stdout.strip() == english
    lacking = tiny_family_dir("mbart50")
    refused = warta(lacking, engine, tmp_path / "cache", str(text), "--source", "jv")
    assert refused.returncode != 0
    assert refused.stdout == ""
    assert "Javanese" in refused.stderr and str(lacking) in refused.stderr
    assert "Traceback" not in refused.stderr
