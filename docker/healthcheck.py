"""Container health check: exit 0 when GET /healthz answers 200 (no curl in the image)."""

from __future__ import annotations

import os
import sys
import urllib.request


def main() -> int:
    """Ask the local server for /healthz; any failure is unhealthy."""
    port = os.environ.get("WARTA_PORT", "8000")
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError as exc:
        sys.stderr.write(f"unhealthy: {url}: {exc}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
