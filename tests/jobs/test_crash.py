"""Jobs survive their processes: a server killed with SIGKILL mid-job, ``warta batch``
interrupted or killed, two ``warta worker`` processes sharing one PostgreSQL database.
Each ends with every item answered exactly once, in input order."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.jobs.handle import result_line
from app.jobs.local import store_path
from app.store import Store, get_job, iter_results, list_jobs, open_store
from app.store.schema import job_items
from tests.jobs.conftest import new_job
from tests.jobs.processes import call, serve, translate_items
from tests.servers import STARTUP_S, model_env, start, stop, wait_for
from tests.store.conftest import _empty_database


def attempts(store: Store, job_id: str) -> list[int]:
    query = select(job_items.c.attempts).where(job_items.c.job_id == job_id)
    with store.read() as conn:
        return list(conn.execute(query.order_by(job_items.c.position)).scalars())


def check_lines(lines: list[dict[str, Any]], expected: list[str]) -> None:
    """One line per item, in input order, each with its item's translation."""
    assert [line["id"] for line in lines] == [f"t{n}" for n in range(len(expected))]
    assert [line["translations"][0]["text"] for line in lines] == expected


def test_a_server_killed_mid_job_resumes_it_after_a_restart(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    database = tmp_path / "jobs.db"
    env = model_env(
        tiny_marian_dir,
        tmp_path,
        database_url=f"sqlite:///{database}",
        job_lease_s="2",
        job_poll_s="0.1",
        job_concurrency="2",
    )
    items, expected = translate_items(150)
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    server, base = serve(env, first_log)
    try:
        job_id = call(base, "POST", "/v1/jobs", {"kind": "translate", "items": items})["id"]
        wait_for(lambda: call(base, "GET", f"/v1/jobs/{job_id}")["done"] >= 5, server, first_log)
        server.send_signal(signal.SIGKILL)
        server.wait()
    finally:
        stop(server)
    store = open_store(f"sqlite:///{database}")
    before = get_job(store, job_id, None)
    assert before is not None and before.done < before.total, "the job ended before the kill"

    server, base = serve(env, second_log)
    try:
        wait_for(
            lambda: call(base, "GET", f"/v1/jobs/{job_id}")["status"] == "done", server, second_log
        )
        text = call(base, "GET", f"/v1/jobs/{job_id}/results")
    finally:
        stop(server)
    check_lines([json.loads(line) for line in text.splitlines()], expected)
    tries = attempts(store, job_id)
    assert set(tries) <= {1, 2}  # claimed again only if it was in flight at the kill
    assert tries.count(2) <= 2  # job_concurrency
    store.close()


def local_done(output: Path) -> int:
    """Items the ``warta batch`` writing ``output`` has finished so far."""
    path = store_path(output)
    if not path.exists():
        return 0
    store = open_store(f"sqlite:///{path}", migrate=False)
    try:
        jobs = list_jobs(store, None)
    except OperationalError:  # the run is still creating its tables
        return 0
    finally:
        store.close()
    return jobs[0].done + jobs[0].failed if jobs and jobs[0].sealed else 0


def test_warta_batch_goes_on_after_ctrl_c_and_after_kill_9(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    items, expected = translate_items(60)
    source, output = tmp_path / "archive.jsonl", tmp_path / "results.jsonl"
    source.write_text("".join(json.dumps(item) + "\n" for item in items) + "oops\n")
    env = model_env(tiny_marian_dir, tmp_path)
    args = ["batch", str(source), "-o", str(output), "--kind", "translate"]
    logs = [tmp_path / f"run{n}.log" for n in range(3)]

    interrupted = start(args, env, logs[0])
    wait_for(lambda: local_done(output) >= 2, interrupted, logs[0])
    interrupted.send_signal(signal.SIGINT)
    assert interrupted.wait(timeout=120) == 130
    assert "interrupted: run the same command again" in logs[0].read_text()
    after_ctrl_c = local_done(output)

    killed = start(args, env, logs[1])
    wait_for(lambda: local_done(output) >= after_ctrl_c + 2, killed, logs[1])
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert not output.exists()
    assert local_done(output) < len(items) + 1, "the run ended before the kill"

    last = start(args, env, logs[2])
    assert last.wait(timeout=STARTUP_S) == 0, logs[2].read_text()
    assert "resuming the interrupted run" in logs[2].read_text()
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    check_lines(lines[:-1], expected)
    assert lines[-1]["error"]["message"].startswith("line 61 is not valid JSON")
    assert not store_path(output).exists()


def test_two_workers_on_one_postgresql_database_share_a_job_without_repeats(
    tiny_marian_dir: Path, tmp_path: Path
) -> None:
    with _empty_database("postgresql", tmp_path) as url:
        store = open_store(url)
        env = model_env(
            tiny_marian_dir, tmp_path, database_url=url, job_poll_s="0.05", job_concurrency="2"
        )
        logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
        workers = [start(["worker"], env, log) for log in logs]
        try:
            for worker, log in zip(workers, logs, strict=True):
                wait_for(lambda log=log: "worker ready" in log.read_text(), worker, log)
            items, expected = translate_items(200)
            job = new_job(store, "translate", items)
            finished(store, job.id, workers, logs)
        finally:
            for worker in workers:
                stop(worker)
        counts = [completed(log) for log in logs]
        check_lines([result_line(item) for item in iter_results(store, job.id)], expected)
        assert attempts(store, job.id) == [1] * 200  # no item was handed out twice
        assert sum(counts) == 200 and min(counts) > 0, counts  # both took part
        store.close()


def finished(
    store: Store, job_id: str, workers: list[subprocess.Popen[bytes]], logs: list[Path]
) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        job = get_job(store, job_id, None)
        if job is not None and job.status == "done":
            return
        for worker, log in zip(workers, logs, strict=True):
            if worker.poll() is not None:
                pytest.fail(f"a worker exited:\n{log.read_text()}")
        time.sleep(0.1)
    pytest.fail("the job did not finish")


def completed(log: Path) -> int:
    found = re.search(r"worker stopped: completed (\d+) items", log.read_text())
    assert found, log.read_text()
    return int(found.group(1))
