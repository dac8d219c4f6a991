"""Device and precision resolution, model location, and engine construction."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import MissingDependency, ModelNotFound
from app.engines.base import Seq2SeqEngine

log = logging.getLogger(__name__)

ENV_FOR_ROLE = {
    "translation": "WARTA_TRANSLATION_MODEL",
    "summarization": "WARTA_SUMMARIZATION_MODEL",
}


@dataclass(frozen=True)
class Placement:
    """Where a model runs and with which precision, for each backend."""

    device: str  # "cpu", "cuda", "cuda:1", "mps"
    torch_dtype: str  # "float32", "float16", "bfloat16"
    ct2_compute_type: str  # "int8", "float16", "int8_float16", ...

    @property
    def ct2_device(self) -> str:
        return "cuda" if self.device.startswith("cuda") else "cpu"

    @property
    def ct2_device_index(self) -> int:
        return int(self.device.split(":")[1]) if ":" in self.device else 0


def resolve_placement(device: str = "auto") -> Placement:
    """Pick the device (cuda -> mps -> cpu for ``auto``) and its precision.

    GPUs get half precision (bf16 where supported, else fp16; CTranslate2 fp16);
    the CPU gets fp32 for PyTorch and int8 for CTranslate2.
    """
    import torch

    if device == "auto":
        if torch.cuda.is_available():
            device = "cuda"
        elif getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            device = "mps"
        else:
            device = "cpu"
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ModelNotFound(
                f"WARTA_DEVICE={device} but no CUDA device is available to PyTorch; "
                "install a CUDA build of torch or use WARTA_DEVICE=cpu"
            )
        return Placement(device, "float16", "float16")
    if device == "mps":
        return Placement(device, "float16", "int8")
    return Placement("cpu", "float32", "int8")


def resolve_threads(threads: int) -> int:
    """0 means every core this process may use."""
    if threads > 0:
        return threads
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def how_to_provide(model: str, role: str) -> str:
    """The sentence every 'model not found' message ends with."""
    env = ENV_FOR_ROLE.get(role, "WARTA_TRANSLATION_MODEL")
    flag = "--translation" if role == "translation" else "--summarization"
    alternative = " (or to `none` for extractive summaries only)" if role == "summarization" else ""
    if _looks_like_path(model):
        return (
            f"Check the path, or set {env} to a directory that holds the model files "
            f"(config.json, weights, tokenizer){alternative}."
        )
    return (
        f"Download it on a machine with internet access (`warta models pull {flag} {model}`), "
        f"or set {env} to a local directory that holds the model files{alternative}."
    )


def _looks_like_path(model: str) -> bool:
    return model.startswith((".", "~", "/")) or Path(model).expanduser().exists()


def locate_model(model: str, role: str, *, allow_download: bool = True) -> Path:
    """Return a local directory holding ``model`` (a directory or a Hugging Face id).

    Uses the Hugging Face cache, downloading when allowed and online; raises
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
    if _looks_like_path(model):
        raise ModelNotFound(
            f"The {role} model directory {model} does not exist. {how_to_provide(model, role)}"
        )
    from huggingface_hub import snapshot_download

    patterns = ["*.json", "*.model", "*.spm", "*.txt", "*.safetensors", "*.bin", "*.tiktoken"]
    try:
        local = snapshot_download(model, allow_patterns=patterns, local_files_only=True)
    except Exception:  # noqa: BLE001 - any failure means "not cached"; we try the hub next
        local = None
    if local is None and allow_download:
        try:
            local = snapshot_download(model, allow_patterns=patterns)
        except Exception as exc:  # noqa: BLE001 - offline, wrong id, auth: one clear message
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelNotFound(
                f"The {role} model '{model}' could not be loaded: it is not in the local "
                f"Hugging Face cache and downloading it failed ({reason}). "
                f"{how_to_provide(model, role)}"
            ) from None
    if local is None:
        raise ModelNotFound(
            f"The {role} model '{model}' is not in the local Hugging Face cache. "
            f"{how_to_provide(model, role)}"
        )
    return Path(local)


def ctranslate2_available() -> bool:
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


def require_ctranslate2() -> None:
    if not ctranslate2_available():
        raise MissingDependency(
            "WARTA_ENGINE=ctranslate2 needs the ctranslate2 package: pip install 'warta[ct2]'"
        )


def choose_backend(engine: str) -> str:
    """``auto`` means ctranslate2 when it is installed, else transformers."""
    if engine == "auto":
        return "ctranslate2" if ctranslate2_available() else "transformers"
    if engine == "ctranslate2":
        require_ctranslate2()
    return engine


def load_engine(
    model: str,
    *,
    role: str,
    engine: str = "auto",
    device: str = "auto",
    threads: int = 0,
    cache_dir: Path | None = None,
) -> Seq2SeqEngine:
    """Locate (download if needed), convert if needed, and load one model."""
    placement = resolve_placement(device)
    backend = choose_backend(engine)
    model_dir = locate_model(model, role)
    n_threads = resolve_threads(threads)
    log.info("loading %s model %s with %s on %s", role, model, backend, placement.device)
    if backend == "ctranslate2":
        from app.engines.ct2 import CT2Engine

        return CT2Engine.from_pretrained(
            model_dir,
            name=model,
            role=role,
            placement=placement,
            threads=n_threads,
            cache_dir=(cache_dir or Path("~/.cache/warta")).expanduser(),
        )
    from app.engines.hf import HFEngine

    return HFEngine(
        model_dir,
        name=model,
        role=role,
        device=placement.device,
        dtype=placement.torch_dtype,
        threads=n_threads,
    )
