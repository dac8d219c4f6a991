"""One local Ray cluster (2 CPUs) for the whole session: Ray starts slowly.

These tests are their own CI step (``python -m pytest -q tests/scale``; the main run does
not recurse into this folder). Without Ray they are skipped, except under ``CI=true``,
where a missing extra must fail the step.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

if os.environ.get("CI", "").lower() != "true":
    pytest.importorskip("ray", reason="the ray extra is not installed: pip install 'warta[ray]'")

import ray  # noqa: E402  - after the skip, so a missing Ray fails only under CI=true

CLUSTER_CPUS = 2


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[dict[str, Any]]:
    """A local cluster of ``CLUSTER_CPUS`` CPUs; its resources."""
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # a throwaway local cluster
    ray.init(num_cpus=CLUSTER_CPUS, include_dashboard=False, log_to_driver=False)
    yield ray.cluster_resources()
    ray.shutdown()


def without_timing(payload: Any) -> Any:
    """A response with its wall-clock field (``stats.seconds``) removed: everything else
    must be identical between two runs."""
    if isinstance(payload, dict):
        return {
            key: without_timing(value)
            for key, value in payload.items()
            if not (key == "seconds" and "sentences" in payload)
        }
    if isinstance(payload, list):
        return [without_timing(value) for value in payload]
    return payload
