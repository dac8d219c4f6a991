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

    _register_fixes()
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


def _register_fixes() -> None:
    """Fix CTranslate2's converters for what transformers 5 changed.

    transformers 5 dropped ``normalize_before`` from the BART and mBART configs, which
    the converters read: BART is post-norm, mBART pre-norm; an mBART-50 tokenizer it saves
    names no ``<s>``, which the converted model needs. It also reports every T5
    model's embeddings as tied (``scale_decoder_outputs`` now says whether outputs are
    rescaled), so the converter rescaled the output projection of untied models such as
    MADLAD-400: greedy output survived, beam search did not. And an M2M-100 tokenizer no
    longer lists its language codes where the converter looks for them.
    """
    from ctranslate2.converters import transformers as converters

    fixes = {
        "BartConfig": _bart_loader,
        "MBartConfig": _mbart_loader,
        "T5Config": _t5_loader,
        "M2M100Config": _m2m100_loader,
    }
    for config_name, make in fixes.items():
        registered = converters._MODEL_LOADERS.get(config_name)
        if registered is not None and not getattr(registered, "warta_fixed", False):
            converters.register_loader(config_name)(make(type(registered)))


def _bart_loader(base: type) -> type:
    class BartLoader(base):  # type: ignore[misc]
        warta_fixed = True

        def get_model_spec(self, model: Any) -> Any:
            if not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = False
            return super().get_model_spec(model)

    return BartLoader


def _mbart_loader(base: type) -> type:
    class MBartLoader(base):  # type: ignore[misc]
        warta_fixed = True

        def get_model_spec(self, model: Any) -> Any:
            if not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = True
            return super().get_model_spec(model)

        def set_config(self, config: Any, model: Any, tokenizer: Any) -> None:
            super().set_config(config, model, tokenizer)
            # A tokenizer saved by transformers 5 may name no <s>; the model's config does.
            if config.bos_token is None:
                config.bos_token = tokenizer.convert_ids_to_tokens(model.config.bos_token_id)

    return MBartLoader


def _m2m100_loader(base: type) -> type:
    class M2M100Loader(base):  # type: ignore[misc]
        warta_fixed = True

        def get_vocabulary(self, model: Any, tokenizer: Any) -> list[str]:
            tokens = super().get_vocabulary(model, tokenizer)
            if len(tokens) == model.config.vocab_size:
                return list(tokens)
            # Every id the model has, by the tokenizer (language codes included); the ids
            # it does not name are the unused "madeup" words that pad the vocabulary.
            named = tokenizer.convert_ids_to_tokens(list(range(model.config.vocab_size)))
            unk = tokenizer.unk_token_id
            return [
                f"madeupword{i}" if token == tokenizer.unk_token and i != unk else token
                for i, token in enumerate(named)
            ]

    return M2M100Loader


def _t5_loader(base: type) -> type:
    class T5Loader(base):  # type: ignore[misc]
        warta_fixed = True

        def get_model_spec(self, model: Any) -> Any:
            from ctranslate2.specs import model_spec

            spec = super().get_model_spec(model)
            scaled = getattr(model.config, "scale_decoder_outputs", None)
            if scaled is not None:
                spec.decoder.scale_outputs = (
                    model.config.d_model**-0.5 if scaled else model_spec.OPTIONAL
                )
            return spec

    return T5Loader


def convert_for_device(model_dir: Path, name: str, *, device: str, cache_dir: Path) -> Path:
    """Convert a model for CTranslate2 exactly as the server would on ``device`` (same
    folder, same quantisation), so the server starts without converting."""
    quantization = resolve_placement(device, "ctranslate2").ct2_compute_type
    return convert_model(model_dir, name=name, quantization=quantization, cache_dir=cache_dir)
