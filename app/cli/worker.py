"""``warta worker``: the job runner of ``warta serve`` without HTTP."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from app.cli.common import (
    DeviceOpt,
    EngineOpt,
    ModelOpt,
    SummarizerOpt,
    fail,
    quiet_libraries,
    settings_from,
)
from app.core.config import Settings
from app.core.errors import WartaError

if TYPE_CHECKING:
    from app.engines.loader import Engines

log = logging.getLogger(__name__)
T = TypeVar("T")


def worker(
    model: ModelOpt = None,
    summarization_model: SummarizerOpt = None,
    device: DeviceOpt = None,
    engine: EngineOpt = None,
) -> None:
    """Run the queued jobs of WARTA_DATABASE_URL, and follow its sources, without HTTP.

    Any number of workers and servers may share one database (PostgreSQL for several
    machines); each item runs in one of them. Stop with Ctrl-C or SIGTERM: items in
    flight are handed back to be finished by another worker, or this one restarted.
    """
    from app.engines.loader import load_engines

    quiet_libraries(logging.INFO)
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )
    try:
        engines = load_engines(settings)
        until_signalled(work_forever(settings, engines))
    except WartaError as exc:
        raise fail(exc) from None
    except (KeyboardInterrupt, asyncio.CancelledError):
        log.info("worker stopped")


async def work_forever(settings: Settings, engines: Engines) -> None:
    """Start the runtime with its job runner and run the jobs of
    ``settings.database_url`` until cancelled; then stop it as a server stops, so the
    items in flight are handed back for another worker (or this one, restarted)."""
    from app.runtime.system import Runtime

    runtime = Runtime(settings.model_copy(update={"job_runner": True}))
    await runtime.start(engines)
    log.info("worker ready: running jobs, %d items at a time", settings.job_concurrency)
    try:
        await asyncio.Event().wait()  # the job runner works in the background
    finally:
        completed = runtime.runner.completed if runtime.runner is not None else 0
        await runtime.stop()
        log.info("worker stopped: completed %d items", completed)


def until_signalled(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work``; SIGTERM cancels it as Ctrl-C does, so it can hand back its items."""

    async def main() -> T:
        task = asyncio.current_task()
        if task is not None:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        return await work

    return asyncio.run(main())
