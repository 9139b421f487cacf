"""Settings from `TAMIS_*` environment variables, or a TOML file named by `TAMIS_CONFIG`.

Environment variables win over the file. Settings are built when an app or a CLI command
starts (never at import time), so tests and multiple apps in one process do not share state.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TAMIS_", extra="forbid")

    data_dir: Path = Path("data")
    database_url: str | None = None
    """Defaults to an SQLite file in the data directory."""
    host: str = "127.0.0.1"
    port: int = 8000
    processes: int = Field(default=0, ge=0)
    """HTTP server processes; 0 means one per CPU core, at most 4."""
    workers: int = Field(default=2, ge=0)
    """Job threads in each server process; 0 leaves jobs to `tamis worker` processes."""
    analyzers: list[str] | None = None
    """Analyzer names to load; all installed ones when unset."""
    log_level: str = "INFO"

    max_body_bytes: int = Field(default=24 * 1024 * 1024, ge=1024)
    """Whole request bodies; an image sent as base64 in JSON takes a third more than its size."""
    max_text_chars: int = Field(default=20_000, ge=1)
    max_parts: int = Field(default=16, ge=1)
    max_json_depth: int = Field(default=32, ge=2)
    max_image_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    """One image file, sent or fetched."""
    image_decoders: int = Field(default=1, ge=1)
    """Sandboxed decoding processes per server process (each bounded in memory and time)."""
    image_decode_memory_mib: int = Field(default=256, ge=192)
    """Address space of one decoding process; an image that needs more is refused (413).
    Large lossless and animated images are decoded one at a time across the server."""
    fetch_timeout_seconds: float = Field(default=10.0, gt=0)
    """Fetching an image given by URL, redirects included."""

    job_max_attempts: int = Field(default=5, ge=1)
    job_lease_seconds: float = Field(default=60.0, gt=0)
    media_retention_days: int | None = Field(default=None, ge=1)
    """Delete stored media this many days after upload; unset keeps them until erased."""

    flood_window_seconds: int = Field(default=3600, ge=0)
    """How far back stored items count as near-copies of a new one; 0 turns the check off."""
    flood_authors: int = Field(default=5, ge=2)
    """Near-copies from this many distinct authors (this one included) make a flood."""
    flood_items: int = Field(default=10, ge=2)
    """So do this many near-copies (this one included), whoever posted them."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = os.environ.get("TAMIS_CONFIG")
        if config:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config)))
        return tuple(sources)

    @property
    def server_processes(self) -> int:
        return self.processes or min(os.cpu_count() or 1, 4)

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'tamis.db').resolve()}"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def audit_key_path(self) -> Path:
        return self.data_dir / "audit-signing-key.pem"
