"""Models on disk: download into the Hugging Face cache, convert for CTranslate2, and
list what is cached. ``warta models pull`` and ``warta models list`` are thin wrappers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import ModelNotFound
from app.engines.loader import ENV_FOR_ROLE, locate_model

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


def pull_model(model: str, role: str) -> Path:
    """Download ``model`` into the Hugging Face cache (progress bars on stderr).

    Files already cached are not downloaded again; an interrupted download resumes.
    A local directory is only checked. Raises ``ModelNotFound`` with what to do.
    """
    if is_local_path(model):
        return locate_model(model, role, allow_download=False)
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(model, allow_patterns=MODEL_FILE_PATTERNS))
    except Exception as exc:  # noqa: BLE001 - offline, wrong id, auth: one clear message
        raise ModelNotFound(_pull_failure(model, role, exc)) from None


def _pull_failure(model: str, role: str, exc: Exception) -> str:
    env = ENV_FOR_ROLE.get(role, "WARTA_TRANSLATION_MODEL")
    instead = f"or copy the model directory to this machine and set {env} to it."
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}:
        return (
            f"Could not pull the {role} model '{model}': it is not in the Hugging Face cache "
            "and HF_HUB_OFFLINE is set, so nothing can be downloaded. Run the command without "
            f"HF_HUB_OFFLINE on a machine with internet access, {instead}"
        )
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return (
        f"Could not download the {role} model '{model}' ({reason}). Check the model id and "
        "that https://huggingface.co can be reached (HF_ENDPOINT for a mirror, HF_TOKEN for "
        f"gated models), {instead}"
    )


def convert_for_ctranslate2(model_dir: Path, name: str, *, device: str, cache_dir: Path) -> Path:
    """Convert a pulled model for CTranslate2 exactly as ``warta serve`` would on ``device``
    (same folder, same quantisation), so the server starts without converting."""
    from app.engines.ct2 import convert_model
    from app.engines.loader import resolve_placement

    quantization = resolve_placement(device).ct2_compute_type
    return convert_model(model_dir, name=name, quantization=quantization, cache_dir=cache_dir)


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
