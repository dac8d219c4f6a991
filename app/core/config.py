"""The one Settings class: environment variables with the prefix ``WARTA_``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

COMPAT_APIS = ("deepl", "libretranslate")
COMPUTE_TYPES = ("auto", "float32", "float16", "bfloat16", "int8", "int8_float16", "int8_bfloat16")


def default_database_url() -> str:
    """SQLite in the user's data directory: ``$XDG_DATA_HOME/warta/warta.db``."""
    data_home = os.environ.get("XDG_DATA_HOME", "")
    # The XDG spec says to ignore a relative path.
    base = Path(data_home) if os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return "sqlite:///" + str(base / "warta" / "warta.db")


class Settings(BaseSettings):
    """Everything Warta can be configured with (see the README's configuration table)."""

    model_config = SettingsConfigDict(env_prefix="WARTA_", extra="ignore")

    translation_model: str = "Helsinki-NLP/opus-mt-id-en"
    summarization_model: str = "sshleifer/distilbart-cnn-12-6"
    translation_revision: str | None = Field(
        None, description="branch, tag or commit of the translation model's repository"
    )
    summarization_revision: str | None = Field(
        None, description="branch, tag or commit of the summarisation model's repository"
    )
    engine: Literal["auto", "transformers", "ctranslate2"] = "auto"
    device: str = "auto"
    compute_type: str = Field(
        "auto",
        description="precision: auto (fp16 on GPUs; fp32, or int8 with ctranslate2, on the "
        "CPU), float32, float16, bfloat16, or int8* (ctranslate2 only)",
    )
    cache_dir: Path = Path("~/.cache/warta")
    max_chars: int = Field(100_000, gt=0)
    api_keys: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    database_url: str = Field(
        default_factory=default_database_url,
        description="where glossaries, jobs and usage live: sqlite:///PATH or postgresql://...",
    )

    threads: int = Field(0, ge=0, description="CPU threads per model; 0 = all cores")
    beam_size: int = Field(4, ge=1, le=16)
    max_batch_tokens: int = Field(4096, gt=0)
    max_batch_size: int = Field(64, gt=0, description="model inputs in one engine call")
    max_batch_wait_ms: float = Field(5.0, ge=0)
    max_queue_sentences: int = Field(20_000, gt=0)
    max_texts: int = Field(128, gt=0)
    request_timeout_s: float = Field(300.0, gt=0)
    planning_threads: int = Field(
        2, ge=1, description="threads that read texts (markup, sentences, glossary terms)"
    )
    max_batch_queue_sentences: int = Field(
        20_000, gt=0, description="queued sentences of batch-priority work (durable jobs)"
    )
    cache_size: int = Field(50_000, ge=0, description="sentence cache entries; 0 disables")
    warmup: bool = True
    compat: str = Field(
        "deepl,libretranslate",
        description="compatible APIs to serve: deepl, libretranslate (comma-separated), or none",
    )

    # Serving: how long a stop may take, and what one connection may hold.
    shutdown_timeout_s: float = Field(
        20.0, gt=0, description="after SIGTERM, in-flight work gets this long, then 503"
    )
    header_timeout_s: float = Field(10.0, gt=0, description="to send a request's headers")
    body_timeout_s: float = Field(30.0, gt=0, description="to send a request's whole body")
    keep_alive_s: int = Field(75, gt=0, description="idle seconds before a kept-alive close")
    max_connections: int = Field(1024, gt=0, description="open connections, all clients")
    max_connections_per_client: int = Field(
        128, ge=0, description="open connections from one IP address; 0 = no per-client cap"
    )

    job_runner: bool = Field(True, description="run queued jobs in this process (warta serve)")
    job_concurrency: int = Field(2, gt=0, description="job items in flight per process")
    job_lease_s: float = Field(60.0, gt=0, description="a claimed item's lease; renewed at 1/3")
    job_poll_s: float = Field(1.0, gt=0, description="how often an idle runner looks for work")
    job_max_attempts: int = Field(3, gt=0, description="claims of an item before it fails")
    job_ttl_hours: float = Field(168.0, gt=0, description="finished jobs are deleted after this")
    job_max_items: int = Field(100_000, gt=0)
    job_max_upload_bytes: int = Field(256 * 1024 * 1024, gt=0)
    document_max_bytes: int = Field(20 * 1024 * 1024, gt=0)
    # What reading one document may cost, whatever its zip index claims (see the README).
    document_max_unpacked_bytes: int = Field(
        64 * 1024 * 1024, gt=0, description="real bytes a .docx's members inflate to, in all"
    )
    document_max_zip_entries: int = Field(2000, gt=0, description="members of a .docx")
    document_max_elements: int = Field(
        500_000, gt=0, description="XML elements and attributes of a .docx's text parts"
    )
    document_max_paragraphs: int = Field(
        100_000, gt=0, description="paragraphs of a .docx, empty ones included"
    )
    document_parse_concurrency: int = Field(
        2, gt=0, description="documents read or assembled at once, per process"
    )
    glossary_max_entries: int = Field(10_000, gt=0, description="entries in one glossary")

    # The edge: what a client without a key may hold, and who reads what.
    upload_min_rate_bps: int = Field(
        8192, ge=0, description="after WARTA_BODY_TIMEOUT_S, an upload's slowest average rate"
    )
    max_unkeyed_uploads: int = Field(
        128, gt=0, description="bodies being received without a valid header key, all clients"
    )
    max_unkeyed_uploads_per_client: int = Field(
        16, gt=0, description="bodies being received without a valid header key, one address"
    )
    cache_shared: bool = Field(
        False, description="with API keys set, one sentence cache for all keys (else per key)"
    )
    metrics_token: str | None = Field(None, description="a bearer token that reads /metrics")
    metrics_public: bool = Field(False, description="/metrics without a key (private networks)")
    public_url: str | None = Field(
        None, description="the server's public base URL, for absolute links (never Host)"
    )
    # Following sources (app/feeds).
    feeds_watcher: bool = Field(True, description="poll followed sources in this process")
    feeds_allow_private: bool = Field(
        False, description="allow sources on private, loopback and link-local addresses"
    )
    feeds_user_agent: str = Field(
        "Warta/0.1 (self-hosted news translation; robots.txt agent: warta)",
        description="User-Agent of every request to a source",
    )
    feeds_host_delay_s: float = Field(
        1.0, ge=0, description="least time between two requests to one host"
    )
    feeds_timeout_s: float = Field(20.0, gt=0, description="per request to a source")
    feeds_max_bytes: int = Field(5 * 1024 * 1024, gt=0, description="largest feed or page")
    feeds_min_interval_s: int = Field(60, gt=0, description="shortest poll interval allowed")
    feeds_poll_s: float = Field(5.0, gt=0, description="how often the watcher looks for due work")
    feeds_lease_s: float = Field(120.0, gt=0, description="a claimed poll's or article's lease")
    feeds_concurrency: int = Field(2, gt=0, description="articles in flight per process")
    feeds_max_sources: int = Field(1000, gt=0, description="sources one API key may follow")
    feeds_max_age_days: float = Field(
        7.0, ge=0, description="entries published longer ago are skipped; 0 = no limit"
    )
    feeds_webhook_backoff_s: float = Field(10.0, gt=0, description="first webhook retry delay")

    @field_validator("device")
    @classmethod
    def _check_device(cls, value: str) -> str:
        value = value.strip().lower()
        if value in {"auto", "cpu", "cuda", "mps"} or (
            value.startswith("cuda:") and value[5:].isdigit()
        ):
            return value
        raise ValueError("device must be auto, cpu, cuda, cuda:N or mps")

    @field_validator("api_keys")
    @classmethod
    def _check_api_keys(cls, value: str | None) -> str | None:
        # Empty means unset (compose passes ``${WARTA_API_KEYS:-}``); anything else must be
        # a clean list, since a stray separator or space would switch authentication off
        # or admit an empty key.
        if value is None or value == "":
            return None
        keys = [key.strip() for key in value.split(",")]
        if not any(keys):
            raise ValueError(
                "WARTA_API_KEYS holds separators or spaces but no key, which would switch "
                "authentication off: set comma-separated keys, or leave it unset"
            )
        if not all(keys):
            raise ValueError(
                "WARTA_API_KEYS has an empty key between its commas: remove the extra comma"
            )
        if any(len(key.split()) != 1 for key in keys):
            raise ValueError(
                "a key in WARTA_API_KEYS contains a space, so no client could send it: "
                "use keys without spaces"
            )
        return value

    @field_validator("metrics_token")
    @classmethod
    def _check_metrics_token(cls, value: str | None) -> str | None:
        if value is not None and value != "" and len(value.split()) != 1:
            raise ValueError("WARTA_METRICS_TOKEN must be one word without spaces, or unset")
        return value or None

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("http://", "https://")) or "?" in value or "#" in value:
            raise ValueError("WARTA_PUBLIC_URL must be an http:// or https:// base URL")
        return value.rstrip("/")

    @field_validator("compute_type")
    @classmethod
    def _check_compute_type(cls, value: str) -> str:
        value = value.strip().lower()
        if value in COMPUTE_TYPES:
            return value
        raise ValueError(f"compute_type must be one of {', '.join(COMPUTE_TYPES)}")

    @field_validator("compat")
    @classmethod
    def _check_compat(cls, value: str) -> str:
        names = [name.strip().lower() for name in value.split(",") if name.strip()]
        if names in ([], ["none"]):
            return "none"
        unknown = sorted(set(names) - set(COMPAT_APIS))
        if unknown:
            raise ValueError(
                f"unknown compatible API {', '.join(unknown)}: use "
                f"{', '.join(COMPAT_APIS)} (comma-separated) or none"
            )
        return ",".join(name for name in COMPAT_APIS if name in names)

    @property
    def compat_apis(self) -> frozenset[str]:
        """The compatible API sets to serve (``WARTA_COMPAT``); empty for ``none``."""
        return frozenset(self.compat.split(",")) - {"none"}

    @property
    def api_key_list(self) -> list[str]:
        """The configured API keys; empty when authentication is off."""
        if not self.api_keys:
            return []
        return [key.strip() for key in self.api_keys.split(",") if key.strip()]

    @property
    def summarization_enabled(self) -> bool:
        """False when ``WARTA_SUMMARIZATION_MODEL=none`` (extractive summaries only)."""
        return self.summarization_model.strip().lower() not in {"", "none"}

    def model_for(self, role: str) -> tuple[str, str | None]:
        """(model id or directory, pinned revision or None) of ``role``."""
        if role == "summarization":
            return self.summarization_model, self.summarization_revision or None
        return self.translation_model, self.translation_revision or None

    @property
    def cache_path(self) -> Path:
        return self.cache_dir.expanduser()


class ConfigurationError(ValueError):
    """Settings that cannot be used; the message is one line naming each problem."""


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment with ``overrides`` on top, or ``ConfigurationError``
    with one line (pydantic's own message spans several, with links)."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # names checked by pydantic
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = "WARTA_" + "_".join(str(part) for part in error["loc"]).upper()
            message = error["msg"].removeprefix("Value error, ")
            problems.append(message if name in message else f"{name}: {message}")
        raise ConfigurationError("; ".join(problems)) from None
