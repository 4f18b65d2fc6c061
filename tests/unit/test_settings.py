from __future__ import annotations

from pathlib import Path

import pytest

from disclosure_service.database.piccolo_engine import make_engine
from disclosure_service.settings import SETTINGS, ConfigurationError, Settings

KEY_A = "a" * 40
KEY_B = "b" * 40


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        "APP_ENV": "production",
        "DATABASE_URL": "postgresql://owner:pw@db:5432/disclosure",
        "APP_DATABASE_URL": "postgresql://disclosure_app:pw@db:5432/disclosure",
        "SECRET_KEY": KEY_A,
        "TOTP_ENCRYPTION_KEY": KEY_B,
        "PUBLIC_URL": "https://disclosure.example.police.uk",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v}


def test_production_settings_are_read_from_the_environment() -> None:
    settings = Settings.from_env(production_env())
    assert settings.is_production
    assert settings.database_url == "postgresql://owner:pw@db:5432/disclosure"
    assert not settings.embedded_database
    assert settings.public_url == "https://disclosure.example.police.uk"


@pytest.mark.parametrize(
    "missing", [s.name for s in SETTINGS if s.required_in_production], ids=lambda name: f"without-{name}"
)
def test_production_refuses_to_start_without_a_required_setting(missing: str) -> None:
    with pytest.raises(ConfigurationError, match=missing) as error:
        Settings.from_env(production_env(**{missing: ""}))
    assert "\n" not in str(error.value)


def test_short_keys_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY must be at least 32"):
        Settings.from_env(production_env(SECRET_KEY="short"))


def test_the_two_keys_must_differ() -> None:
    with pytest.raises(ConfigurationError, match="different"):
        Settings.from_env(production_env(TOTP_ENCRYPTION_KEY=KEY_A))


def test_production_needs_https() -> None:
    with pytest.raises(ConfigurationError, match="https"):
        Settings.from_env(production_env(PUBLIC_URL="http://disclosure.example"))


def test_a_database_url_must_be_postgresql() -> None:
    with pytest.raises(ConfigurationError, match="DATABASE_URL must be a postgresql"):
        Settings.from_env({"DATABASE_URL": "sqlite:///x.db", "DATA_DIR": "/nonexistent-not-used"} | _keys())


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="APP_ENV"):
        Settings.from_env({"APP_ENV": "staging"} | _keys())


def test_pool_sizes_must_be_whole_numbers() -> None:
    with pytest.raises(ConfigurationError, match="DB_POOL_MAX must be a whole number"):
        Settings.from_env({"DB_POOL_MAX": "lots"} | _keys())


def test_development_without_database_url_uses_the_embedded_server(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert settings.embedded_database
    assert settings.embedded_pgdata == tmp_path / "pgdata"


def test_development_keys_are_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings.from_env({"DATA_DIR": str(tmp_path)})
    second = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert first.totp_encryption_key == second.totp_encryption_key
    assert first.secret_key != first.totp_encryption_key
    assert (tmp_path / "secrets" / "SECRET_KEY").stat().st_mode & 0o077 == 0


def test_secrets_are_not_in_the_repr() -> None:
    settings = Settings.from_env(production_env())
    assert KEY_A not in repr(settings)
    assert KEY_B not in repr(settings)


def _keys() -> dict[str, str]:
    return {"SECRET_KEY": KEY_A, "TOTP_ENCRYPTION_KEY": KEY_B}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_URL": "postgresql://owner@db:fivefour/disclosure"}, "DATABASE_URL has a port that is not a number"),
        ({"APP_DATABASE_URL": "postgresql://app@db:99999/disclosure"}, "APP_DATABASE_URL has a port that is not"),
        ({"DATABASE_URL": "postgresql://db:5432/disclosure"}, "DATABASE_URL must name the role"),
        ({"DB_POOL_MIN": "5", "DB_POOL_MAX": "2"}, r"DB_POOL_MIN \(5\) must not be larger than DB_POOL_MAX \(2\)"),
        ({"DB_ACQUIRE_TIMEOUT": "soon"}, "DB_ACQUIRE_TIMEOUT must be a number of seconds"),
        ({"DB_STATEMENT_TIMEOUT": "0"}, "DB_STATEMENT_TIMEOUT must be more than 0"),
    ],
    ids=["port-not-a-number", "port-out-of-range", "no-role", "pool-min-above-max", "timeout-word", "timeout-zero"],
)
def test_a_bad_setting_is_one_line_naming_it(environ: dict[str, str], message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=message) as error:
        Settings.from_env({"DATA_DIR": str(tmp_path)} | environ | _keys())
    assert "\n" not in str(error.value)


def test_timeouts_have_defaults_and_take_fractions(tmp_path: Path) -> None:
    defaults = Settings.from_env({"DATA_DIR": str(tmp_path)} | _keys())
    assert (defaults.db_acquire_timeout, defaults.db_statement_timeout) == (5.0, 30.0)
    given = Settings.from_env(
        {"DATA_DIR": str(tmp_path), "DB_ACQUIRE_TIMEOUT": "0.5", "DB_STATEMENT_TIMEOUT": "12"} | _keys()
    )
    assert (given.db_acquire_timeout, given.db_statement_timeout) == (0.5, 12.0)


def test_a_data_dir_that_cannot_hold_files_is_refused_when_it_is_needed(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x", encoding="utf-8")
    for data_dir in (a_file, a_file / "below"):
        with pytest.raises(ConfigurationError, match=r"DATA_DIR .* cannot be used: .*file") as error:
            Settings.from_env({"DATA_DIR": str(data_dir)})
        assert "\n" not in str(error.value)
    assert a_file.read_text(encoding="utf-8") == "x"
    # With a server and both keys given, DATA_DIR is never used, so it is not checked.
    Settings.from_env({"DATA_DIR": str(a_file), "DATABASE_URL": "postgresql://owner@db/disclosure"} | _keys())


def test_the_quality_review_share_is_a_percentage_defaulting_to_ten() -> None:
    assert Settings.from_env(production_env()).quality_review_share == 10
    assert Settings.from_env(production_env(QUALITY_REVIEW_SHARE="25%")).quality_review_share == 25
    for wrong in ("0", "101", "ten"):
        with pytest.raises(ConfigurationError, match="QUALITY_REVIEW_SHARE"):
            Settings.from_env(production_env(QUALITY_REVIEW_SHARE=wrong))


def test_transaction_pooling_is_off_unless_asked_for_and_changes_how_connections_are_made() -> None:
    assert Settings.from_env(production_env()).db_transaction_pooling is False
    assert Settings.from_env(production_env(DB_TRANSACTION_POOLING="true")).db_transaction_pooling is True
    with pytest.raises(ConfigurationError, match="DB_TRANSACTION_POOLING must be true or false"):
        Settings.from_env(production_env(DB_TRANSACTION_POOLING="yes please"))
    direct = make_engine("postgresql://h/db", statement_timeout=5).config
    pooled = make_engine("postgresql://h/db", statement_timeout=5, transaction_pooling=True).config
    assert direct["server_settings"]["statement_timeout"] == "5000"
    assert "server_settings" not in pooled
    assert pooled["statement_cache_size"] == 0
    assert pooled["command_timeout"] == direct["command_timeout"]
