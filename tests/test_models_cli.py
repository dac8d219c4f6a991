"""``warta models pull`` and ``warta models list``, run as a user runs them (a subprocess),
against a Hugging Face cache laid out on disk the way the hub client writes it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.engines.model_files import human_size
from app.engines.tiny import PAIRS

ROOT = Path(__file__).resolve().parents[1]
REPO_ID = "warta-test/tiny-marian"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def put_in_hf_cache(
    model_dir: Path, hub_dir: Path, repo_id: str, commit: str, *, main: bool = True
) -> int:
    """Lay ``model_dir`` out as ``huggingface_hub`` caches a download of ``commit`` (the
    head of ``main`` unless told otherwise); returns the bytes."""
    repo = hub_dir / ("models--" + repo_id.replace("/", "--"))
    (repo / "blobs").mkdir(parents=True, exist_ok=True)
    (repo / "refs").mkdir(exist_ok=True)
    if main:
        (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    snapshot.mkdir(parents=True)
    blob_sizes = {}  # identical files (source.spm, target.spm) share one blob, as on the hub
    for file in sorted(p for p in model_dir.iterdir() if p.is_file()):
        data = file.read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        (snapshot / file.name).symlink_to(os.path.relpath(blob, snapshot))
        blob_sizes[blob] = len(data)
    return sum(blob_sizes.values())


def warta(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def homes(tmp_path: Path) -> dict[str, str]:
    """A fresh, offline Hugging Face home and Warta cache."""
    return {
        "HF_HOME": str(tmp_path / "hf"),
        "HF_HUB_OFFLINE": "1",
        "WARTA_CACHE_DIR": str(tmp_path / "warta-cache"),
        "WARTA_TRANSLATION_MODEL": REPO_ID,
        "WARTA_SUMMARIZATION_MODEL": "none",
    }


def test_pull_offline_says_what_is_missing_and_how_to_provide_it(homes: dict[str, str]) -> None:
    result = warta("models", "pull", "--translation", "Helsinki-NLP/opus-mt-id-en", env=homes)
    assert result.returncode == 1
    assert "Helsinki-NLP/opus-mt-id-en" in result.stderr
    assert "HF_HUB_OFFLINE" in result.stderr
    assert "WARTA_TRANSLATION_MODEL" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_on_an_empty_cache_says_how_to_pull(homes: dict[str, str]) -> None:
    result = warta("models", "list", env=homes)
    assert result.returncode == 0, result.stderr
    assert "No models cached yet" in result.stdout
    assert "warta models pull" in result.stdout


def test_pull_convert_list_then_translate_offline(
    homes: dict[str, str], tiny_marian_dir: Path
) -> None:
    hf_bytes = put_in_hf_cache(tiny_marian_dir, Path(homes["HF_HOME"]) / "hub", REPO_ID, COMMIT)

    pulled = warta("models", "pull", "--convert", env=homes)
    assert pulled.returncode == 0, pulled.stderr
    assert f"snapshots/{COMMIT}" in pulled.stdout
    assert "(ctranslate2)" in pulled.stdout

    listed = warta("models", "list", "--json", env=homes)
    assert listed.returncode == 0, listed.stderr
    rows = {row["kind"]: row for row in json.loads(listed.stdout)}
    assert rows["huggingface"]["name"] == REPO_ID
    assert rows["huggingface"]["size_bytes"] == hf_bytes
    assert rows["huggingface"]["used_as"] == "translation"
    converted = Path(rows["ctranslate2"]["path"])
    assert (converted / "model.bin").is_file()
    assert rows["ctranslate2"]["size_bytes"] >= (converted / "model.bin").stat().st_size

    table = warta("models", "list", env=homes)
    assert REPO_ID in table.stdout and human_size(hf_bytes) in table.stdout

    # The server's loader finds the pulled and converted model without converting again.
    source, expected = PAIRS[0]
    article = Path(homes["WARTA_CACHE_DIR"]).parent / "article.txt"
    article.write_text(source, encoding="utf-8")
    before = sorted(converted.parent.iterdir())
    translated = warta("translate", str(article), "--engine", "ctranslate2", env=homes)
    assert translated.returncode == 0, translated.stderr
    assert translated.stdout.strip() == expected
    assert sorted(converted.parent.iterdir()) == before


OLD_COMMIT = "fedcba9876543210fedcba9876543210fedcba98"


def test_a_pinned_revision_is_pulled_loaded_and_reported(
    homes: dict[str, str], tiny_marian_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient
    from huggingface_hub import constants

    from app.core.config import Settings
    from app.engines.tiny import build_tiny_marian
    from app.main import create_app
    from app.services.detect import default_detector

    hub = Path(homes["HF_HOME"]) / "hub"
    put_in_hf_cache(tiny_marian_dir, hub, REPO_ID, COMMIT)
    untrained = build_tiny_marian(tmp_path / "untrained", train_steps=0)
    put_in_hf_cache(untrained, hub, REPO_ID, OLD_COMMIT, main=False)

    pulled = warta("models", "pull", "--translation", REPO_ID, "--revision", OLD_COMMIT, env=homes)
    assert pulled.returncode == 0, pulled.stderr
    assert f"snapshots/{OLD_COMMIT}" in pulled.stdout

    missing = warta("models", "pull", "--translation", REPO_ID, "--revision", "v9", env=homes)
    assert missing.returncode == 1
    assert "at revision v9" in missing.stderr and "Traceback" not in missing.stderr

    source, expected = PAIRS[0]
    article = tmp_path / "article.txt"
    article.write_text(source, encoding="utf-8")
    args = ("translate", str(article), "--source", "id")
    assert warta(*args, env=homes).stdout.strip() == expected
    pinned = warta(*args, env={**homes, "WARTA_TRANSLATION_REVISION": OLD_COMMIT})
    assert pinned.returncode == 0, pinned.stderr
    assert pinned.stdout.strip() != expected  # the untrained snapshot answered

    for key, value in {**homes, "WARTA_TRANSLATION_REVISION": OLD_COMMIT}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub))  # read at import in this process
    settings = Settings()
    assert settings.translation_revision == OLD_COMMIT
    with TestClient(create_app(settings, detector=default_detector())) as client:
        (model,) = client.get("/v1/models").json()["models"]
    assert (model["name"], model["revision"]) == (REPO_ID, OLD_COMMIT)


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 B"),
        (1023, "1023 B"),
        (1536, "1.5 KB"),
        (300 * 1024**2, "300.0 MB"),
        (5 * 1024**3, "5.0 GB"),
    ],
)
def test_sizes_read_like_du(size: int, shown: str) -> None:
    assert human_size(size) == shown
