"""Shared fixtures: tiny real models, built once per test session."""

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


@pytest.fixture(scope="session")
def tiny_marian_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ~2 MB Marian model trained to translate ``tiny_models.PAIRS`` exactly."""
    from app.engines.tiny import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian"))


@pytest.fixture(scope="session")
def tiny_hf_engine(tiny_marian_dir: Path):  # type: ignore[no-untyped-def]
    """The tiny Marian model loaded with the transformers engine on the CPU."""
    from app.engines.hf import HFEngine

    return HFEngine(tiny_marian_dir, name=str(tiny_marian_dir), role="translation", threads=1)


@pytest.fixture(scope="session")
def tiny_bart_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random-weight BART summariser (input limit 128 tokens) built locally."""
    from app.engines.tiny import build_tiny_bart

    return build_tiny_bart(tmp_path_factory.mktemp("tiny-bart"))
