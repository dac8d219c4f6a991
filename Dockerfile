# syntax=docker/dockerfile:1
# Warta: CPU image by default; GPU image with --build-arg VARIANT=gpu.
#
#   docker build -t warta .                                         # CPU, models baked in
#   docker build --build-arg WARTA_BAKE_MODELS=none -t warta:slim . # CPU, no models
#   docker build --build-arg VARIANT=gpu -t warta:gpu .             # CUDA
#
# The CPU image runs CTranslate2 without torch: a build stage that has torch converts the
# baked-in models, and only the converted models reach the runtime stage. (With no models
# baked in, mount converted ones: see the README.) The GPU image keeps torch.
# The steps are docker/install.sh, docker/pull-models.sh and docker/start.sh, which CI
# also runs (docker/smoke-test.sh).
ARG VARIANT=cpu

# Converts (and downloads) the baked-in models: torch and transformers live only here.
FROM python:3.11-slim AS build
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
ARG TORCH_VERSION=2.13.0
# auto: the PyTorch CPU index; or any index URL.
ARG TORCH_INDEX_URL=auto
COPY pyproject.toml README.md /src/
COPY docker/install.sh /src/docker/install.sh
RUN --mount=type=cache,target=/root/.cache/pip \
    /src/docker/install.sh convert /opt/convert --deps-only
COPY app /src/app
COPY docker /src/docker
RUN --mount=type=cache,target=/root/.cache/pip \
    /src/docker/install.sh convert /opt/convert
ARG VARIANT
# all (default) or none for a slim image; WARTA_SUMMARIZATION_MODEL=none bakes only the
# translation model (the server then makes extractive summaries).
ARG WARTA_BAKE_MODELS=all
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
# gpu: auto is the PyTorch CUDA 12.8 index; or any index URL. (cpu has no torch.)
ARG TORCH_INDEX_URL=auto
COPY pyproject.toml README.md /src/
COPY docker/install.sh /src/docker/install.sh
RUN --mount=type=cache,target=/root/.cache/pip \
    /src/docker/install.sh "${VARIANT}" /opt/warta --deps-only
COPY app /src/app
COPY docker /src/docker
RUN --mount=type=cache,target=/root/.cache/pip \
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
