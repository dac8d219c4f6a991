"""The one Settings class: environment variables with the prefix ``WARTA_``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

COMPAT_APIS = ("deepl", "libretranslate")


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
    max_batch_wait_ms: float = Field(5.0, ge=0)
    max_queue_sentences: int = Field(20_000, gt=0)
    max_texts: int = Field(128, gt=0)
    request_timeout_s: float = Field(300.0, gt=0)
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
    glossary_max_entries: int = Field(10_000, gt=0, description="entries in one glossary")

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
    public_url: str | None = Field(
        None, description="the server's public base URL, for absolute links (Atom feeds)"
    )

    @field_validator("device")
    @classmethod
    def _check_device(cls, value: str) -> str:
        value = value.strip().lower()
        if value in {"auto", "cpu", "cuda", "mps"} or (
            value.startswith("cuda:") and value[5:].isdigit()
        ):
            return value
        raise ValueError("device must be auto, cpu, cuda, cuda:N or mps")

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
