"""``warta serve``'s HTTP server: uvicorn with the guarded protocol and a bounded stop.

On SIGTERM (or Ctrl+C) the server keeps listening but is no longer ready: ``/readyz`` and
every new ``/v1`` request answer 503, so a load balancer moves traffic away, while
requests already in flight run on. Once none is left, or ``shutdown_timeout_s`` is nearly
spent, the requests still waiting get a clean 503, connections close and the process
exits, within ``shutdown_timeout_s``. A second signal stops at once.
"""

from __future__ import annotations

import logging
import math
import os
import resource
import socket
import sys
import time
from types import FrameType
from typing import NoReturn

import uvicorn
from fastapi import FastAPI

from app.api.protocol import ConnectionLimits, guarded_protocol
from app.core.config import Settings
from app.runtime.system import Runtime

log = logging.getLogger(__name__)

FINAL_S = 3.0  # of the shutdown budget, kept for answering 503s, closing and exiting
FILES_BESIDES_CONNECTIONS = 256  # models, the database, spooled uploads, logs


class DrainingServer(uvicorn.Server):
    """uvicorn's server, draining in-flight work before it stops (see the module doc)."""

    def __init__(self, config: uvicorn.Config, state: Runtime, timeout_s: float) -> None:
        super().__init__(config)
        self.state = state
        self.timeout_s = timeout_s
        self.stop_by: float | None = None  # time.monotonic() deadline, once asked to stop

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.stop_by is not None or self.should_exit:
            super().handle_exit(sig, frame)  # asked twice: stop now
            return
        self.stop_by = time.monotonic() + self.timeout_s
        self.state.begin_stopping()

    async def on_tick(self, counter: int) -> bool:
        if self.stop_by is not None and not self.should_exit:
            final = min(FINAL_S, self.timeout_s / 2)
            if self.state.metrics.in_flight.count == 0 or time.monotonic() >= self.stop_by - final:
                self.should_exit = True
        return await super().on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        in_flight = self.state.metrics.in_flight.count
        if in_flight:
            log.warning("stopping: %d requests still in flight get 503", in_flight)
        self.state.stop_work()
        stop_by = self.stop_by or time.monotonic() + min(FINAL_S, self.timeout_s)
        # Answers are already sent; this bounds connections that never finish a request.
        self.config.timeout_graceful_shutdown = max(1, math.floor(stop_by - time.monotonic() - 1))
        await super().shutdown(sockets)


def connection_limits(settings: Settings, state: Runtime) -> ConnectionLimits:
    """The per-connection limits from the settings, counted in the app's metrics."""
    return ConnectionLimits(
        header_timeout_s=settings.header_timeout_s,
        max_connections=settings.max_connections,
        max_per_client=settings.max_connections_per_client,
        on_refused=state.metrics.connection_refused,
        apis=settings.compat_apis,
    )


def raise_file_limit(max_connections: int) -> None:
    """Lift this process's soft limit on open files towards its hard limit: each
    connection is one, and the default soft limit (often 1024) would make the server
    fail to accept below ``WARTA_MAX_CONNECTIONS``. Warns when even the hard limit is
    too low (the operator raises it: ``ulimit -n``, or compose's ``ulimits: nofile``)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + FILES_BESIDES_CONNECTIONS
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        soft = wanted
    if soft != resource.RLIM_INFINITY and soft < max_connections + FILES_BESIDES_CONNECTIONS:
        log.warning(
            "this process may open only %d files, fewer than WARTA_MAX_CONNECTIONS=%d needs "
            "(%d); raise its limit (ulimit -n) or lower WARTA_MAX_CONNECTIONS",
            soft,
            max_connections,
            max_connections + FILES_BESIDES_CONNECTIONS,
        )


def run_server(app: FastAPI, settings: Settings) -> NoReturn:
    """Serve ``app`` (built by ``create_app``) until stopped, then end the process."""
    state: Runtime = app.state.warta
    raise_file_limit(settings.max_connections)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        workers=1,
        log_level="info",
        http=guarded_protocol(connection_limits(settings, state)),
        ws="none",  # no WebSocket endpoints: an upgrade request is plain HTTP
        # Longer than the idle timeout of common clients and proxies (60 s), so the server
        # never closes a kept-alive connection just as a client reuses it.
        timeout_keep_alive=settings.keep_alive_s,
    )
    DrainingServer(config, state, settings.shutdown_timeout_s).run()
    if any(batcher.working for batcher in state.batchers):
        log.warning("a model call was still running at exit; not waiting for it")
    # Every request has been answered. Skip the interpreter's teardown: freeing the models
    # takes seconds of the shutdown budget, and a model call still running in a native
    # thread (it cannot be interrupted) would abort the process during it.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
