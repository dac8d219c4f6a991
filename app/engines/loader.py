"""One way to build an engine: locate the model (downloading it if allowed), resolve
its placement, and construct the backend."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.core.config import Settings
from app.engines.base import Seq2SeqEngine
from app.engines.model_files import locate_model
from app.engines.placement import (
    choose_backend,
    resolve_placement,
    resolve_threads,
    with_compute_type,
)

log = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = Path("~/.cache/warta")


def load_engine(
    model: str,
    *,
    role: str,
    engine: str = "auto",
    device: str = "auto",
    compute_type: str = "auto",
    threads: int = 0,
    cache_dir: Path | None = None,
    revision: str | None = None,
) -> Seq2SeqEngine:
    """Locate (download if needed), convert if needed, and load one model."""
    backend = choose_backend(engine)
    placement = with_compute_type(resolve_placement(device, backend), compute_type, backend)
    model_dir = locate_model(model, role, revision=revision)
    n_threads = resolve_threads(threads)
    log.info("loading %s model %s with %s on %s", role, model, backend, placement.device)
    loaded: Seq2SeqEngine
    if backend == "ctranslate2":
        from app.engines.ct2 import CT2Engine

        loaded = CT2Engine.from_pretrained(
            model_dir,
            name=model,
            role=role,
            placement=placement,
            threads=n_threads,
            cache_dir=(cache_dir or DEFAULT_CACHE_DIR).expanduser(),
        )
    else:
        from app.engines.hf import HFEngine

        loaded = HFEngine(
            model_dir,
            name=model,
            role=role,
            device=placement.device,
            dtype=placement.torch_dtype,
            threads=n_threads,
        )
    if revision:
        loaded.info = replace(loaded.info, revision=revision)
    return loaded


def engine_for(settings: Settings, role: str) -> Seq2SeqEngine:
    """The engine of ``role`` (translation or summarization) as ``settings`` configure it."""
    model, revision = settings.model_for(role)
    return load_engine(
        model,
        role=role,
        engine=settings.engine,
        device=settings.device,
        compute_type=settings.compute_type,
        threads=settings.threads,
        cache_dir=settings.cache_path,
        revision=revision,
    )


@dataclass
class Engines:
    """Loaded models; tests and ``warta serve`` pass them to ``create_app`` prebuilt."""

    translation: Seq2SeqEngine
    summarization: Seq2SeqEngine | None = None
    load_seconds: dict[str, float] = field(default_factory=dict)


def load_engines(settings: Settings, *, summarization: bool = True) -> Engines:
    """Load the translation model and, when enabled (and wanted), the summarisation model."""
    seconds: dict[str, float] = {}

    def timed(role: str) -> Seq2SeqEngine:
        started = time.perf_counter()
        loaded = engine_for(settings, role)
        seconds[role] = time.perf_counter() - started
        return loaded

    translation = timed("translation")
    summarizer = (
        timed("summarization") if summarization and settings.summarization_enabled else None
    )
    return Engines(translation, summarizer, seconds)
