"""Warta on Ray: Serve deployments for online traffic (``app.scale.serve``) and a Ray
Data pipeline for archives (``app.scale.data``). Both run the one pipeline unchanged;
only the way units reach a model differs.

Optional: ``pip install 'warta[ray]'``.
"""

from __future__ import annotations

import importlib.util

from app.core.errors import MissingDependency


def require_ray() -> None:
    """Raise ``MissingDependency`` naming the extra when Ray is not installed."""
    if importlib.util.find_spec("ray") is None:
        raise MissingDependency("Running on Ray needs the ray extra: pip install 'warta[ray]'")
