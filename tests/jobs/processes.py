"""What the crash tests add to ``tests.servers``: a server's base URL, JSON calls, and
items over the tiny model's sentences with the translations they must get."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from app.engines.tiny import PAIRS
from tests.servers import serve as serve_process


def serve(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A ready ``warta serve`` and its base URL."""
    server, port = serve_process(env, log)
    return server, f"http://127.0.0.1:{port}"


def call(base: str, method: str, path: str, body: Any = None, quiet: bool = False) -> Any:
    """The JSON answer of one request (``None`` when ``quiet`` and it fails)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
    except (urllib.error.URLError, OSError):
        if quiet:
            return None
        raise
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode()


def translate_items(count: int) -> tuple[list[dict[str, Any]], list[str]]:
    """``count`` translate items over the tiny model's sentences, and the translation
    each must get."""
    items = [{"id": f"t{n}", "texts": [PAIRS[n % len(PAIRS)][0]]} for n in range(count)]
    return items, [PAIRS[n % len(PAIRS)][1] for n in range(count)]
