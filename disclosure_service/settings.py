"""Typed settings, read once from the environment.

Every setting the service understands is declared here, with its environment variable, so that
`docker-compose.yml`, `docs/operations.md` and the code can be checked against one list.
"""

from __future__ import annotations

import functools
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

Environment = Literal["development", "test", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("development", "test", "production")


class ConfigurationError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it, in one line."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable: its name, what it is for, and whether production requires it."""

    name: str
    help: str
    required_in_production: bool = False
    secret: bool = False


# The single list of environment variables. Tests check docker-compose.yml and the docs against it.
SETTINGS: tuple[Setting, ...] = (
    Setting("APP_ENV", "development, test or production (production refuses unsafe defaults)"),
    Setting(
        "DATABASE_URL",
        "PostgreSQL URL of the schema owner, needed only by `migrate` and the administration commands (keep it "
        "out of the web service's environment: run `migrate`, then `serve --no-migrate`); outside production, "
        "unset with APP_DATABASE_URL also unset starts an embedded PostgreSQL",
        secret=True,
    ),
    Setting(
        "APP_DATABASE_URL",
        "PostgreSQL URL the web service uses: a role that owns nothing and is subject to row-level "
        "security; outside production it defaults to DATABASE_URL's server as role disclosure_app",
        required_in_production=True,
        secret=True,
    ),
    Setting(
        "SECRET_KEY",
        "signs CSRF tokens and keys the recovery-code hashes (32+ random characters; changing it voids every "
        "recovery code)",
        True,
        secret=True,
    ),
    Setting("TOTP_ENCRYPTION_KEY", "encrypts TOTP secrets at rest (32+ random characters)", True, True),
    Setting("DATA_DIR", "folder for the embedded database and development secrets (default ./var)"),
    Setting("PUBLIC_URL", "the address users open, used in enrolment links", required_in_production=True),
    Setting("DB_POOL_MIN", "smallest connection pool per worker process (default 2)"),
    Setting("DB_POOL_MAX", "largest connection pool per worker process (default 10)"),
    Setting(
        "DB_ACQUIRE_TIMEOUT",
        "seconds a request waits for a database connection before it is answered 503 (default 5)",
    ),
    Setting(
        "DB_STATEMENT_TIMEOUT",
        "seconds one SQL statement of the web service may run before it is cancelled (default 30)",
    ),
    Setting(
        "DB_TRANSACTION_POOLING",
        "true when APP_DATABASE_URL points at PgBouncer in transaction mode: no prepared-statement cache "
        "and no startup settings (set statement_timeout and jit on the role instead; default false)",
    ),
    Setting(
        "REPLICA_DATABASE_URL",
        "a hot standby, as the web service's role, for statistics, exports and audit searches (their audit "
        "rows are still written on the primary); unset, everything reads the primary",
        secret=True,
    ),
    Setting("LOG_LEVEL", "DEBUG, INFO, WARNING or ERROR (default INFO)"),
    Setting(
        "RETENTION_REVIEW_YEARS",
        "years from closing a case to its first retention review: one number for every outcome, or "
        "outcome=years pairs with an optional default=years (default: 10 where information was disclosed "
        "or held, 6 otherwise)",
    ),
    Setting(
        "SMTP_URL",
        "mail server for the daily digest of deadlines (`disclosure-service digest send`): "
        "smtp://[user:password@]host[:port][?starttls=true] or smtps://...; unset, no email is sent",
        secret=True,
    ),
    Setting(
        "QUALITY_REVIEW_SHARE",
        "per cent of each month's no-disclosure outcomes, withheld-after-refusal reviews and authorisations "
        "drawn for a second supervisor's quality review (1 to 100; default 10)",
    ),
    Setting(
        "FORWARDED_ALLOW_IPS",
        "addresses of the TLS proxies whose X-Forwarded-For is trusted for client addresses in the audit "
        "trail (read by uvicorn; default 127.0.0.1,::1)",
    ),
)

APP_ROLE_DEFAULT = "disclosure_app"
_DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
_DEFAULT_POOL_MIN = 2
_DEFAULT_POOL_MAX = 10
_DEFAULT_ACQUIRE_TIMEOUT = 5.0
_DEFAULT_STATEMENT_TIMEOUT = 30.0
_MIN_SECRET_LENGTH = 32


@dataclass(frozen=True, slots=True)
class Settings:
    """The service's configuration; build it with `Settings.from_env()` or `get_settings()`."""

    env: Environment = "development"
    database_url: str | None = None
    app_database_url: str | None = None
    secret_key: str = field(default="", repr=False)
    totp_encryption_key: str = field(default="", repr=False)
    data_dir: Path = Path("var")
    public_url: str = _DEFAULT_PUBLIC_URL
    db_pool_min: int = _DEFAULT_POOL_MIN
    db_pool_max: int = _DEFAULT_POOL_MAX
    db_acquire_timeout: float = _DEFAULT_ACQUIRE_TIMEOUT
    db_statement_timeout: float = _DEFAULT_STATEMENT_TIMEOUT
    # Behind PgBouncer in transaction mode: no named prepared statements, no startup settings.
    db_transaction_pooling: bool = False
    # A hot standby for the read-only work of statistics, exports and audit searches.
    replica_database_url: str | None = field(default=None, repr=False)
    log_level: str = "INFO"
    smtp_url: str | None = field(default=None, repr=False)
    # Outcome (or "default") to years before a closed case's first retention review.
    retention_review_years: dict[str, int] = field(default_factory=dict)
    quality_review_share: int = 10

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def embedded_database(self) -> bool:
        """True when no server is configured and the service runs its own PostgreSQL."""
        return self.database_url is None and self.app_database_url is None

    @property
    def embedded_pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read and validate the environment; raise `ConfigurationError` with one clear line."""
        env_vars = dict(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            value = env_vars.get(name, "").strip()
            return value or None

        app_env = get("APP_ENV") or "development"
        if app_env not in ENVIRONMENTS:
            raise ConfigurationError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {app_env!r}")
        data_dir = Path(get("DATA_DIR") or "var")
        production = app_env == "production"

        if production:
            missing = [s.name for s in SETTINGS if s.required_in_production and not get(s.name)]
            if missing:
                raise ConfigurationError(
                    f"production needs {', '.join(missing)} set in the environment (see docs/operations.md)"
                )
        database_url = get("DATABASE_URL")
        app_database_url = get("APP_DATABASE_URL")
        for name, url in (("DATABASE_URL", database_url), ("APP_DATABASE_URL", app_database_url)):
            if url is not None:
                _check_postgres_url(name, url)
        embedded = database_url is None and app_database_url is None
        if embedded or not (get("SECRET_KEY") and get("TOTP_ENCRYPTION_KEY")):
            # Only checked when it will be used: generated keys or the embedded database live there.
            _check_data_dir(data_dir)
        secret_key = get("SECRET_KEY") or _development_secret(data_dir, "SECRET_KEY")
        totp_key = get("TOTP_ENCRYPTION_KEY") or _development_secret(data_dir, "TOTP_ENCRYPTION_KEY")
        for name, value in (("SECRET_KEY", secret_key), ("TOTP_ENCRYPTION_KEY", totp_key)):
            if len(value) < _MIN_SECRET_LENGTH:
                raise ConfigurationError(f"{name} must be at least {_MIN_SECRET_LENGTH} characters long")
        if secret_key == totp_key:
            raise ConfigurationError("SECRET_KEY and TOTP_ENCRYPTION_KEY must be different keys")

        public_url = (get("PUBLIC_URL") or _DEFAULT_PUBLIC_URL).rstrip("/")
        if production and not public_url.startswith("https://"):
            raise ConfigurationError("PUBLIC_URL must start with https:// in production")

        pool_min = _int(get, "DB_POOL_MIN", _DEFAULT_POOL_MIN)
        pool_max = _int(get, "DB_POOL_MAX", _DEFAULT_POOL_MAX)
        if pool_min > pool_max:
            raise ConfigurationError(f"DB_POOL_MIN ({pool_min}) must not be larger than DB_POOL_MAX ({pool_max})")

        return cls(
            env=app_env,
            database_url=database_url,
            app_database_url=app_database_url,
            secret_key=secret_key,
            totp_encryption_key=totp_key,
            data_dir=data_dir,
            public_url=public_url,
            db_pool_min=pool_min,
            db_pool_max=pool_max,
            db_acquire_timeout=_seconds(get, "DB_ACQUIRE_TIMEOUT", _DEFAULT_ACQUIRE_TIMEOUT),
            db_statement_timeout=_seconds(get, "DB_STATEMENT_TIMEOUT", _DEFAULT_STATEMENT_TIMEOUT),
            db_transaction_pooling=_yes_or_no(get, "DB_TRANSACTION_POOLING"),
            replica_database_url=_replica_url(get("REPLICA_DATABASE_URL")),
            log_level=_log_level(get("LOG_LEVEL")),
            smtp_url=_smtp_url(get("SMTP_URL")),
            retention_review_years=parse_review_years(get("RETENTION_REVIEW_YEARS")),
            quality_review_share=_share(get("QUALITY_REVIEW_SHARE")),
        )


def _share(raw: str | None) -> int:
    if raw is None:
        return 10
    try:
        value = int(raw.rstrip("%").strip())
    except ValueError:
        raise ConfigurationError(f"QUALITY_REVIEW_SHARE must be a whole number of per cent, not {raw!r}") from None
    if not 1 <= value <= 100:
        raise ConfigurationError("QUALITY_REVIEW_SHARE must be from 1 to 100 (per cent)")
    return value


def _replica_url(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    if not raw.startswith(("postgresql://", "postgres://")):
        raise ConfigurationError("REPLICA_DATABASE_URL must be a postgresql:// URL")
    return raw.strip()


def _yes_or_no(get: Callable[[str], str | None], name: str) -> bool:
    raw = (get(name) or "false").strip().lower()
    if raw not in ("true", "false"):
        raise ConfigurationError(f"{name} must be true or false, not {raw!r}")
    return raw == "true"


def _int(get: Callable[[str], str | None], name: str, default: int) -> int:
    raw = get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ConfigurationError(f"{name} must be at least 1")
    return value


def _seconds(get: Callable[[str], str | None], name: str, default: float) -> float:
    raw = get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number of seconds, not {raw!r}") from None
    if not 0 < value <= _MAX_TIMEOUT_SECONDS:
        raise ConfigurationError(f"{name} must be more than 0 and at most {_MAX_TIMEOUT_SECONDS} seconds")
    return value


_MAX_TIMEOUT_SECONDS = 3600


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


_LONGEST_REVIEW_YEARS = 100


def parse_review_years(raw: str | None) -> dict[str, int]:
    """`RETENTION_REVIEW_YEARS`: one number for every outcome (`6`), or `outcome=years` pairs with an
    optional `default=years` (`default=6,disclosed_child_sex_convictions=12`). The outcome names are
    checked against the scheme's outcomes when the app is built."""
    if raw is None or not raw.strip():
        return {}
    found: dict[str, int] = {}
    for part in raw.split(","):
        name, sep, value = part.strip().rpartition("=")
        name = name.strip() if sep else "default"
        value = value.strip()
        if not value.isdigit() or not 1 <= int(value) <= _LONGEST_REVIEW_YEARS:
            raise ConfigurationError(
                f"RETENTION_REVIEW_YEARS: {value!r} must be a whole number of years, 1 to {_LONGEST_REVIEW_YEARS}"
            )
        found[name] = int(value)
    return found


def _log_level(raw: str | None) -> str:
    level = (raw or "INFO").upper()
    if level not in LOG_LEVELS:
        raise ConfigurationError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {raw!r}")
    return level


def configure_logging(level: str) -> None:
    """Once per process (the CLI, and each web worker): time, level and source on every line."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(level)


def _smtp_url(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigurationError("SMTP_URL must be smtp://host[:port] or smtps://host[:port]")
    try:
        parts.port  # noqa: B018  # urllib checks the port only when it is read
    except ValueError:
        raise ConfigurationError("SMTP_URL has a port that is not a number from 1 to 65535") from None
    return url


def _check_postgres_url(name: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ConfigurationError(f"{name} must be a postgresql:// URL")
    try:
        port = parts.port  # urllib checks the port only when it is read
    except ValueError:
        port = 0
    if port == 0:
        raise ConfigurationError(f"{name} has a port that is not a number from 1 to 65535")
    if not parts.username:
        raise ConfigurationError(f"{name} must name the role to connect as (postgresql://ROLE:PASSWORD@HOST/DATABASE)")


def _check_data_dir(data_dir: Path) -> None:
    """DATA_DIR must be a folder this process can create files in, or be creatable (nothing is created here)."""
    existing = data_dir.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        problem = "is a file" if existing == data_dir.absolute() else f"{existing} is a file, not a folder"
    elif not os.access(existing, os.W_OK | os.X_OK):
        problem = f"{existing} is not writable by this user"
    else:
        return
    raise ConfigurationError(f"DATA_DIR ({data_dir}) cannot be used: {problem}")


def _development_secret(data_dir: Path, name: str) -> str:
    """Outside production a missing key is generated once and kept in DATA_DIR.

    Keeping it means sessions and encrypted TOTP secrets survive a restart of `make run`.
    """
    path = data_dir / "secrets" / name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_urlsafe(48)
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
    return value


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings.from_env()
