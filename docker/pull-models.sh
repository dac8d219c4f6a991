#!/usr/bin/env bash
# Bake models into the image at build time (and convert them for CTranslate2). It runs in
# the image's build stage, whose venv (docker/install.sh convert) has torch: the CPU
# runtime has none, so it only ever reads models converted here.
#
#   docker/pull-models.sh all|none [cpu|gpu]
#
# all: the configured models (WARTA_TRANSLATION_MODEL, and WARTA_SUMMARIZATION_MODEL unless
# it is `none`) into HF_HOME; none: nothing, for a slim image that uses a mounted model
# cache (the CPU image needs the converted models in it) or downloads at first start (GPU).
# WARTA_BUILD_HF_CACHE (optional): a Hugging Face home kept between builds (a build cache
# mount); models are downloaded there once and copied into the image, so rebuilding after
# a code change does not download them again.
set -euo pipefail

what="${1:-all}"
variant="${2:-cpu}"

case "$what" in
  all) ;;
  none) echo "WARTA_BAKE_MODELS=none: no models in the image"; exit 0 ;;
  *) echo "usage: $0 all|none [cpu|gpu]" >&2; exit 2 ;;
esac

# Converted for CTranslate2 now, in the precision the server will use on this variant
# (int8 on the CPU, float16 on CUDA), so the server starts without converting. Converting
# to float16 needs no GPU.
quantization="int8"
if [ "$variant" = "gpu" ]; then
  quantization="float16"
fi

if [ -n "${WARTA_BUILD_HF_CACHE:-}" ]; then
  HF_HOME="$WARTA_BUILD_HF_CACHE" warta models pull --no-convert
  mkdir -p "$HF_HOME/hub"
  for model in "${WARTA_TRANSLATION_MODEL:-}" "${WARTA_SUMMARIZATION_MODEL:-}"; do
    repo="$WARTA_BUILD_HF_CACHE/hub/models--${model//\//--}"
    if [ -n "$model" ] && [ -d "$repo" ]; then
      cp -a "$repo" "$HF_HOME/hub/"
    fi
  done
  # Everything is in HF_HOME now: the pull below only checks it.
  export HF_HUB_OFFLINE=1
fi
warta models pull --no-convert
exec warta models convert --quantization "$quantization"
