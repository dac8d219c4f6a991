#!/usr/bin/env bash
# Install Warta into a fresh virtual environment: the image's install steps, also run by CI.
#
#   docker/install.sh cpu|gpu|convert [VENV_DIR] [--deps-only]   (VENV_DIR: /opt/warta)
#
#   cpu      the CPU image's runtime: CTranslate2 and the tokenisers, no torch (it serves
#            models converted beforehand: see `convert`)
#   gpu      the GPU image's runtime: the CUDA build of torch, transformers and CTranslate2
#   convert  the build stage that converts models for CTranslate2: the CPU build of torch,
#            transformers and CTranslate2
#
# --deps-only installs the dependencies (read from pyproject.toml) but not the project:
# the image does that in an earlier layer, so a code change does not reinstall them.
# Running it again without the flag completes the same venv. At the end it prints the
# venv's installed size (the files pip installed, per package).
#
# Environment:
#   TORCH_VERSION    torch release to pin (default 2.13.0)
#   TORCH_INDEX_URL  where torch comes from. Unset or "auto": the PyTorch CPU index
#                    (convert) or the CUDA 12.8 index (gpu). Empty: pip's own configuration
#                    (CI uses this, where pip finds a local CPU build of torch). In an image
#                    build it comes from the build secret torch_index_url (the file
#                    TORCH_INDEX_FILE), so an index with credentials is never recorded.
#   TORCH_INDEX_FILE a file holding the index instead (default /run/secrets/torch_index_url;
#                    used when TORCH_INDEX_URL is unset and the file exists)
#   PYTHON           interpreter that creates the venv (default python3)
set -euo pipefail

variant="${1:-}"
venv="${2:-/opt/warta}"
deps_only="${3:-}"
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "$variant" in
  cpu) extras="ct2"; default_index="" ;;
  gpu) extras="ct2,transformers"; default_index="https://download.pytorch.org/whl/cu128" ;;
  convert) extras="convert"; default_index="https://download.pytorch.org/whl/cpu" ;;
  *) echo "usage: $0 cpu|gpu|convert [VENV_DIR] [--deps-only]" >&2; exit 2 ;;
esac
torch_version="${TORCH_VERSION:-2.13.0}"
index_file="${TORCH_INDEX_FILE:-/run/secrets/torch_index_url}"
if [ -z "${TORCH_INDEX_URL+set}" ] && [ -s "$index_file" ]; then
  TORCH_INDEX_URL="$(tr -d '[:space:]' <"$index_file")"
fi
torch_index="${TORCH_INDEX_URL-auto}"
if [ "$torch_index" = auto ]; then
  torch_index="$default_index"
fi

"${PYTHON:-python3}" -m venv "$venv"
pip="$venv/bin/pip"

# torch first and pinned where the variant has it: the project only asks for torch>=2.2,
# and an unpinned torch from PyPI is a multi-GB CUDA build, wasted on the CPU.
if [ "$variant" != cpu ]; then
  if [ -n "$torch_index" ]; then
    "$pip" install --quiet "torch==$torch_version" --index-url "$torch_index"
  else
    "$pip" install --quiet "torch==$torch_version"
  fi
fi

if [ "$deps_only" = --deps-only ]; then
  "$venv/bin/python" - "$src/pyproject.toml" "$extras" >"$venv/warta-requirements.txt" <<'PY'
import sys
import tomllib

project = tomllib.load(open(sys.argv[1], "rb"))["project"]
wanted = list(project["dependencies"])
for extra in sys.argv[2].split(","):
    wanted += project["optional-dependencies"][extra]
print("\n".join(dict.fromkeys(wanted)))
PY
  "$pip" install --quiet -r "$venv/warta-requirements.txt"
  exit 0
fi

"$pip" install --quiet "$src[$extras]"

# Fail here, not at the first request, if the install cannot run on this variant; then
# report what the venv weighs.
"$venv/bin/python" - "$variant" <<'PY'
import importlib.util
import sys
from importlib import metadata

import ctranslate2

variant = sys.argv[1]
found = {name: importlib.util.find_spec(name) is not None for name in ("torch", "transformers")}
if variant == "cpu":
    if any(found.values()):
        sys.exit(f"the CPU runtime must not hold torch or transformers: {found}")
    print(f"warta installed (cpu): ctranslate2 {ctranslate2.__version__}, no torch")
else:
    import torch

    cuda_build = torch.version.cuda is not None
    if variant == "convert" and cuda_build:
        sys.exit(f"expected a CPU build of torch, got CUDA {torch.version.cuda}")
    if variant == "gpu" and not cuda_build:
        sys.exit("expected a CUDA build of torch, got a CPU build: check TORCH_INDEX_URL")
    print(f"warta installed ({variant}): torch {torch.__version__}, "
          f"ctranslate2 {ctranslate2.__version__}")

sizes = {}
for dist in metadata.distributions():
    files = [f.locate() for f in dist.files or []]
    sizes[dist.metadata["Name"]] = sum(p.stat().st_size for p in files if p.is_file())
total = sum(sizes.values())
largest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
print(f"installed size: {total / 2**20:.0f} MB in {len(sizes)} packages; largest: "
      + ", ".join(f"{name} {size / 2**20:.0f} MB" for name, size in largest))
PY
"$venv/bin/warta" --help >/dev/null
