"""Warta as a Ray Serve application: the same HTTP API, models as separate deployments.

    serve run app.scale.serve:app [translation_model=ID|DIR ...]   # or: warta serve --ray

- ``Ingress``: the very app of ``warta serve`` (every route, error and metric of
  ``warta serve``), whose models are the deployments below: it plans units with each
  model's tokenizer and hands every request's units to a replica.
- ``Translation`` and ``Summarization``: ``ModelReplica``s, each one copy of its model
  behind the server's own sentence cache and cross-request batcher.

The defaults below suit one small machine; ``deploy/serve.yaml`` sets replicas, CPUs and
GPUs for a cluster. Settings reach every replica as ``WARTA_*`` variables (the config's
``runtime_env``) and as builder arguments, which win.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from functools import partial
from typing import Any

from fastapi import FastAPI
from ray import serve
from ray.serve import Application
from ray.serve.handle import DeploymentHandle

from app.api.app import mount
from app.core.config import Settings
from app.engines.base import Seq2SeqEngine
from app.engines.loader import Engines
from app.runtime.system import Runtime
from app.scale.remote import ModelCard, RemoteDriver, RemoteEngine
from app.scale.replica import ModelReplica
from app.services.batcher import Driver
from app.services.scheduling import MAX_BATCH_SIZE

ROLES = {"translation": "Translation", "summarization": "Summarization"}

# A replica's batch holds up to MAX_BATCH_SIZE units; a request has at least one, so a
# replica must accept that many requests at once for a batch of one-sentence requests
# to fill up. Its own batcher bounds its queue (429 past WARTA_MAX_QUEUE_SENTENCES).
MODEL_OPTIONS: dict[str, Any] = {
    "max_ongoing_requests": MAX_BATCH_SIZE,
    "autoscaling_config": {
        "min_replicas": 1,
        "max_replicas": 2,
        "target_ongoing_requests": MAX_BATCH_SIZE // 4,
    },
    "ray_actor_options": {"num_cpus": 1, "num_gpus": 0},
}
# The ingress parses, cleans and tokenises; it waits on replicas most of the time.
INGRESS_OPTIONS: dict[str, Any] = {
    "max_ongoing_requests": 256,
    "num_replicas": 1,
    "ray_actor_options": {"num_cpus": 0},
}


@serve.ingress()
class Ingress:
    """The HTTP API of ``warta serve``, reaching its models through Serve handles."""

    def __init__(
        self,
        translation: DeploymentHandle[Any],
        summarization: DeploymentHandle[Any] | None,
        overrides: dict[str, Any],
    ) -> None:
        self._settings = Settings(**overrides)
        handles = {"translation": translation, "summarization": summarization}
        self._handles = {role: h for role, h in handles.items() if h is not None}

    async def __serve_build_asgi_app__(self) -> FastAPI:
        """The app Serve runs, once each model deployment has described its model (the
        app's lifespan then loads the detector and warms up through the replicas)."""
        roles = list(self._handles)
        cards: list[ModelCard] = await asyncio.gather(
            *(self._handles[role].describe.remote() for role in roles)
        )
        remote = {
            role: RemoteEngine(self._handles[role], card)
            for role, card in zip(roles, cards, strict=True)
        }
        engines = Engines(
            translation=remote["translation"],
            summarization=remote.get("summarization"),
            load_seconds={role: card.load_seconds for role, card in zip(roles, cards, strict=True)},
        )
        runtime = Runtime(self._settings)
        return mount(runtime, partial(runtime.start, engines, drivers=self._driver))

    def _driver(self, engine: Seq2SeqEngine, role: str) -> Driver:
        return RemoteDriver(self._handles[role], role)


def app(args: dict[str, Any]) -> Application:
    """The Serve application; ``args`` are ``Settings`` fields (``serve run ... key=value``
    or the config's ``args``), passed to every replica on top of its environment."""
    return build(args)


def build(
    overrides: dict[str, Any], deployments: Mapping[str, Mapping[str, Any]] | None = None
) -> Application:
    """The application with ``overrides`` for every replica's settings, and deployment
    options (by deployment name) on top of the defaults; ``num_replicas`` there replaces
    autoscaling."""
    settings = Settings(**overrides)
    given = deployments or {}

    def options(name: str, defaults: dict[str, Any]) -> dict[str, Any]:
        chosen = {**defaults, **given.get(name, {})}
        if "num_replicas" in given.get(name, {}):
            chosen.pop("autoscaling_config", None)
        return chosen

    models = {
        role: serve.deployment(name=name, **options(name, MODEL_OPTIONS))(ModelReplica).bind(
            role, overrides
        )
        for role, name in ROLES.items()
        if role == "translation" or settings.summarization_enabled
    }
    ingress = serve.deployment(name="Ingress", **options("Ingress", INGRESS_OPTIONS))(Ingress)
    return ingress.bind(models["translation"], models.get("summarization"), overrides)


def run(overrides: dict[str, Any], address: str, *, host: str, port: int) -> None:
    """Start (``local``) or join (``auto``, ``ray://HOST:PORT``) a Ray cluster and serve
    the API on ``host:port`` until interrupted: ``warta serve --ray ADDRESS``."""
    import ray

    ray.init(address=address)  # replicas' logs (a model that fails to load) show here
    serve.start(http_options={"host": host, "port": port})
    serve.run(app(overrides), name="warta", route_prefix="/", blocking=True)
