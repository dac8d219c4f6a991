"""Conversion of Hugging Face models for CTranslate2: once per model, revision and
quantisation, cached under the cache directory and written atomically."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from app.core.errors import MissingDependency, ModelNotFound
from app.engines.model_files import first_line
from app.engines.placement import require_ctranslate2, resolve_placement

log = logging.getLogger(__name__)

# The files whose change means the converted model is stale (when there is no hub revision).
_SOURCE_PATTERNS = ("config.json", "generation_config.json", "*.safetensors", "*.bin")


def model_revision(model_dir: Path) -> str:
    """A short id of the model's version: the Hugging Face snapshot hash when ``model_dir``
    is in the hub cache, else a hash of the config and weight files' names, sizes and mtimes."""
    model_dir = Path(model_dir)
    if model_dir.parent.name == "snapshots" and re.fullmatch(r"[0-9a-f]{40}", model_dir.name):
        return model_dir.name[:12]
    digest = hashlib.sha256()
    files = sorted({p for pattern in _SOURCE_PATTERNS for p in model_dir.glob(pattern)})
    for path in files:
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def converted_dir(cache_dir: Path, name: str, revision: str, quantization: str) -> Path:
    """Where the converted copy of a model lives: one folder per model, revision and
    quantisation, so changing any of them converts again instead of reusing a stale copy."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "--", name.strip("/~. ")).strip("-")[-80:] or "model"
    return Path(cache_dir).expanduser() / "ct2" / f"{safe}--{revision}--{quantization}"


def convert_model(model_dir: Path, *, name: str, quantization: str, cache_dir: Path) -> Path:
    """Convert ``model_dir`` to CTranslate2 under ``cache_dir`` unless already done.

    The conversion writes into a temporary folder that is renamed into place only when
    complete, so an interrupted conversion never leaves a half model behind.
    """
    require_ctranslate2()
    target = converted_dir(cache_dir, name, model_revision(model_dir), quantization)
    if (target / "model.bin").is_file():
        return target
    require_conversion_libraries(name)
    from ctranslate2.converters import TransformersConverter

    _register_bart_fix()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        log.info("converting %s to CTranslate2 (%s) in %s", name, quantization, target)
        try:
            TransformersConverter(str(model_dir)).convert(
                str(staging / "model"), quantization=quantization
            )
        except Exception as exc:  # noqa: BLE001 - unsupported or broken model: say what to do
            raise ModelNotFound(
                f"The model '{name}' in {model_dir} could not be converted to CTranslate2 "
                f"({first_line(exc)}); run it with WARTA_ENGINE=transformers instead."
            ) from None
        try:
            os.replace(staging / "model", target)
        except OSError:
            if not (target / "model.bin").is_file():  # not a concurrent conversion: real error
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def require_conversion_libraries(name: str) -> None:
    """Raise ``MissingDependency`` naming the extra when torch or transformers, which only
    converting needs (serving a converted model does not), is missing."""
    missing = [lib for lib in ("torch", "transformers") if importlib.util.find_spec(lib) is None]
    if missing:
        raise MissingDependency(
            f"Converting the model '{name}' for CTranslate2 needs {' and '.join(missing)}: "
            "pip install 'warta[convert]' (CPU build of torch: see the README), or convert it "
            "on a machine that has them (`warta models convert`) and copy WARTA_CACHE_DIR here."
        )


def _register_bart_fix() -> None:
    """transformers 5 dropped ``BartConfig.normalize_before``, which CTranslate2's BART
    converter reads; BART is post-norm, so supply ``False`` when it is missing."""
    from ctranslate2.converters import transformers as converters

    registered = converters._MODEL_LOADERS.get("BartConfig")
    if type(registered) is not converters.BartLoader:
        return  # already fixed, or a CTranslate2 that no longer needs it

    class BartLoader(converters.BartLoader):  # type: ignore[misc]
        def get_model_spec(self, model: Any) -> Any:
            if not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = False
            return super().get_model_spec(model)

    converters.register_loader("BartConfig")(BartLoader)


def convert_for_device(model_dir: Path, name: str, *, device: str, cache_dir: Path) -> Path:
    """Convert a model for CTranslate2 exactly as the server would on ``device`` (same
    folder, same quantisation), so the server starts without converting."""
    quantization = resolve_placement(device, "ctranslate2").ct2_compute_type
    return convert_model(model_dir, name=name, quantization=quantization, cache_dir=cache_dir)
