"""The GPU path: placement, both engines in float16, and the server's batcher on CUDA.

Skipped on machines without an NVIDIA GPU (CI has none); `bench/gpu_check.sh` runs these
on one, together with the throughput benchmark on CUDA.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

import pytest

from app.engines.base import Seq2SeqEngine
from app.engines.loader import load_engine
from app.engines.placement import cuda_devices, resolve_placement
from app.engines.tiny import PAIRS
from app.services.batcher import Batcher, direct, generate_for
from app.services.translate import pipeline_for

BACKENDS = {"ctranslate2": "ctranslate2", "transformers": "torch"}


def _gpus(backend: str) -> int:
    if importlib.util.find_spec(BACKENDS[backend]) is None:
        return 0
    return cuda_devices(backend)


def _needs_gpu(backend: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(_gpus(backend) == 0, reason=f"no CUDA device for {backend}")


SOURCES = [source for source, _ in PAIRS]
ENGLISH = [english for _, english in PAIRS]
ENGINES = [
    pytest.param("ctranslate2", marks=_needs_gpu("ctranslate2")),
    pytest.param("transformers", marks=_needs_gpu("transformers")),
]


def _gpu_engine(backend: str, model_dir: Path, cache_dir: Path) -> Seq2SeqEngine:
    return load_engine(
        str(model_dir), role="translation", engine=backend, device="cuda", cache_dir=cache_dir
    )


@pytest.mark.parametrize("backend", ENGINES)
def test_auto_places_the_model_on_the_gpu_in_half_precision(backend: str) -> None:
    placement = resolve_placement("auto", backend)
    assert placement.device == "cuda"
    assert (placement.torch_dtype, placement.ct2_compute_type) == ("float16", "float16")


@pytest.mark.parametrize("backend", ENGINES)
def test_the_tiny_model_translates_exactly_on_the_gpu(
    backend: str, tiny_marian_dir: Path, tmp_path: Path
) -> None:
    engine = _gpu_engine(backend, tiny_marian_dir, tmp_path)
    assert engine.info.device == "cuda" and engine.info.compute_type == "float16"
    pipeline = pipeline_for(engine)
    results = asyncio.run(pipeline.translate(SOURCES, direct(engine)))
    assert [r.text for r in results] == ENGLISH


@pytest.mark.parametrize("backend", ENGINES)
def test_the_batcher_answers_concurrent_requests_on_the_gpu(
    backend: str, tiny_marian_dir: Path, tmp_path: Path
) -> None:
    engine = _gpu_engine(backend, tiny_marian_dir, tmp_path)
    pipeline = pipeline_for(engine)
    batcher = Batcher(engine, max_batch_tokens=4096, max_wait_s=0.005, max_queue=10_000)
    batcher.start()

    async def many() -> list[list[str]]:
        requests = [
            pipeline.translate(SOURCES[i:] + SOURCES[:i], generate_for(batcher))
            for i in range(len(SOURCES))
        ]
        return [[r.text for r in results] for results in await asyncio.gather(*requests)]

    try:
        answers = asyncio.run(many())
    finally:
        batcher.close()
    assert answers == [ENGLISH[i:] + ENGLISH[:i] for i in range(len(ENGLISH))]
