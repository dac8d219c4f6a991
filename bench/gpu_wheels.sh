#!/usr/bin/env bash
# Fetch, into .whl/, the wheels bench/gpu_check.sh needs on a GPU machine whose Python
# 3.12 already has CUDA torch, transformers, sentencepiece, tokenizers, numpy, pyyaml,
# regex and tqdm, but no other package of Warta's. Run on a machine with access to PyPI:
#
#   bench/gpu_wheels.sh          # about 47 MB
#
# The versions are resolved together (pydantic needs its exact pydantic-core), then only
# the packages that machine lacks are kept.
set -euo pipefail
keep='^(ctranslate2|pydantic|pydantic_core|pydantic_settings|python_dotenv|annotated_types|typing_inspection|ftfy|wcwidth|sacremoses)-'
resolved="$(mktemp -d)"
trap 'rm -rf "$resolved"' EXIT
python3 -m pip download -q --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 --platform any -d "$resolved" \
  ctranslate2 pydantic-settings ftfy sacremoses
rm -rf .whl && mkdir .whl
for wheel in "$resolved"/*.whl; do
  if basename "$wheel" | grep -Eq "$keep"; then mv "$wheel" .whl/; fi
done
ls .whl && du -sh .whl
