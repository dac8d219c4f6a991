"""How far a job is: the share of its items finished, and an estimate of the time left."""

from __future__ import annotations

from datetime import datetime

from app.store import JobInfo

ACTIVE = ("queued", "running")


def progress(job: JobInfo) -> float:
    """Finished items (done or failed) over all items, from 0 to 1."""
    if job.total == 0:
        return 0.0 if job.status in ACTIVE else 1.0
    return (job.done + job.failed) / job.total


def eta_seconds(job: JobInfo, now: datetime) -> float | None:
    """Seconds until the job is finished at its rate so far; 0 once it is finished,
    ``None`` while there is nothing to estimate from (no item finished yet)."""
    if job.status not in ACTIVE:
        return 0.0
    finished = job.done + job.failed
    if job.started_at is None or finished == 0 or not job.sealed:
        return None
    elapsed = (now - job.started_at).total_seconds()
    if elapsed <= 0:
        return None
    return round((job.total - finished) * elapsed / finished, 1)
