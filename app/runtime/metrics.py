"""Prometheus metrics, one registry per app (tests build many apps in one process)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from app.services.batcher import Batcher, BatchObserver

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)
CONTENT_TYPE = CONTENT_TYPE_LATEST


class InFlight:
    """How many requests have their whole body and no answer yet (shutdown drains them)."""

    def __init__(self) -> None:
        self.count = 0


class _LiveCollector(Collector):
    """Values read at scrape time: requests in flight, queue depths and cache counters."""

    def __init__(self) -> None:
        self.in_flight = InFlight()
        self.batchers: dict[str, Batcher] = {}
        self.caches: dict[str, Any] = {}  # role -> cache with hits, misses, entries

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily(
            "warta_requests_in_flight",
            "Requests received in full and not yet answered",
            value=self.in_flight.count,
        )
        depth = GaugeMetricFamily(
            "warta_queue_depth", "Model inputs waiting for the engine", labels=["role"]
        )
        for role, batcher in self.batchers.items():
            depth.add_metric([role], batcher.queue_depth)
        yield depth
        hits = CounterMetricFamily("warta_cache_hits", "Sentence cache hits", labels=["role"])
        misses = CounterMetricFamily("warta_cache_misses", "Sentence cache misses", labels=["role"])
        entries = GaugeMetricFamily("warta_cache_entries", "Sentence cache size", labels=["role"])
        for role, cache in self.caches.items():
            hits.add_metric([role], cache.hits)
            misses.add_metric([role], cache.misses)
            entries.add_metric([role], cache.entries)
        yield from (hits, misses, entries)


class Metrics:
    """Every metric Warta exports."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        reg = self.registry
        self.requests = Counter(
            "warta_requests",
            "HTTP requests by route, method and status",
            ["route", "method", "status"],
            registry=reg,
        )
        self.latency = Histogram(
            "warta_request_duration_seconds",
            "HTTP request latency by route, method and status",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=reg,
        )
        self.sentences = Counter(
            "warta_sentences_translated", "Source sentences translated", registry=reg
        )
        self.tokens = Counter(
            "warta_tokens_processed", "Model input tokens sent to an engine", ["role"], registry=reg
        )
        self.batch_size = Histogram(
            "warta_batch_size",
            "Inputs per engine call",
            ["role"],
            buckets=BATCH_BUCKETS,
            registry=reg,
        )
        self.batch_seconds = Histogram(
            "warta_batch_duration_seconds",
            "Seconds per engine call",
            ["role"],
            buckets=LATENCY_BUCKETS,
            registry=reg,
        )
        self.model_load_seconds = Gauge(
            "warta_model_load_seconds", "Seconds spent loading each model", ["role"], registry=reg
        )
        self.ready = Gauge("warta_ready", "1 when models are loaded and warm", registry=reg)
        self.refused = Counter(
            "warta_connections_refused",
            "Connections refused or cut off before a request reached the app, by reason",
            ["reason"],
            registry=reg,
        )
        self.live = _LiveCollector()
        self.in_flight = self.live.in_flight
        reg.register(self.live)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one finished HTTP request."""
        labels = (route, method, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def connection_refused(self, reason: str) -> None:
        """Count one connection the server refused or cut off (see app.api.protocol)."""
        self.refused.labels(reason).inc()

    def batch_observer(self, role: str) -> BatchObserver:
        """A callback for one engine's batcher."""

        def observe(units: int, tokens: int, seconds: float) -> None:
            self.batch_size.labels(role).observe(units)
            self.tokens.labels(role).inc(tokens)
            self.batch_seconds.labels(role).observe(seconds)

        return observe

    def sentence_counter(self) -> Callable[[int], None]:
        """A callback counting translated sentences."""
        return self.sentences.inc

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
