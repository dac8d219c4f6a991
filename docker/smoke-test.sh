#!/usr/bin/env bash
# Prove the CPU image's steps without a Docker engine (CI runs this), as its two stages do:
# the build stage's venv (docker/install.sh convert: torch, transformers) builds a tiny
# local model and bakes it in with docker/pull-models.sh; the runtime venv (docker/install.sh
# cpu: no torch) starts the server with docker/start.sh offline. Then it checks /healthz
# (with the image's health check), /readyz, the web page, the offline API docs and one
# translation, and stops the server.
#
#   docker/smoke-test.sh [WORK_DIR]      (TORCH_INDEX_URL as for docker/install.sh)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
venv="$work/venv"
build="$work/build-venv"
rm -rf "$venv" "$build" "$work/hf" "$work/cache" "$work/tiny-marian"

# The same steps as the Dockerfile's stages: dependencies, then the project.
for step in "convert $build" "cpu $venv"; do
  echo "== docker/install.sh $step --deps-only"
  # shellcheck disable=SC2086 # two words on purpose: variant and venv
  "$root/docker/install.sh" $step --deps-only
  echo "== docker/install.sh $step"
  # shellcheck disable=SC2086
  "$root/docker/install.sh" $step
done
if "$venv/bin/python" -c 'import torch' 2>/dev/null; then
  echo "the runtime venv can import torch; it must not hold it" >&2
  exit 1
fi

echo "== the tiny model (built once per machine, see app/engines/tiny.py)"
(cd "$root" && "$build/bin/python" -c '
import shutil, sys
from app.engines.tiny import build_tiny_marian, cached_model
shutil.copytree(cached_model(build_tiny_marian), sys.argv[1])' "$work/tiny-marian")
echo "== docker/pull-models.sh all cpu (build venv)"
env PATH="$build/bin:$PATH" HF_HUB_OFFLINE=1 HF_HOME="$work/hf" WARTA_CACHE_DIR="$work/cache" \
  WARTA_TRANSLATION_MODEL="$work/tiny-marian" WARTA_SUMMARIZATION_MODEL=none \
  "$root/docker/pull-models.sh" all cpu
converted="$(ls "$work/cache/ct2")"
port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

echo "== docker/start.sh on port $port (runtime venv)"
(
  cd "$work"
  exec env HF_HUB_OFFLINE=1 HF_HOME="$work/hf" WARTA_CACHE_DIR="$work/cache" \
    WARTA_VENV="$venv" WARTA_HOST=127.0.0.1 WARTA_PORT="$port" WARTA_THREADS=1 \
    WARTA_TRANSLATION_MODEL="$work/tiny-marian" WARTA_SUMMARIZATION_MODEL=none \
    "$root/docker/start.sh"
) >"$work/server.log" 2>&1 &
server=$!
stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap stop EXIT

healthy=""
for _ in $(seq 1 180); do
  if ! kill -0 "$server" 2>/dev/null; then
    break
  fi
  if WARTA_PORT="$port" "$venv/bin/python" "$root/docker/healthcheck.py" 2>/dev/null; then
    healthy=yes
    break
  fi
  sleep 1
done
if [ -z "$healthy" ]; then
  echo "the server did not become healthy; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
fi

# The server used the model converted at "build" time rather than converting again.
if [ "$(ls "$work/cache/ct2")" != "$converted" ]; then
  echo "the server converted the model again: $(ls "$work/cache/ct2")" >&2
  exit 1
fi

(cd "$root" && "$venv/bin/python" - "$port" <<'PY'
import json
import sys
import urllib.request

from app.engines.tiny import PAIRS

base = f"http://127.0.0.1:{sys.argv[1]}"
with urllib.request.urlopen(base + "/readyz", timeout=10) as response:
    assert response.status == 200, response.status
with urllib.request.urlopen(base + "/", timeout=10) as response:
    page = response.read().decode()
    assert "/static/app.js" in page, "the web page is not in the installed package"
with urllib.request.urlopen(base + "/static/app.js", timeout=10) as response:
    assert "textContent" in response.read().decode()
with urllib.request.urlopen(base + "/docs", timeout=10) as response:
    docs = response.read().decode()
    assert "https://" not in docs and "/docs-assets/swagger-ui-bundle.js" in docs, docs
with urllib.request.urlopen(base + "/docs-assets/swagger-ui-bundle.js", timeout=10) as response:
    assert "SwaggerUIBundle" in response.read().decode()
source, expected = PAIRS[0]
request = urllib.request.Request(
    base + "/v1/translate",
    data=json.dumps({"texts": [source]}).encode(),
    headers={"Content-Type": "application/json"},
)
with urllib.request.urlopen(request, timeout=60) as response:
    body = json.load(response)
assert body["translations"][0]["text"] == expected, body
print(f"smoke test passed: healthz, readyz, web page, /docs, /v1/translate ({body['engine']}) "
      "from a venv without torch")
PY
)
