"""The FastAPI application: ``create_app(settings)`` builds the running system and mounts
the API on it; the models load in the app's lifespan.

Run it with ``warta serve`` (or ``uvicorn --factory app.main:create_app``).
"""

from __future__ import annotations

from functools import partial

from fastapi import FastAPI

from app.api.app import mount
from app.core.config import Settings, load_settings
from app.engines.loader import Engines
from app.runtime.drivers import DriverFactory
from app.runtime.system import Runtime
from app.services.detect import LanguageDetector

__all__ = ["Engines", "create_app"]


def create_app(
    settings: Settings | None = None,
    *,
    engines: Engines | None = None,
    detector: LanguageDetector | None = None,
    drivers: DriverFactory | None = None,
) -> FastAPI:
    """Build the app; models load in its lifespan unless ``engines`` are given.

    ``drivers`` replaces the local batcher of each model (``app.scale`` sends the units
    to model replicas elsewhere); every route reaches the models only through them.
    """
    settings = settings or load_settings()  # from the environment; one line if unusable
    runtime = Runtime(settings)
    return mount(runtime, partial(runtime.start, engines, detector, drivers))
