"""Settings: defaults under ./data, environment and TOML overrides, loud failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from communiques.settings import load_settings
from schemas.errors import ConfigurationError


def test_defaults_live_under_data_in_the_working_directory(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.warehouse == tmp_path / "data" / "warehouse.duckdb"
    assert settings.inbox == tmp_path / "data" / "inbox"
    assert settings.quarantine == tmp_path / "data" / "quarantine"
    assert settings.logs == tmp_path / "data" / "logs"


def test_environment_overrides_with_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNIQUES_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("COMMUNIQUES_WAREHOUSE", "w/wh.duckdb")
    monkeypatch.setenv("COMMUNIQUES_QUALITY__MIN_CHARS", "5")
    settings = load_settings()
    assert settings.inbox == tmp_path / "elsewhere" / "inbox"
    assert settings.warehouse == tmp_path / "w" / "wh.duckdb"
    assert settings.quality.min_chars == 5


def test_toml_file_is_read_and_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "communiques.toml").write_text('inbox = "drop"\nbatch_size = 7\n[quality]\nmin_chars = 9\n')
    monkeypatch.setenv("COMMUNIQUES_BATCH_SIZE", "3")
    settings = load_settings()
    assert settings.inbox == tmp_path / "drop"
    assert settings.batch_size == 3
    assert settings.quality.min_chars == 9


def test_invalid_value_is_one_readable_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNIQUES_BATCH_SIZE", "many")
    with pytest.raises(ConfigurationError, match="batch_size"):
        load_settings()


def test_unknown_setting_in_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "communiques.toml").write_text("inbx = 'typo'\n")
    with pytest.raises(ConfigurationError, match="inbx"):
        load_settings()


def test_missing_named_config_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNIQUES_CONFIG", "/nonexistent/communiques.toml")
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_settings()
