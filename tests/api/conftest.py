"""Apps built around a FakeEngine (or a gated one, to hold batches open on purpose), and
one real ``warta serve`` with the tiny model for the tests that need real connections."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.engines.base import GenerationOptions
from app.main import Engines, create_app
from app.services.detect import default_detector
from tests.api.live import LiveServer, warta_serve
from tests.fakes import FakeEngine

# Short timeouts and small limits, so the tests of slow clients and limits run quickly.
LIVE_SETTINGS = {
    "HEADER_TIMEOUT_S": "2",
    "BODY_TIMEOUT_S": "2",
    "MAX_CHARS": "20000",
    "MAX_TEXTS": "8",
    "MAX_CONNECTIONS_PER_CLIENT": "16",
}


class GatedEngine(FakeEngine):
    """A FakeEngine whose ``generate`` waits until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def generate(self, texts: Sequence[str], options: GenerationOptions) -> list[str]:
        self.entered.set()
        self.gate.wait(timeout=60)
        return super().generate(texts, options)


def fake_translation(sentence: str) -> str:
    """What FakeEngine returns for one sentence."""
    return f"EN:{sentence.upper()}"


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(tmp_path: Path) -> AppFactory:
    """``make_app(engine=..., **settings)`` -> an app around that engine (FakeEngine
    default), with its store in a SQLite file of the test's own."""

    def build(engine: Any = None, **overrides: Any) -> FastAPI:
        database = f"sqlite:///{tmp_path / 'warta.db'}"
        settings = Settings(**{"max_batch_wait_ms": 1.0, "database_url": database, **overrides})
        engines = Engines(translation=engine or FakeEngine(), load_seconds={"translation": 0.5})
        return create_app(settings, engines=engines, detector=default_detector())

    return build


@pytest.fixture
def client(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app()) as test_client:
        yield test_client


@pytest.fixture
def gated() -> Iterator[GatedEngine]:
    engine = GatedEngine()
    yield engine
    engine.gate.set()  # never leave a worker thread blocked


@pytest.fixture(scope="session")
def live_server(
    tiny_marian_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """One ``warta serve`` process with the tiny trained model (``LIVE_SETTINGS``)."""
    with warta_serve(tiny_marian_dir, tmp_path_factory.mktemp("live"), **LIVE_SETTINGS) as server:
        yield server
