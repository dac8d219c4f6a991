"""With a converted CTranslate2 model, `warta translate`, `warta article` and `warta serve`
never import torch or transformers (`python -X importtime` lists every module a process
imports): a CTranslate2-only install serves without them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from app.engines.convert import convert_model
from app.engines.tiny import PAIRS
from tests.servers import free_port, is_ready, stop, wait_for

pytest.importorskip("ctranslate2")

HEAVY = {"torch", "transformers"}


@pytest.fixture(scope="module")
def lean_env(
    tiny_marian_dir: Path, tiny_bart_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """Both tiny models converted (int8) where the CLI and server look for them."""
    cache = tmp_path_factory.mktemp("warta-cache")
    for model in (tiny_marian_dir, tiny_bart_dir):
        convert_model(model, name=str(model), quantization="int8", cache_dir=cache)
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "WARTA_CACHE_DIR": str(cache),
        "WARTA_ENGINE": "ctranslate2",
        "WARTA_DEVICE": "cpu",
        "WARTA_THREADS": "1",
        "WARTA_TRANSLATION_MODEL": str(tiny_marian_dir),
        "WARTA_SUMMARIZATION_MODEL": str(tiny_bart_dir),
    }


def imported_modules(importtime_log: str) -> set[str]:
    """Module names from ``-X importtime`` lines ("import time: self | cumulative | name")."""
    names = set()
    for line in importtime_log.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def heavy_imports(modules: set[str]) -> set[str]:
    return {name for name in modules if name.split(".")[0] in HEAVY}


def warta(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "app.cli", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=300, check=False,
    )  # fmt: skip


def test_translate_imports_neither_torch_nor_transformers(
    lean_env: dict[str, str], tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(f"{PAIRS[0][0]}\n\n{PAIRS[1][0]}\n", encoding="utf-8")
    done = warta("translate", str(article), env=lean_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == f"{PAIRS[0][1]}\n\n{PAIRS[1][1]}\n"
    modules = imported_modules(done.stderr)
    assert {"ctranslate2", "sentencepiece", "app.engines.ct2"} <= modules
    assert heavy_imports(modules) == set()


def test_article_with_a_summariser_imports_neither(
    lean_env: dict[str, str], tmp_path: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(" ".join(source for source, _ in PAIRS), encoding="utf-8")
    done = warta("article", str(article), "--mode", "abstractive", "--json", env=lean_env,
                 cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["summary_mode"] == "abstractive"
    modules = imported_modules(done.stderr)
    assert {"tokenizers", "app.engines.bpe"} <= modules  # the BART summariser was loaded
    assert heavy_imports(modules) == set()


def _post(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return dict(json.load(response))


def test_serve_imports_neither_while_serving(lean_env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "app.cli", "serve",
             "--host", "127.0.0.1", "--port", str(port)],
            env=lean_env, cwd=tmp_path, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(lambda: is_ready(base), server, log, limit_s=120)
            body = _post(f"{base}/v1/translate", {"texts": [PAIRS[2][0]], "source_lang": "id"})
            assert body["translations"] == [
                {**body["translations"][0], "text": PAIRS[2][1]}  # type: ignore[index]
            ]
            article = " ".join(source for source, _ in PAIRS)
            summary = _post(f"{base}/v1/articles", {"text": article, "mode": "abstractive"})
            assert summary["summary_mode"] == "abstractive"
        finally:
            stop(server)
    modules = imported_modules(log.read_text())
    assert {"uvicorn", "app.main", "app.engines.ct2", "app.engines.bpe"} <= modules
    assert heavy_imports(modules) == set()
