"""Jobs outside the server.

``warta batch``: one job from a JSON Lines file to an output file, kept in a SQLite store
of its own beside the output (``OUTPUT.job.db``). Run again after an interruption, it
finds the job there and goes on where it stopped; once every item is finished the
results are written (atomically) and the store removed.

``warta worker``: the job runner of ``warta serve`` without HTTP, for every job of the
configured database, its models behind their own batchers.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from app.contract.answers import Kind
from app.core.config import Settings
from app.core.errors import InvalidInput
from app.jobs.handle import item_handler, result_line
from app.jobs.intake import REQUEST, json_lines, line, max_item_bytes, submit
from app.jobs.progress import ACTIVE
from app.jobs.runner import Finished, JobRunner, RunnerConfig
from app.services.glossaries import kept_glossaries
from app.services.work import Work
from app.store import JobInfo, Store, delete_job, get_job, iter_results, list_jobs, open_store

SOURCE = "source"  # the input file a local job was read from
LOCAL_LEASE_S = 10.0  # after a kill, a rerun waits this long for the dead run's items


@dataclass
class LocalJob:
    """An open local job: its store, the job, and whether it was found (a resumed run)."""

    store: Store
    job: JobInfo
    resumed: bool
    path: Path


def store_path(output: Path) -> Path:
    """Where ``warta batch`` keeps the job writing ``output``."""
    return output.with_name(output.name + ".job.db")


@contextlib.contextmanager
def exclusive(output: Path) -> Iterator[None]:
    """Hold the lock of the job writing ``output``; 422 when another run holds it."""
    path = store_path(output).with_suffix(".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InvalidInput(f"Another warta batch is writing {output}; wait for it.") from None
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def run_options(settings: Settings, options: dict[str, Any]) -> dict[str, Any]:
    """A batch run's options as a job keeps them, the same for a run on this machine and
    on Ray: the sync call's fields (``REQUEST``) and a copy of the stored glossary they
    name (``stored_glossaries``)."""
    return {REQUEST: options, **stored_glossaries(settings, options)}


def stored_glossaries(settings: Settings, options: dict[str, Any]) -> dict[str, Any]:
    """A copy of the stored glossary the options' ``glossary_id`` names, read from the
    database of ``WARTA_DATABASE_URL`` (the server's) and kept with the run, as a server
    keeps one; ``NotFound`` when that database has no such glossary without a key."""
    if options.get("glossary_id") is None:
        return {}
    store = open_store(settings.database_url)
    try:
        return kept_glossaries(store, None, options)
    finally:
        store.close()


def open_local_job(
    source: Path, output: Path, kind: Kind, options: dict[str, Any], settings: Settings
) -> LocalJob:
    """The job of ``source`` -> ``output``: the interrupted one when there is one for the
    same input, kind and options, else a new one read from ``source`` (with a copy of the
    stored glossary its options name)."""
    path = store_path(output)
    if output.exists() and not path.exists():
        raise InvalidInput(f"{output} exists; remove it or write to another file.")
    store = open_store(f"sqlite:///{path}")
    stamp = _stamp(source)
    for job in list_jobs(store, None):
        if job.sealed:
            _check_same(job, kind, options, stamp, path)
            return LocalJob(store, job, True, path)
        delete_job(store, job.id, None)  # its input was still being read: read it again
    with source.open("rb") as stream:
        values = json_lines(stream, max_item_bytes(settings))
        job = submit(
            store,
            kind,
            values,
            owner=None,
            options=options,
            where=line,
            max_items=sys.maxsize,
            meta={SOURCE: stamp, **stored_glossaries(settings, options)},
        )
    return LocalJob(store, job, False, path)


def _stamp(source: Path) -> dict[str, Any]:
    try:
        stat = source.stat()
    except FileNotFoundError:
        raise InvalidInput(f"No such file: {source}") from None
    return {"path": str(source.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _check_same(
    job: JobInfo, kind: Kind, options: dict[str, Any], stamp: dict[str, Any], path: Path
) -> None:
    if job.options.get(SOURCE) != stamp:
        problem = "the input file changed"
    elif job.kind != kind or job.options.get(REQUEST) != options:
        problem = f"it ran with --kind {job.kind} --options '{json.dumps(job.options[REQUEST])}'"
    else:
        return
    raise InvalidInput(
        f"An interrupted run is in {path}, but {problem}; delete {path} to start over."
    )


async def run_job(
    local: LocalJob, work: Work, settings: Settings, finished: Finished | None = None
) -> JobInfo:
    """Run the job's items one at a time until none is left; its final state."""
    store, job_id = local.store, local.job.id
    config = RunnerConfig(concurrency=1, lease_s=LOCAL_LEASE_S, poll_s=1.0, max_attempts=3)
    runner = JobRunner(
        store, item_handler(work, settings), config, job_id=job_id, finished=finished
    )

    async def over() -> bool:
        job = await asyncio.to_thread(get_job, store, job_id, None)
        return job is None or job.status not in ACTIVE

    await runner.run(idle=over)
    job = await asyncio.to_thread(get_job, store, job_id, None)
    if job is None:
        raise LookupError(f"job {job_id} vanished from {local.path}")
    return job


def write_results(local: LocalJob, output: Path) -> None:
    """Every item's result line, in input order, into ``output`` (written whole or not at
    all); then the job's store is removed."""
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        _write_lines(local, out)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(output)
    local.store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{local.path}{suffix}").unlink(missing_ok=True)


def _write_lines(local: LocalJob, out: IO[str]) -> None:
    for item in iter_results(local.store, local.job.id):
        out.write(json.dumps(result_line(item), ensure_ascii=False) + "\n")
