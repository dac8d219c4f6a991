"""``warta worker``: the job runner of ``warta serve`` without HTTP."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Coroutine
from typing import Any, TypeVar

from app.cli.common import (
    DeviceOpt,
    EngineOpt,
    ModelOpt,
    SummarizerOpt,
    fail,
    quiet_libraries,
    settings_from,
)
from app.core.errors import WartaError

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
    from app.feeds.service import with_watcher
    from app.jobs.worker import work_forever
    from app.services.detect import default_detector

    quiet_libraries(logging.INFO)
    settings = settings_from(
        translation_model=model,
        summarization_model=summarization_model,
        device=device,
        engine=engine,
    )
    try:
        engines = load_engines(settings)
        detector = default_detector()
        jobs = work_forever(settings, engines, detector)
        until_signalled(with_watcher(settings, engines, detector, jobs))
    except WartaError as exc:
        raise fail(exc) from None
    except (KeyboardInterrupt, asyncio.CancelledError):
        logging.getLogger(__name__).info("worker stopped")


def until_signalled(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work``; SIGTERM cancels it as Ctrl-C does, so it can hand back its items."""

    async def main() -> T:
        task = asyncio.current_task()
        if task is not None:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
        return await work

    return asyncio.run(main())
