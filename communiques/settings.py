"""The one settings object, built at the entry point from `COMMUNIQUES_*` variables and/or a TOML file.

Precedence (highest first): keyword arguments, environment variables (`COMMUNIQUES_WAREHOUSE`,
`COMMUNIQUES_QUALITY__MIN_CHARS`, ...), the TOML file named by `COMMUNIQUES_CONFIG` (or
`./communiques.toml` when present), the defaults. Every path defaults to a place under
`./data/` in the current working directory, so two working directories never share state.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from schemas.errors import ConfigurationError
from schemas.quality import QualityRules
from schemas.records import Execution, ExtractOptions, PdfEngine

CONFIG_ENV = "COMMUNIQUES_CONFIG"
DEFAULT_CONFIG = Path("communiques.toml")
DASK_ADDRESS = re.compile(r"((tcp|tls|ws|wss|ucx)://)?[^\s/]+:\d+")


class WatchSettings(BaseModel):
    """How `communiques watch` decides a file is complete and how often it sweeps the inbox."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    settle_seconds: float = Field(
        default=1.0, ge=0, description="a file is taken once its size and mtime stayed put this long"
    )
    sweep_seconds: float = Field(
        default=300.0, gt=0, description="interval between full sweeps of the inbox (catches missed events)"
    )
    poll_seconds: float = Field(default=0.2, gt=0, le=5, description="how often pending files are checked")
    force_polling: bool = Field(
        default=False, description="poll the folder instead of OS events (network file systems)"
    )


class ServerSettings(BaseModel):
    """The Prefect deployments `communiques serve` publishes (server mode)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sweep_cron: str = Field(default="*/15 * * * *", description="cron schedule of the sweep deployment")
    timezone: str = Field(default="UTC", description="time zone the cron schedule is read in")
    limit: int = Field(default=2, gt=0, description="flow runs the serve process runs at once")


class Settings(BaseSettings):
    """Where the pipeline keeps its state and the limits it applies."""

    model_config = SettingsConfigDict(
        env_prefix="COMMUNIQUES_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    data_dir: Path = Field(default=Path("data"), description="root of every default path below")
    warehouse: Path | None = Field(default=None, description="DuckDB file (default data/warehouse.duckdb)")
    inbox: Path | None = Field(default=None, description="folder watched for new files (default data/inbox)")
    quarantine: Path | None = Field(
        default=None, description="where refused files go (default data/quarantine)"
    )
    logs: Path | None = Field(default=None, description="log folder (default data/logs)")
    snapshot: Path | None = Field(
        default=None,
        description="read-only copy for BI tools, refreshed after each load (default data/snapshot.duckdb)",
    )
    publish_snapshot: bool = Field(default=True, description="keep the snapshot up to date")
    prefect_home: Path | None = Field(
        default=None, description="PREFECT_HOME when none is set (default data/prefect)"
    )
    max_file_bytes: int = Field(default=200 * 1024 * 1024, gt=0, description="larger files are refused")
    max_pages: int = Field(default=2000, gt=0, description="PDFs with more pages are refused")
    pdf_engine: PdfEngine = Field(
        default="pdfplumber",
        description="reads PDF text layers: pdfplumber (the reference) or pdfium (faster, its own raw text)",
    )
    ocr_languages: tuple[str, ...] = Field(
        default=("eng", "rus", "chi_sim"), min_length=1, description="Tesseract models for scanned pages"
    )
    ocr_dpi: int = Field(default=300, ge=72, le=600, description="resolution scanned pages are OCR'd at")
    batch_size: int = Field(default=200, gt=0, description="documents loaded per transaction")
    refresh_seconds: float = Field(
        default=30.0,
        ge=0,
        description=(
            "during long runs, search index and snapshot refreshed at most this often and under 5% "
            "of the run (0: after every batch)"
        ),
    )
    workers: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        ge=1,
        le=64,
        description="worker processes extracting documents at once (default: one per core)",
    )
    time_limit_seconds: float | None = Field(
        default=120.0, gt=0, description="per document; a document taking longer is refused"
    )
    memory_limit_mb: int | None = Field(
        default=2048, ge=256, description="per worker process; a document needing more is refused"
    )
    task_runner: Literal["local", "dask"] = Field(
        default="local",
        description="where extraction tasks run: threads of this process (local) or a Dask cluster (dask)",
    )
    dask_address: str | None = Field(
        default=None,
        description="Dask scheduler, e.g. tcp://scheduler:8786 (task_runner dask; default: a local cluster)",
    )
    quality: QualityRules = Field(default_factory=QualityRules)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)

    @field_validator("dask_address")
    @classmethod
    def _scheduler_address(cls, value: str | None) -> str | None:
        if value is not None and not DASK_ADDRESS.fullmatch(value):
            raise ValueError(f"{value!r} is not a Dask scheduler address like tcp://scheduler:8786")
        return value

    @model_validator(mode="after")
    def _dask_address_needs_dask(self) -> Settings:
        if self.dask_address is not None and self.task_runner != "dask":
            raise ValueError("dask_address is set but task_runner is 'local' (set task_runner = \"dask\")")
        return self

    @model_validator(mode="after")
    def _resolve_paths(self) -> Settings:
        data = self.data_dir.expanduser().absolute()
        defaults = {
            "warehouse": data / "warehouse.duckdb",
            "snapshot": data / "snapshot.duckdb",
            "inbox": data / "inbox",
            "quarantine": data / "quarantine",
            "logs": data / "logs",
            "prefect_home": data / "prefect",
        }
        object.__setattr__(self, "data_dir", data)
        for name, default in defaults.items():
            value = getattr(self, name)
            object.__setattr__(self, name, default if value is None else Path(value).expanduser().absolute())
        return self

    def snapshot_target(self) -> Path | None:
        """Where the BI snapshot is published, or None when publishing is off."""
        return self.snapshot if self.publish_snapshot else None

    def execution(self) -> Execution:
        """How many worker processes extract, and their per-document limits."""
        return Execution(
            workers=self.workers,
            time_limit_seconds=self.time_limit_seconds,
            memory_limit_mb=self.memory_limit_mb,
        )

    def extract_options(self) -> ExtractOptions:
        """The per-file limits, PDF engine and OCR settings handed to the extractors."""
        return ExtractOptions(
            max_file_bytes=self.max_file_bytes,
            ocr_languages=self.ocr_languages,
            ocr_dpi=self.ocr_dpi,
            max_pages=self.max_pages,
            pdf_engine=self.pdf_engine,
        )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then environment, then the TOML config file."""
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config = config_file()
        if config is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config))
        return tuple(sources)


def config_file() -> Path | None:
    """The TOML config file in force: `$COMMUNIQUES_CONFIG`, else `./communiques.toml` if present."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigurationError(f"config file {path} (from {CONFIG_ENV}) does not exist")
        return path
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def load_settings(**overrides: Any) -> Settings:
    """Build the settings, turning any invalid value into one readable ConfigurationError."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigurationError(f"invalid settings: {problems}") from None
    except ValueError as exc:  # e.g. a malformed TOML file
        raise ConfigurationError(f"invalid settings: {exc}") from None
