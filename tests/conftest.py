"""Shared fixtures: tiny real models, built once per machine (``cached_model``) and copied
into each test session, so no test can change the shared copy."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

# No test writes to the user's data directory: every Settings() a test builds, and every
# server it starts, keeps its store here unless the test names its own database.
_DATA = tempfile.mkdtemp(prefix="warta-test-data-")
os.environ["WARTA_DATABASE_URL"] = f"sqlite:///{_DATA}/warta.db"
atexit.register(shutil.rmtree, _DATA, True)


def _session_copy(builder_name: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app.engines import tiny

    built = tiny.cached_model(getattr(tiny, builder_name))
    target = tmp_path_factory.mktemp(builder_name.removeprefix("build_")) / "model"
    shutil.copytree(built, target)
    return target


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~2 MB Marian model trained to translate ``tiny.PAIRS`` exactly."""
    return _session_copy("build_tiny_marian", tmp_path_factory)


@pytest.fixture(scope="session")
def tiny_hf_engine(tiny_marian_dir: Path):  # type: ignore[no-untyped-def]
    """The tiny Marian model loaded with the transformers engine on the CPU."""
    from app.engines.hf import HFEngine

    return HFEngine(tiny_marian_dir, name=str(tiny_marian_dir), role="translation", threads=1)


@pytest.fixture(scope="session")
def tiny_bart_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight BART summariser (input limit 128 tokens) built locally."""
    return _session_copy("build_tiny_bart", tmp_path_factory)


@pytest.fixture(scope="session")
def tiny_family_dir(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """``tiny_family_dir("nllb")``: a tiny trained model of that family (nllb, m2m100,
    madlad, mbart50), built once per machine and copied into this session."""
    from app.engines import tiny, tiny_families

    copies: dict[str, Path] = {}

    def model_dir(family: str) -> Path:
        if family not in copies:
            built = tiny.cached_model(getattr(tiny_families, f"build_tiny_{family}"))
            target = tmp_path_factory.mktemp(family) / "model"
            shutil.copytree(built, target)
            copies[family] = target
        return copies[family]

    return model_dir
