#!/usr/bin/env bash
# The GPU checks, as one script: the CUDA tests (tests/engines/test_cuda.py) and the
# throughput benchmark on CUDA. Run it from the repository root on a machine with an
# NVIDIA GPU and a CUDA build of torch:
#
#   bench/gpu_check.sh [OUT_DIR]        (OUT_DIR: where the logs go; default build/gpu-check)
#
# Packages the machine lacks can come as wheels in .whl/ (bench/gpu_wheels.sh fetches
# them on a connected machine); they are installed into a private folder first.
set -uo pipefail
out="${1:-${OUT:-build/gpu-check}}"
mkdir -p "$out"
python="${PYTHON:-python3}"
export PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

if compgen -G ".whl/*.whl" >/dev/null; then
  "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/warta-site .whl/*.whl || exit 1
  export PYTHONPATH="$PYTHONPATH:/tmp/warta-site"
fi

{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
  "$python" -c 'import torch, ctranslate2; print("torch", torch.__version__, torch.cuda.is_available(), "| ctranslate2", ctranslate2.__version__, ctranslate2.get_cuda_device_count())'
} 2>&1 | tee "$out/environment.txt"

# -p no:cacheprovider: the tree may be read-only; -rs lists anything skipped (nothing should be).
"$python" -m pytest -q -p no:cacheprovider -rs tests/engines/test_cuda.py 2>&1 | tee "$out/tests.txt"
tests=${PIPESTATUS[0]}

"$python" bench/throughput.py --device cuda --quick --repeat 2 --workdir /tmp/warta-throughput \
  2>&1 | tee "$out/throughput.txt"
bench=${PIPESTATUS[0]}

echo "tests: exit $tests; throughput: exit $bench" | tee "$out/summary.txt"
[ "$tests" -eq 0 ] && [ "$bench" -eq 0 ]
