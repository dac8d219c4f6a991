#!/usr/bin/env bash
# Install Warta into a fresh virtual environment: the image's install step, also run by CI.
#
#   docker/install.sh cpu|gpu [VENV_DIR] [--deps-only]   (VENV_DIR defaults to /opt/warta)
#
# --deps-only installs torch and the project's dependencies (read from pyproject.toml)
# but not the project: the image does that in an earlier layer, so a code change does not
# reinstall torch. Running it again without the flag completes the same venv.
#
# Environment:
#   TORCH_VERSION    torch release to pin (default 2.13.0)
#   TORCH_INDEX_URL  where torch comes from. Unset or "auto": the PyTorch CPU index (cpu)
#                    or the CUDA 12.8 index (gpu). Empty: pip's own configuration (CI uses
#                    this, where pip finds a local CPU build of torch).
#   PYTHON           interpreter that creates the venv (default python3)
set -euo pipefail

variant="${1:-}"
venv="${2:-/opt/warta}"
deps_only="${3:-}"
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "$variant" in
  cpu) default_index="https://download.pytorch.org/whl/cpu" ;;
  gpu) default_index="https://download.pytorch.org/whl/cu128" ;;
  *) echo "usage: $0 cpu|gpu [VENV_DIR] [--deps-only]" >&2; exit 2 ;;
esac
torch_version="${TORCH_VERSION:-2.13.0}"
torch_index="${TORCH_INDEX_URL-auto}"
if [ "$torch_index" = auto ]; then
  torch_index="$default_index"
fi

"${PYTHON:-python3}" -m venv "$venv"
pip="$venv/bin/pip"

# torch first and pinned: the project only asks for torch>=2.2, and an unpinned torch
# from PyPI is a multi-GB CUDA build, wasted on a CPU image.
if [ -n "$torch_index" ]; then
  "$pip" install --quiet "torch==$torch_version" --index-url "$torch_index"
else
  "$pip" install --quiet "torch==$torch_version"
fi

if [ "$deps_only" = --deps-only ]; then
  "$venv/bin/python" - "$src/pyproject.toml" >"$venv/warta-requirements.txt" <<'PY'
import sys
import tomllib

project = tomllib.load(open(sys.argv[1], "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["ct2"]))
PY
  "$pip" install --quiet -r "$venv/warta-requirements.txt"
  exit 0
fi

# The project itself with CTranslate2 (its PyPI wheels run on the CPU and on CUDA 12).
"$pip" install --quiet "$src[ct2]"

# Fail here, not at the first request, if the install cannot run on this variant.
"$venv/bin/python" - "$variant" <<'PY'
import sys

import ctranslate2
import torch

variant = sys.argv[1]
cuda_build = torch.version.cuda is not None
if variant == "cpu" and cuda_build:
    sys.exit(f"expected a CPU build of torch, got CUDA {torch.version.cuda}")
if variant == "gpu" and not cuda_build:
    sys.exit("expected a CUDA build of torch, got a CPU build: check TORCH_INDEX_URL")
print(f"warta installed: torch {torch.__version__}, ctranslate2 {ctranslate2.__version__}")
PY
"$venv/bin/warta" --help >/dev/null
