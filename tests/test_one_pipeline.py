"""One pipeline for every caller: the command line (direct driver) and the server
(cross-request batcher) give the same article the same translation, sentence for sentence."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.core.config import Settings
from app.engines.base import GenerationOptions
from app.engines.tiny import PAIRS
from app.main import create_app
from app.services.batcher import Batcher, direct, generate_for
from app.services.detect import default_detector
from app.services.translate import TranslationPipeline, TranslationResult
from tests.fakes import FakeEngine

(S0, T0), (S1, T1), (S2, T2), (S3, T3), (S4, T4), _ = PAIRS
ARTICLE = f"{S0} {S1}\n\n{S2} {S3}\n\n{S4} {S1}\n"
EXPECTED = f"{T0} {T1}\n\n{T2} {T3}\n\n{T4} {T1}"


def _settings_env(model: Path, cache: Path) -> dict[str, str]:
    return {
        "WARTA_TRANSLATION_MODEL": str(model),
        "WARTA_SUMMARIZATION_MODEL": "none",
        "WARTA_ENGINE": "ctranslate2",
        "WARTA_DEVICE": "cpu",
        "WARTA_THREADS": "1",
        "WARTA_CACHE_DIR": str(cache),
        "HF_HUB_OFFLINE": "1",
    }


def _cli(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args, "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _rows(segments: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(s["paragraph"], s["source"], s["translation"], list(s["flags"])) for s in segments]


def test_cli_and_server_translate_an_article_identically(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    env = _settings_env(tiny_marian_dir, tmp_path / "cache")
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")

    cli_translate = _cli(env, "translate", str(article))
    cli_article = _cli(env, "article", str(article), "--mode", "extractive")

    settings = Settings(**{k[6:].lower(): v for k, v in env.items() if k.startswith("WARTA_")})
    with TestClient(create_app(settings, detector=default_detector())) as client:
        api_translate = client.post(
            "/v1/translate", json={"texts": [ARTICLE], "return_segments": True}
        ).json()["translations"][0]
        api_article = client.post(
            "/v1/articles", json={"text": ARTICLE, "mode": "extractive"}
        ).json()

    texts = [
        cli_translate["text"],
        cli_article["translation"],
        api_translate["text"],
        api_article["translation"],
    ]
    assert texts == [EXPECTED] * 4
    rows = _rows(api_translate["segments"])
    assert rows == [
        (0, S0, T0, []),
        (0, S1, T1, []),
        (1, S2, T2, []),
        (1, S3, T3, []),
        (2, S4, T4, []),
        (2, S1, T1, []),
    ]
    for other in (cli_translate["segments"], cli_article["segments"], api_article["segments"]):
        assert _rows(other) == rows
    assert cli_article == {**api_article, "stats": cli_article["stats"]}  # timing aside


class Stutterer(FakeEngine):
    """Loops on sentences with 'ulang' unless decoding forbids repeats: the degenerate
    output retry must rescue them on either driver."""

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        outputs = super().generate(texts, options)
        if options.no_repeat_ngram_size:
            return outputs
        looping = ["lagi lagi lagi lagi" if "ulang" in t else None for t in texts]
        return [loop or out for loop, out in zip(looping, outputs, strict=True)]


def test_both_drivers_run_the_same_pipeline_retry_included() -> None:
    texts = ["Kalimat biasa saja. Kalimat ini ulang terus.\n\nParagraf kedua di sini.", "Satu."]

    async def through_both() -> tuple[list[TranslationResult], list[TranslationResult]]:
        engine = Stutterer()
        pipeline = TranslationPipeline(engine.count_tokens, engine.max_input_tokens)
        batcher = Batcher(engine, max_batch_tokens=4096, max_wait_s=0.001, max_queue=100)
        batcher.start()
        try:
            served = await pipeline.translate(texts, generate_for(batcher))
        finally:
            batcher.close()
        return await pipeline.translate(texts, direct(engine)), served

    local, served = asyncio.run(through_both())
    assert local == served
    assert [s.translation for s in local[0].segments] == [
        "EN:KALIMAT BIASA SAJA.",
        "EN:KALIMAT INI ULANG TERUS.",
        "EN:PARAGRAF KEDUA DI SINI.",
    ]
    assert all(s.flags == () for s in local[0].segments)
