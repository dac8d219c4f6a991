"""Where a model runs and with which precision, and which backend runs it."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, replace

from app.core.errors import MissingDependency, ModelNotFound

TORCH_DTYPES = ("float32", "float16", "bfloat16")


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


def resolve_placement(device: str = "auto", backend: str = "auto") -> Placement:
    """Pick the device (cuda -> mps -> cpu for ``auto``) and its precision.

    GPUs get half precision (CTranslate2 and PyTorch float16); the CPU gets fp32 for
    PyTorch and int8 for CTranslate2. The backend that will run the model is the one
    asked about CUDA, so the CTranslate2 path needs no torch; MPS exists only in PyTorch.
    """
    backend = choose_backend(backend)
    if device == "auto":
        if cuda_devices(backend) > 0:
            device = "cuda"
        elif backend == "transformers" and _mps_available():
            device = "mps"
        else:
            device = "cpu"
    if device.startswith("cuda"):
        if cuda_devices(backend) <= 0:
            raise ModelNotFound(
                f"The device {device} was asked for, but {backend} sees no CUDA device: "
                "install its CUDA build (see the README) or run on the CPU "
                "(`--device cpu`, or WARTA_DEVICE=cpu for the server)."
            )
        return Placement(device, "float16", "float16")
    if device == "mps":
        return Placement(device, "float16", "int8")
    return Placement("cpu", "float32", "int8")


def with_compute_type(placement: Placement, compute_type: str, backend: str) -> Placement:
    """``placement`` with the precision asked for (``auto`` keeps the device's default);
    ``ModelNotFound`` for a precision the backend cannot run."""
    if compute_type == "auto":
        return placement
    if backend == "ctranslate2":
        return replace(placement, ct2_compute_type=compute_type)
    if compute_type not in TORCH_DTYPES:
        raise ModelNotFound(
            f"The compute type {compute_type} needs the CTranslate2 engine; with transformers "
            f"use one of {', '.join(TORCH_DTYPES)} (WARTA_COMPUTE_TYPE)."
        )
    return replace(placement, torch_dtype=compute_type)


def cuda_devices(backend: str) -> int:
    """How many CUDA devices ``backend`` (ctranslate2 or transformers) can use."""
    if backend == "ctranslate2":
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    try:
        import torch
    except ImportError:
        return 0
    return int(torch.cuda.device_count()) if torch.cuda.is_available() else 0


def _mps_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def resolve_threads(threads: int) -> int:
    """0 means every core this process may use."""
    if threads > 0:
        return threads
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def ctranslate2_available() -> bool:
    """True when the ``ctranslate2`` package can be imported."""
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


def require_ctranslate2() -> None:
    """Raise ``MissingDependency`` naming the extra when ctranslate2 is missing."""
    if not ctranslate2_available():
        raise MissingDependency(
            "The CTranslate2 engine needs the ctranslate2 package: pip install 'warta[ct2]'"
        )


def require_transformers() -> None:
    """Raise ``MissingDependency`` naming the extra when torch or transformers is missing."""
    missing = [lib for lib in ("torch", "transformers") if importlib.util.find_spec(lib) is None]
    if missing:
        raise MissingDependency(
            f"The transformers engine needs {' and '.join(missing)}: pip install "
            "'warta[transformers]' (first the CPU build of torch on a machine without a GPU: "
            "see the README), or use the CTranslate2 engine: pip install 'warta[ct2]'"
        )


def choose_backend(engine: str) -> str:
    """``auto`` means ctranslate2 when it is installed, else transformers."""
    if engine == "auto":
        engine = "ctranslate2" if ctranslate2_available() else "transformers"
    if engine == "ctranslate2":
        require_ctranslate2()
    elif engine == "transformers":
        require_transformers()
    return engine
