"""Device, precision and thread count: decided once, by the backend that will run the model."""

from __future__ import annotations

import os

import pytest

from app.core.errors import ModelNotFound
from app.engines import placement
from app.engines.placement import Placement, resolve_placement, resolve_threads


def _fake_cuda(monkeypatch: pytest.MonkeyPatch, devices: dict[str, int]) -> None:
    monkeypatch.setattr(placement, "cuda_devices", lambda backend: devices[backend])
    monkeypatch.setattr(placement, "_mps_available", lambda: False)


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
@pytest.mark.parametrize(
    ("device", "cuda", "expected"),
    [
        ("cpu", 1, Placement("cpu", "float32", "int8")),
        ("auto", 0, Placement("cpu", "float32", "int8")),
        ("auto", 1, Placement("cuda", "float16", "float16")),
        ("cuda", 1, Placement("cuda", "float16", "float16")),
        ("cuda:1", 2, Placement("cuda:1", "float16", "float16")),
    ],
)
def test_device_and_precision(
    monkeypatch: pytest.MonkeyPatch, backend: str, device: str, cuda: int, expected: Placement
) -> None:
    _fake_cuda(monkeypatch, {backend: cuda})
    assert resolve_placement(device, backend) == expected


def test_the_backend_that_runs_the_model_is_the_one_asked_about_cuda(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A CPU-only torch beside a CUDA CTranslate2 (the lean install) still uses the GPU.
    _fake_cuda(monkeypatch, {"ctranslate2": 1, "transformers": 0})
    assert resolve_placement("auto", "ctranslate2").device == "cuda"
    assert resolve_placement("auto", "transformers").device == "cpu"


def test_ctranslate2_device_and_index_follow_the_device() -> None:
    second_gpu = Placement("cuda:1", "float16", "float16")
    assert (second_gpu.ct2_device, second_gpu.ct2_device_index) == ("cuda", 1)
    cpu = Placement("cpu", "float32", "int8")
    assert (cpu.ct2_device, cpu.ct2_device_index) == ("cpu", 0)
    assert Placement("mps", "float16", "int8").ct2_device == "cpu"  # no Metal in CTranslate2


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_asking_for_cuda_without_it_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    _fake_cuda(monkeypatch, {backend: 0})
    with pytest.raises(ModelNotFound, match=r"--device cpu.*WARTA_DEVICE=cpu"):
        resolve_placement("cuda", backend)


def test_threads_zero_means_every_usable_core() -> None:
    assert resolve_threads(3) == 3
    assert resolve_threads(0) == len(os.sched_getaffinity(0))
