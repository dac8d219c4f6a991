# syntax=docker/dockerfile:1
# Warta: CPU image by default; GPU image with --build-arg VARIANT=gpu.
#
#   docker build -t warta .                                         # CPU, models baked in
#   docker build --build-arg WARTA_BAKE_MODELS=none -t warta:slim . # CPU, no models
#   docker build --build-arg VARIANT=gpu -t warta:gpu .             # CUDA
#
# The CPU image runs CTranslate2 without torch: a build stage that has torch converts the
# baked-in models, and only the converted models reach the runtime stage. (With no models
# baked in, the build stage installs nothing: mount converted ones, see the README.) The
# GPU image keeps torch. The model settings below are what the image bakes in AND what it
# serves by default: build with the ones the container will be told to serve (compose
# passes the same variables to both), or a CPU image will lack the model it is asked for.
# A private torch index goes in as a build secret, not an argument, so it is not recorded
# in the image's history:
#   docker build --secret id=torch_index_url,env=TORCH_INDEX_URL ...
# The steps are docker/install.sh, docker/pull-models.sh and docker/start.sh, which CI
# also runs (docker/smoke-test.sh).
ARG VARIANT=cpu

# Converts (and downloads) the baked-in models: torch and transformers live only here.
FROM python:3.11-slim AS build
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
ARG TORCH_VERSION=2.13.0
# all (default) or none for a slim image, whose build stage then installs nothing (no
# torch); WARTA_SUMMARIZATION_MODEL=none bakes only the translation model (the server
# then makes extractive summaries).
ARG WARTA_BAKE_MODELS=all
COPY pyproject.toml README.md /src/
COPY docker/install.sh /src/docker/install.sh
# The torch index (default: the PyTorch CPU index) is the optional secret torch_index_url.
RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=torch_index_url \
    if [ "$WARTA_BAKE_MODELS" != none ]; then \
      /src/docker/install.sh convert /opt/convert --deps-only; \
    fi
COPY app /src/app
COPY docker /src/docker
RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=torch_index_url \
    if [ "$WARTA_BAKE_MODELS" != none ]; then \
      /src/docker/install.sh convert /opt/convert; \
    fi
ARG VARIANT
ARG WARTA_TRANSLATION_MODEL=Helsinki-NLP/opus-mt-id-en
ARG WARTA_SUMMARIZATION_MODEL=sshleifer/distilbart-cnn-12-6
# Downloads go through a build cache mount, so rebuilding after a code change copies the
# models instead of downloading them again.
RUN --mount=type=cache,target=/var/cache/warta-hf \
    mkdir -p /models \
    && PATH=/opt/convert/bin:$PATH HF_HOME=/models/huggingface WARTA_CACHE_DIR=/models/warta \
       WARTA_BUILD_HF_CACHE=/var/cache/warta-hf \
       /src/docker/pull-models.sh "${WARTA_BAKE_MODELS}" "${VARIANT}"

FROM python:3.11-slim AS base-cpu

# CUDA 12.8 with cuDNN 9: what the CUDA builds of torch and ctranslate2's wheels expect.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 AS base-gpu
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/*

FROM base-${VARIANT} AS final
ARG VARIANT
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Installed as root into /opt/warta; the server runs as an unprivileged user. The
# dependencies first, in their own layer: a code change does not reinstall them. The pip
# cache lives in a build cache mount, not in the image.
ARG TORCH_VERSION=2.13.0
COPY pyproject.toml README.md /src/
COPY docker/install.sh /src/docker/install.sh
# gpu: the torch index (default: the PyTorch CUDA 12.8 index) is the optional secret
# torch_index_url, never an argument: arguments used here are recorded in the history of
# the image that ships. (cpu has no torch.)
RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=torch_index_url \
    /src/docker/install.sh "${VARIANT}" /opt/warta --deps-only
COPY app /src/app
COPY docker /src/docker
RUN --mount=type=cache,target=/root/.cache/pip --mount=type=secret,id=torch_index_url \
    /src/docker/install.sh "${VARIANT}" /opt/warta \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin warta \
    && install -d -o warta -g warta /data

# One place for every model file, so a volume on /models keeps downloads and conversions.
COPY --from=build --chown=warta:warta /models /models
ARG WARTA_TRANSLATION_MODEL=Helsinki-NLP/opus-mt-id-en
ARG WARTA_SUMMARIZATION_MODEL=sshleifer/distilbart-cnn-12-6
ENV PATH=/opt/warta/bin:$PATH \
    HF_HOME=/models/huggingface \
    WARTA_CACHE_DIR=/models/warta \
    WARTA_TRANSLATION_MODEL=${WARTA_TRANSLATION_MODEL} \
    WARTA_SUMMARIZATION_MODEL=${WARTA_SUMMARIZATION_MODEL} \
    WARTA_HOST=0.0.0.0 \
    WARTA_PORT=8000 \
    WARTA_DATABASE_URL=sqlite:////data/warta.db
# Glossaries, jobs, documents and usage: mount a volume here so they outlive the container.
VOLUME /data
USER warta
WORKDIR /home/warta

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s --retries=3 \
    CMD ["python", "/src/docker/healthcheck.py"]
CMD ["/src/docker/start.sh"]
