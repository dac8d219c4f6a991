"""Two worker processes on one database: no item is handed to both, none is missed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from app.store import NewItem, add_items, create_job, get_job, iter_results, open_store, seal_job

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 150


def test_two_processes_share_a_job_without_doing_any_item_twice(
    db_url: str, tmp_path: Path
) -> None:
    store = open_store(db_url)
    job = create_job(store, "translate")
    add_items(store, job.id, (NewItem(f"t{n}", {"text": f"Kalimat {n}."}) for n in range(ITEMS)))
    seal_job(store, job.id)

    start = tmp_path / "start"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    names = ["w1", "w2"]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.store.claim_worker",
                db_url,
                job.id,
                name,
                str(tmp_path / f"{name}.jsonl"),
                str(start),
            ],
            cwd=ROOT,
            env=env,
        )
        for name in names
    ]
    for name in names:
        ready = tmp_path / f"{name}.ready"
        while not ready.exists():
            assert all(w.poll() is None for w in workers), "a worker exited before starting"
            time.sleep(0.01)
    start.touch()
    for worker in workers:
        assert worker.wait(timeout=300) == 0

    claimed = {
        name: [json.loads(line) for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()]
        for name in names
    }
    positions = {name: [r["position"] for r in records] for name, records in claimed.items()}
    assert all(r["accepted"] for records in claimed.values() for r in records)
    # Every item was claimed exactly once, by one of the two.
    assert sorted(positions["w1"] + positions["w2"]) == list(range(ITEMS))
    assert positions["w1"] and positions["w2"], "both workers should have taken part"

    info = get_job(store, job.id, None)
    assert info is not None and (info.status, info.done, info.failed) == ("done", ITEMS, 0)
    owners = {p: name for name, ps in positions.items() for p in ps}
    for result in iter_results(store, job.id):
        assert result.result == {"worker": owners[result.position], "id": result.id}
    store.close()
