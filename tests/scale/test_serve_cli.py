"""``warta serve --ray ADDRESS``: the Serve application from the command line, here on
the session's cluster (``auto``), answering as the API does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from ray import serve

from app.engines.tiny import PAIRS
from tests.servers import free_port


def ready(url: str, server: subprocess.Popen[bytes], limit_s: float = 600) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        assert server.poll() is None, "warta serve --ray exited"
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:  # not listening yet, or the proxy still waits for the app
            pass
        time.sleep(1)
    raise AssertionError(f"{url} was not ready in {limit_s:.0f} s")


def test_warta_serve_on_ray_serves_the_api(
    tiny_marian_dir: Path, ray_cluster: dict[str, Any], tmp_path: Path
) -> None:
    port = free_port()
    command = [
        sys.executable, "-m", "app.cli", "serve", "--ray", "auto", "--host", "127.0.0.1",
        "--port", str(port), "--translation-model", str(tiny_marian_dir),
        "--summarization-model", "none", "--engine", "transformers", "--device", "cpu",
    ]  # fmt: skip
    env = {**os.environ, "WARTA_BEAM_SIZE": "2"}
    with (tmp_path / "serve.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        ready(url, server)
        source, target = PAIRS[1]
        request = urllib.request.Request(
            f"{url}/v1/translate",
            data=json.dumps({"texts": [source]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.loads(response.read())["translations"][0]["text"] == target
    finally:
        server.terminate()
        server.wait(timeout=60)
        serve.shutdown()  # the application outlives its driver on a running cluster
