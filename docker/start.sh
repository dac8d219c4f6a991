#!/usr/bin/env bash
# Start the Warta server: the image's CMD, also run by CI against a tiny model.
#
#   docker/start.sh [extra `warta serve` flags]
#
# Every setting comes from the environment (WARTA_*; see the README's configuration
# table). WARTA_HOST defaults to 0.0.0.0 here because inside a container the server
# must listen on all interfaces to be reachable through the published port.
set -euo pipefail

# The image puts its venv on PATH; elsewhere (CI) WARTA_VENV names the venv to use.
if [ -n "${WARTA_VENV:-}" ]; then
  PATH="$WARTA_VENV/bin:$PATH"
fi

exec warta serve --host "${WARTA_HOST:-0.0.0.0}" --port "${WARTA_PORT:-8000}" "$@"
