"""Models on disk: locate a model (a directory or a Hugging Face id, at a pinned
revision), download it into the Hugging Face cache, and list what is cached.
``warta models pull`` and ``warta models list`` are thin wrappers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import ModelNotFound

ENV_FOR_ROLE = {
    "translation": "WARTA_TRANSLATION_MODEL",
    "summarization": "WARTA_SUMMARIZATION_MODEL",
}

# The files a model needs, as in ``locate_model``: repositories often also hold TensorFlow,
# Flax or Rust weights that Warta never reads and that would double the download.
MODEL_FILE_PATTERNS = [
    "*.json",
    "*.model",
    "*.spm",
    "*.txt",
    "*.safetensors",
    "*.bin",
    "*.tiktoken",
    "README.md",  # the model card: its metadata names the licence (app.engines.card)
]

# Every CTranslate2 model directory holds this file; its parent is one converted model.
CT2_MODEL_FILE = "model.bin"


@dataclass(frozen=True)
class CachedModel:
    """One model found on disk."""

    name: str  # Hugging Face id, or the converted model's directory relative to the cache
    kind: str  # "huggingface" or "ctranslate2"
    size_bytes: int
    path: Path


def is_local_path(model: str) -> bool:
    """True when ``model`` names a directory rather than a Hugging Face id."""
    return model.startswith((".", "~", "/")) or Path(model).expanduser().exists()


def how_to_provide(model: str, role: str, revision: str | None = None) -> str:
    """The sentence every 'model not found' message ends with."""
    env = ENV_FOR_ROLE.get(role, "WARTA_TRANSLATION_MODEL")
    flag = "--translation" if role == "translation" else "--summarization"
    if revision:
        flag = f"--revision {revision} {flag}"
    alternative = " (or to `none` for extractive summaries only)" if role == "summarization" else ""
    if is_local_path(model):
        return (
            f"Check the path, or set {env} to a directory that holds the model files "
            f"(config.json, weights, tokenizer){alternative}."
        )
    return (
        f"Download it on a machine with internet access (`warta models pull {flag} {model}`), "
        f"or set {env} to a local directory that holds the model files{alternative}."
    )


def _at(revision: str | None) -> str:
    return f" at revision {revision}" if revision else ""


def locate_model(
    model: str, role: str, *, revision: str | None = None, allow_download: bool = True
) -> Path:
    """Return a local directory holding ``model`` (a directory or a Hugging Face id).

    A Hugging Face id is looked up in the local cache first (at ``revision``: a branch,
    tag or commit; the default branch when None), then downloaded when allowed; raises
    ``ModelNotFound`` with one clear message otherwise.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelNotFound(
                f"The {role} model directory {path} has no config.json, so it is not a "
                f"Hugging Face model directory. {how_to_provide(model, role)}"
            )
        return path
    if is_local_path(model):
        raise ModelNotFound(
            f"The {role} model directory {model} does not exist. {how_to_provide(model, role)}"
        )
    from huggingface_hub import snapshot_download

    try:
        return Path(
            snapshot_download(
                model,
                revision=revision,
                allow_patterns=MODEL_FILE_PATTERNS,
                local_files_only=True,
            )
        )
    except Exception:  # noqa: BLE001 - any failure means "not cached"; we try the hub next
        if not allow_download:
            raise ModelNotFound(
                f"The {role} model '{model}'{_at(revision)} is not in the local Hugging Face "
                f"cache. {how_to_provide(model, role, revision)}"
            ) from None
    try:
        return Path(snapshot_download(model, revision=revision, allow_patterns=MODEL_FILE_PATTERNS))
    except Exception as exc:  # noqa: BLE001 - offline, wrong id, auth: one clear message
        raise ModelNotFound(
            f"The {role} model '{model}'{_at(revision)} could not be loaded: it is not in the "
            f"local Hugging Face cache and downloading it failed ({first_line(exc)}). "
            f"{how_to_provide(model, role, revision)}"
        ) from None


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its type's name."""
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def pull_model(model: str, role: str, revision: str | None = None) -> Path:
    """Download ``model`` (at ``revision``) into the Hugging Face cache, progress on stderr.

    Files already cached are not downloaded again; an interrupted download resumes.
    A local directory is only checked. Raises ``ModelNotFound`` with what to do.
    """
    if is_local_path(model):
        return locate_model(model, role, allow_download=False)
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(model, revision=revision, allow_patterns=MODEL_FILE_PATTERNS))
    except Exception as exc:  # noqa: BLE001 - offline, wrong id, auth: one clear message
        raise ModelNotFound(_pull_failure(model, role, exc, revision)) from None


def _pull_failure(model: str, role: str, exc: Exception, revision: str | None) -> str:
    env = ENV_FOR_ROLE.get(role, "WARTA_TRANSLATION_MODEL")
    instead = f"or copy the model directory to this machine and set {env} to it."
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}:
        return (
            f"Could not pull the {role} model '{model}'{_at(revision)}: it is not in the Hugging "
            "Face cache and HF_HUB_OFFLINE is set, so nothing can be downloaded. Run the "
            f"command without HF_HUB_OFFLINE on a machine with internet access, {instead}"
        )
    return (
        f"Could not download the {role} model '{model}'{_at(revision)} ({first_line(exc)}). "
        "Check the model id and that https://huggingface.co can be reached (HF_ENDPOINT for "
        f"a mirror, HF_TOKEN for gated models), {instead}"
    )


def list_cached(cache_dir: Path, hf_cache_dir: Path | None = None) -> list[CachedModel]:
    """Models in the Hugging Face cache and converted models under ``cache_dir``."""
    return _hf_models(hf_cache_dir) + _converted_models(cache_dir)


def _hf_models(hf_cache_dir: Path | None) -> list[CachedModel]:
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    try:
        info = scan_cache_dir(hf_cache_dir)
    except CacheNotFound:
        return []
    repos = [repo for repo in info.repos if repo.repo_type == "model"]
    return [
        CachedModel(repo.repo_id, "huggingface", repo.size_on_disk, Path(repo.repo_path))
        for repo in sorted(repos, key=lambda repo: repo.repo_id.lower())
    ]


def _converted_models(cache_dir: Path) -> list[CachedModel]:
    root = cache_dir.expanduser()
    if not root.is_dir():
        return []
    found = sorted(
        marker.parent
        for marker in root.rglob(CT2_MODEL_FILE)
        # Hidden folders are conversions still in progress.
        if marker.is_file() and not any(p.startswith(".") for p in marker.relative_to(root).parts)
    )
    return [
        CachedModel(str(path.relative_to(root)), "ctranslate2", directory_size(path), path)
        for path in found
    ]


def directory_size(path: Path) -> int:
    """Bytes used by the files under ``path`` (symlinks not followed)."""
    return sum(f.lstat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def human_size(size: int) -> str:
    """1536 -> '1.5 KB' (powers of 1024, as ``du -h``)."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
