#!/usr/bin/env bash
# Bake models into the image at build time (and convert them for CTranslate2).
#
#   docker/pull-models.sh all|none [cpu|gpu]
#
# all: the configured models (WARTA_TRANSLATION_MODEL, and WARTA_SUMMARIZATION_MODEL unless
# it is `none`); none: nothing, for a slim image that downloads at first start or uses a
# mounted model cache or model directory.
set -euo pipefail

what="${1:-all}"
variant="${2:-cpu}"

# The CPU image converts now, as the server will (int8), so it starts without converting.
# A GPU build usually runs without a GPU, and the float16 copy the server wants on CUDA is
# converted at first start (into the /models volume, so only once).
convert="--convert"
if [ "$variant" = "gpu" ]; then
  convert="--no-convert"
fi

case "$what" in
  all) exec warta models pull "$convert" ;;
  none) echo "WARTA_BAKE_MODELS=none: no models in the image" ;;
  *) echo "usage: $0 all|none [cpu|gpu]" >&2; exit 2 ;;
esac
