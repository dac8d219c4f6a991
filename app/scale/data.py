"""Archives on Ray Data: JSON Lines or Parquet shards of articles (or translation
requests) through clean -> translate -> summarise, results written per shard.

    warta batch ARCHIVE/ --output RESULTS/ --ray local

A pool of actors, each holding one copy of the models, runs ``process_item`` over the
direct driver for every item: the single-process path, item for item, so each result
is what the sync API answers for that item. Reading is a task per shard; results come
back in input order and each shard is written once complete, so a stopped run resumes
by skipping the shards whose output exists.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import ray
import ray.data

from app.contract.answers import Kind, error_item
from app.core.config import Settings
from app.core.errors import WartaError
from app.jobs.handle import answer_item
from app.runtime.system import load_direct_work
from app.scale.replica import replica_threads
from app.scale.shards import Row, ShardWriter, find_shards, output_path, parse_row, read_shard

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchOptions:
    """How a batch run is laid out on the cluster; ``actors=None`` sizes the pool by the
    cluster's GPUs (when ``gpus_per_actor`` > 0) or CPUs."""

    kind: Kind = "articles"
    fmt: str = "jsonl"
    actors: int | None = None
    cpus_per_actor: float = 1.0
    gpus_per_actor: float = 0.0
    batch_size: int = 16


@dataclass
class BatchReport:
    """What a run did: shards written now, shards already done before, items and errors."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    items: int = 0
    errors: int = 0


class ItemWorker:
    """One actor of the pool: the models loaded once, every item answered as a job's item
    is (``answer_item``), with the run's options and kept glossaries."""

    def __init__(self, kind: Kind, overrides: dict[str, Any], job_options: dict[str, Any]) -> None:
        settings = Settings(**overrides)
        self._settings = settings.model_copy(
            update={"threads": settings.threads or replica_threads()}
        )
        self._work = load_direct_work(self._settings, summarization=kind == "articles")
        self._kind = kind
        self._job_options = job_options
        self._loop = asyncio.new_event_loop()

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        """Results (as JSON text) for a batch of rows, one by one, in order."""
        rows = [
            Row(str(shard), int(line), str(item), str(problem))
            for shard, line, item, problem in zip(
                batch["shard"], batch["line"], batch["item"], batch["problem"], strict=True
            )
        ]
        results = [self._loop.run_until_complete(self._one(row)) for row in rows]
        return {
            "shard": [row.shard for row in rows],
            "result": [json.dumps(result, ensure_ascii=False) for result in results],
        }

    async def _one(self, row: Row) -> dict[str, Any]:
        try:
            item = parse_row(row)
        except WartaError as exc:
            return error_item(None, exc)
        return await answer_item(self._work, self._kind, item, self._job_options, self._settings)


def _read(record: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [asdict(row) for row in read_shard(str(record["shard"]), kind)]


def run_batch(
    inputs: list[str],
    out_dir: Path,
    options: BatchOptions,
    overrides: dict[str, Any],
    job_options: dict[str, Any] | None = None,
) -> BatchReport:
    """Process every shard of ``inputs`` whose output is not in ``out_dir`` yet, on the
    Ray cluster this process is connected to (``ray.init`` first). ``job_options`` are
    the run's options as a job keeps them (``app.jobs.local.run_options``)."""
    shards = [str(shard) for shard in find_shards(inputs)]
    out_dir.mkdir(parents=True, exist_ok=True)
    report = BatchReport()
    pending: list[str] = []
    for shard in shards:
        done = output_path(out_dir, shard, options.fmt).exists()
        (report.skipped if done else pending).append(shard)
    if not pending:
        return report
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    results = (
        ray.data.from_items([{"shard": s} for s in pending], override_num_blocks=len(pending))
        # Reading waits on disk or object storage; it takes no CPU from the actors.
        .flat_map(partial(_read, kind=options.kind), num_cpus=0)
        .map_batches(
            ItemWorker,
            fn_constructor_kwargs={
                "kind": options.kind,
                "overrides": overrides,
                "job_options": job_options or {},
            },
            batch_size=options.batch_size,
            concurrency=options.actors or pool_size(options),
            num_cpus=options.cpus_per_actor,
            num_gpus=options.gpus_per_actor,
        )
    )
    _write(results.iter_rows(), pending, out_dir, options.fmt, report)
    return report


def pool_size(options: BatchOptions) -> int:
    """Actors that fit the cluster: one per ``gpus_per_actor`` of its GPUs, else one per
    ``cpus_per_actor`` of its CPUs."""
    resources = ray.cluster_resources()
    if options.gpus_per_actor > 0:
        return max(1, int(resources.get("GPU", 0) / options.gpus_per_actor))
    return max(1, int(resources.get("CPU", 1) / options.cpus_per_actor))


def _write(records: Any, pending: list[str], out_dir: Path, fmt: str, report: BatchReport) -> None:
    """Results arrive in input order: a shard is complete when the next one starts."""
    writer: ShardWriter | None = None
    shard = ""
    for record in records:
        if writer is None or record["shard"] != shard:
            if writer is not None:
                _finish(writer, shard, report)
            shard = record["shard"]
            writer = ShardWriter(output_path(out_dir, shard, fmt), fmt)
        writer.add(json.loads(record["result"]))
    if writer is not None:
        _finish(writer, shard, report)
    for empty in (s for s in pending if s not in report.written):  # shards with no items
        _finish(ShardWriter(output_path(out_dir, empty, fmt), fmt), empty, report)


def _finish(writer: ShardWriter, shard: str, report: BatchReport) -> None:
    writer.finish()
    report.written.append(shard)
    report.items += writer.count
    report.errors += writer.errors
    log.info("%s: %d items, %d errors -> %s", shard, writer.count, writer.errors, writer.final)
