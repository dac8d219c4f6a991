"""The runtime: one start and one stop for every way Warta runs. The models are loaded
and wired once, behind the one batcher factory with the settings' bounds; the store
opens before the background services start and closes after they stop; a registered
service runs beside the job runner; compute type and batch size are settings."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from app.core.errors import ModelNotFound, ModelNotReady
from app.engines.base import GenerationOptions
from app.engines.loader import Engines, engine_for
from app.engines.placement import Placement, with_compute_type
from app.runtime.system import Runtime
from app.services.batcher import Batcher
from app.services.detect import LanguageDetector
from app.services.waiting import RequestScope
from tests.fakes import FakeEngine


class Recorder:
    """A background service that notes what the runtime looked like around it."""

    def __init__(self, runtime: Runtime, log: list[str]) -> None:
        self.runtime, self.log = runtime, log

    def start(self) -> None:
        store = "open" if self.runtime.store is not None else "closed"
        runner = "running" if self.runtime.runner is not None else "absent"
        self.log.append(f"start: store {store}, job runner {runner}")

    async def stop(self) -> None:
        runner = "running" if self.runtime.runner is not None else "stopped"
        self.log.append(f"stop: job runner {runner}, ready {self.runtime.ready}")


def settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'warta.db'}", **changes)  # type: ignore[arg-type]


def test_a_registered_service_runs_beside_the_job_runner_between_the_store_and_stop(
    tmp_path: Path,
) -> None:
    log: list[str] = []
    runtime = Runtime(settings(tmp_path))
    runtime.register(lambda rt: Recorder(rt, log))

    async def lifetime() -> None:
        await runtime.start(Engines(FakeEngine()), _detector())
        assert runtime.ready and runtime.store is not None and runtime.runner is not None
        await runtime.stop()

    asyncio.run(lifetime())
    assert log == [
        "start: store open, job runner running",
        "stop: job runner running, ready True",  # stopped before the job runner and models
    ]
    assert runtime.store is None and runtime.runner is None and not runtime.ready
    assert runtime.services == []


def test_without_the_job_runner_setting_only_registered_services_run(tmp_path: Path) -> None:
    log: list[str] = []
    runtime = Runtime(settings(tmp_path, job_runner=False))
    runtime.register(lambda rt: Recorder(rt, log))

    async def lifetime() -> None:
        await runtime.start(Engines(FakeEngine()), _detector())
        await runtime.stop()

    asyncio.run(lifetime())
    assert log == ["start: store open, job runner absent", "stop: job runner stopped, ready True"]


def test_every_model_gets_the_one_batcher_with_the_settings_bounds(tmp_path: Path) -> None:
    chosen = settings(
        tmp_path,
        max_queue_sentences=7,
        max_batch_queue_sentences=3,
        max_batch_size=5,
        cache_size=10,
        warmup=False,
    )
    runtime = Runtime(chosen)
    engines = Engines(FakeEngine(), FakeEngine(role="summarization"))

    async def lifetime() -> None:
        await runtime.start(engines, _detector(), store=False)
        try:
            for batcher in runtime.batchers:
                assert isinstance(batcher, Batcher)
                assert batcher.bounds == {"interactive": 7, "batch": 3}
                assert batcher.max_batch_size == 5
            translation = runtime.translation_batcher
            assert isinstance(translation, Batcher) and translation.cache is not None
            assert runtime.metrics.live.batchers.keys() == {"translation", "summarization"}
            # The job runner's flavour is the batch priority's bound: 4 inputs are refused.
            work = runtime.batch_work()
            refused = work.translate(["Harga naik.", "Jalan rusak.", "Hujan turun.", "Banjir."])
            with pytest.raises(Exception, match="at most 3"):
                await refused
        finally:
            await runtime.stop()

    asyncio.run(lifetime())


def test_work_is_refused_until_the_models_are_loaded(tmp_path: Path) -> None:
    runtime = Runtime(settings(tmp_path))
    with pytest.raises(ModelNotReady):
        runtime.interactive_work(RequestScope())
    with pytest.raises(ModelNotReady):
        runtime.batch_work()


def test_warm_up_runs_one_capped_generation_per_model(tmp_path: Path) -> None:
    translation, summarization = FakeEngine(), FakeEngine(role="summarization")
    runtime = Runtime(settings(tmp_path, beam_size=3))

    async def lifetime() -> None:
        await runtime.start(Engines(translation, summarization), _detector(), store=False)
        await runtime.stop()

    asyncio.run(lifetime())
    assert len(translation.batches) == 1 and len(summarization.batches) == 1


def test_compute_type_is_a_setting_each_backend_checks() -> None:
    cpu = Placement("cpu", "float32", "int8")
    assert with_compute_type(cpu, "auto", "transformers") == cpu
    assert with_compute_type(cpu, "bfloat16", "transformers").torch_dtype == "bfloat16"
    assert with_compute_type(cpu, "int8_float16", "ctranslate2").ct2_compute_type == "int8_float16"
    with pytest.raises(ModelNotFound, match="needs the CTranslate2 engine"):
        with_compute_type(cpu, "int8", "transformers")
    with pytest.raises(ValidationError, match="compute_type must be one of"):
        Settings(compute_type="fp8")  # type: ignore[call-arg]
    assert Settings(compute_type=" BFloat16 ").compute_type == "bfloat16"  # type: ignore[call-arg]


def _detector() -> LanguageDetector:
    from app.services.detect import default_detector

    return default_detector()


def test_the_compute_type_setting_reaches_the_engine(tiny_marian_dir: Path) -> None:
    chosen = Settings(  # type: ignore[call-arg]
        translation_model=str(tiny_marian_dir),
        engine="transformers",
        device="cpu",
        compute_type="bfloat16",
        threads=1,
    )
    engine = engine_for(chosen, "translation")
    assert engine.info.compute_type == "bfloat16"
    assert len(engine.generate(["Harga beras naik."], GenerationOptions(1))) == 1


def test_one_model_alone_starts_as_a_replica_runs_it(tmp_path: Path) -> None:
    """A Ray replica's model: warmed up once, behind the same batcher, reported, ready;
    ``stop_work`` answers what waits and marks it not ready."""
    engine = FakeEngine(role="summarization")
    runtime = Runtime(settings(tmp_path, max_batch_size=9))
    driver = runtime.start_model(engine, "summarization", 1.5)
    assert isinstance(driver, Batcher) and driver.max_batch_size == 9
    assert runtime.summarization_batcher is driver and runtime.ready
    assert len(engine.batches) == 1  # the warm-up
    registry = runtime.metrics.registry
    assert registry.get_sample_value("warta_model_load_seconds", {"role": "summarization"}) == 1.5
    runtime.stop_work()
    assert not runtime.ready
    with pytest.raises(ModelNotReady):
        asyncio.run(driver.submit(["Harga naik."], [3], GenerationOptions(1)))
