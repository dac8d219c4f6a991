"""A worker process for the concurrency test: claims and completes items until none are
left, writing one JSON line per claimed item. Usage:
``python -m tests.store.claim_worker URL JOB_ID NAME OUT_FILE START_FILE``: it writes
``OUT_FILE.ready`` once connected, then waits for ``START_FILE``."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from app.store import claim_items, complete_item, open_store


def main(url: str, job_id: str, name: str, out: Path, start: Path) -> None:
    store = open_store(url)
    out.with_suffix(".ready").touch()
    # Both workers begin together, so their claims really overlap.
    while not start.exists():
        time.sleep(0.01)
    with out.open("w") as lines:
        while items := claim_items(store, limit=3, lease_seconds=600, job_id=job_id):
            for item in items:
                time.sleep(0.002)  # a little work, so the other worker's claims interleave
                accepted = complete_item(store, item, result={"worker": name, "id": item.id})
                record = {"position": item.position, "accepted": accepted}
                lines.write(json.dumps(record) + "\n")
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]), Path(sys.argv[5]))
