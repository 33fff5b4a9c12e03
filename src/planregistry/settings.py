"""Configuration checked at start, in one place, before a command does anything.

Each setting a command depends on is read and tried here, and a setting that cannot work
stops the command with one line naming it (`ConfigurationError`): the database URL (it
parses, its driver is installed, the database answers), the database's schema (a new
SQLite file is migrated, anything else must be current), and the key source bearer
tokens are verified with (`planregistry_api.token_keys`: a secret long enough, a key
file readable and a key in it). A new setting (an identity provider's, say) gets its
check in `check()` and its own line in the same shape.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planregistry_domain.errors import ConfigurationError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from planregistry_api.token_keys import TokenKeys

DATABASE_URL_ENV = "PLANREGISTRY_DATABASE_URL"
DEFAULT_DATABASE_URL = "sqlite:///planregistry.sqlite3"
DATABASE_SETTING = f"{DATABASE_URL_ENV} (--database-url)"
POOL_SIZE_ENV = "PLANREGISTRY_DB_POOL_SIZE"
_MAX_POOL_SIZE = 1000
_BACKENDS = ("sqlite", "postgresql")


def database_url_from_env() -> str:
    return os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


FILES_DIR_ENV = "PLANREGISTRY_FILES_DIR"
DOCUMENT_MAX_BYTES_ENV = "PLANREGISTRY_DOCUMENT_MAX_BYTES"
DEFAULT_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def files_dir(database_url: str, environ: Mapping[str, str] | None = None) -> Path:
    """Where attached documents' bytes are kept: `PLANREGISTRY_FILES_DIR`, else a folder
    beside the SQLite file (`planregistry.sqlite3` → `planregistry-files/`), else
    `planregistry-files/` in the working directory."""
    configured = (os.environ if environ is None else environ).get(FILES_DIR_ENV, "").strip()
    if configured:
        return Path(configured)
    from sqlalchemy.engine import make_url

    try:
        url = make_url(database_url)
    except Exception:
        return Path("planregistry-files")
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        database = Path(str(url.database))
        return database.with_name(f"{database.stem}-files")
    return Path("planregistry-files")


def document_max_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The largest document kept, in bytes (`PLANREGISTRY_DOCUMENT_MAX_BYTES`, default 20 MB)."""
    raw = (os.environ if environ is None else environ).get(DOCUMENT_MAX_BYTES_ENV, "").strip()
    if not raw:
        return DEFAULT_DOCUMENT_MAX_BYTES
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigurationError(DOCUMENT_MAX_BYTES_ENV, f"{raw!r} är inget positivt heltal.")
    return int(raw)


@dataclass(frozen=True)
class Checked:
    """What the checks produced: an engine on a ready database, the token key source."""

    engine: Engine | None = None
    migrated: bool = False  # a new SQLite database was given the schema just now
    keys: TokenKeys | None = None
    local_secret: Path | None = None  # where the local secret came from, if it did


def pool_size(environ: Mapping[str, str] | None = None) -> int | None:
    """Connections each process keeps open to the database (None: the engine's default)."""
    raw = (os.environ if environ is None else environ).get(POOL_SIZE_ENV, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= _MAX_POOL_SIZE:
        raise ConfigurationError(
            POOL_SIZE_ENV, f"{raw!r} är inget heltal mellan 1 och {_MAX_POOL_SIZE}."
        )
    return int(raw)


def engine_options(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The engine options the environment sets, for `Registry.open`: the pool size, the
    bounded waits (see `TIMEOUTS`) and SQLite's `synchronous`."""
    environ = os.environ if environ is None else environ
    size = pool_size(environ)
    options: dict[str, Any] = {} if size is None else {"pool_size": size}
    for variable, (option, default) in TIMEOUTS.items():
        options[option] = _seconds(environ, variable, default)
    synchronous = environ.get(SQLITE_SYNCHRONOUS_ENV, "").strip().upper()
    if synchronous:
        if synchronous not in SYNCHRONOUS_MODES:
            raise ConfigurationError(
                SQLITE_SYNCHRONOUS_ENV, f"{synchronous!r} är varken FULL eller NORMAL."
            )
        options["sqlite_synchronous"] = synchronous
    return options


# How long a request may wait on the database before it is answered 503, in seconds:
# the variable → the engine option and its default.
TIMEOUTS: dict[str, tuple[str, float]] = {
    "PLANREGISTRY_DB_CONNECT_TIMEOUT": ("connect_timeout", 5.0),
    "PLANREGISTRY_DB_STATEMENT_TIMEOUT": ("statement_timeout", 30.0),
    "PLANREGISTRY_DB_POOL_TIMEOUT": ("pool_timeout", 10.0),
}
SQLITE_SYNCHRONOUS_ENV = "PLANREGISTRY_SQLITE_SYNCHRONOUS"
SYNCHRONOUS_MODES = ("FULL", "NORMAL")
_MAX_TIMEOUT = 3600.0


def _seconds(environ: Mapping[str, str], variable: str, default: float) -> float:
    raw = environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= _MAX_TIMEOUT:
        raise ConfigurationError(variable, f"{raw!r} är inget antal sekunder mellan 0 och 3600.")
    return value


def check(database_url: str, *, database: bool = False, token_keys: bool = False) -> Checked:
    """Check the settings a command needs; raise `ConfigurationError` on the first bad one."""
    document_max_bytes()
    engine, migrated = (database_engine(database_url), False) if database else (None, False)
    if engine is not None:
        from planregistry.storage import migrations

        try:
            migrated = migrations.prepare(engine, setting=DATABASE_SETTING)
        except BaseException:
            engine.dispose()
            raise
    keys, local_secret = _token_keys(database_url) if token_keys else (None, None)
    return Checked(engine=engine, migrated=migrated, keys=keys, local_secret=local_secret)


def database_engine(url: str) -> Engine:
    """An engine on the configured database, once it has answered a first query."""
    from sqlalchemy import text
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    from planregistry.storage.engine import create_registry_engine, normalize_url

    try:
        parsed = normalize_url(url)
    except ArgumentError:
        raise ConfigurationError(
            DATABASE_SETTING,
            f"{url!r} är ingen databas-URL; ange sqlite:///fil.sqlite3 eller "
            "postgresql://användare@värd/databas.",
        ) from None
    if parsed.get_backend_name() not in _BACKENDS:
        raise ConfigurationError(
            DATABASE_SETTING,
            f"databastypen {parsed.get_backend_name()!r} stöds inte; "
            "ange sqlite:///fil.sqlite3 eller postgresql://användare@värd/databas.",
        )
    shown = parsed.render_as_string(hide_password=True)
    try:
        engine = create_registry_engine(parsed, **engine_options())
    except (NoSuchModuleError, ImportError) as exc:
        raise ConfigurationError(
            DATABASE_SETTING, f"drivrutinen för {shown} är inte installerad ({exc})."
        ) from None
    except ValueError as exc:
        raise ConfigurationError(DATABASE_SETTING, f"{shown}: {exc}") from None
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        reason = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc) else ""
        raise ConfigurationError(
            DATABASE_SETTING, f"kan inte ansluta till {shown}: {reason}"
        ) from None
    return engine


def _token_keys(database_url: str) -> tuple[TokenKeys, Path | None]:
    from planregistry_api.token_keys import keys_for_local_use

    try:
        return keys_for_local_use(database_url)  # AuthConfigurationError names the setting
    except OSError as exc:  # the local secret file beside the database
        raise ConfigurationError(
            "PLANREGISTRY_JWT_SECRET", f"ingen angiven, och den lokala hemligheten: {exc}"
        ) from None


# --- Rate limits ------------------------------------------------------------------------

RATE_LIMITS_ENV = "PLANREGISTRY_RATE_LIMITS"
RATE_LIMIT_ENV_PREFIX = "PLANREGISTRY_RATE_LIMIT_"
PER_ADDRESS_SUFFIX = "_PER_ADDRESS"


@dataclass(frozen=True)
class Limit:
    """At most `requests` in a burst, given back at `requests` per `seconds` (a token
    bucket of that size, refilled at that rate)."""

    requests: int
    seconds: float

    def __str__(self) -> str:
        return f"{self.requests}/{self.seconds:g}"


# Each kind of request, limited per credential and per client address separately:
# (kind, per credential, per address). Generous: a person or a city system working
# normally never meets them; a runaway script or a guessing client does.
RATE_LIMIT_DEFAULTS: tuple[tuple[str, Limit, Limit], ...] = (
    ("reads", Limit(1200, 60), Limit(6000, 60)),
    ("writes", Limit(600, 60), Limit(3000, 60)),
    ("sign_in", Limit(30, 60), Limit(120, 60)),
)


def rate_limits(environ: Mapping[str, str] | None = None) -> dict[str, tuple[Limit, Limit]]:
    """Kind of request → (per credential, per address); empty when turned off
    (`PLANREGISTRY_RATE_LIMITS=off`, e.g. for benchmarks)."""
    environ = os.environ if environ is None else environ
    switch = environ.get(RATE_LIMITS_ENV, "on").strip().lower() or "on"
    if switch not in ("on", "off"):
        raise ConfigurationError(RATE_LIMITS_ENV, f"{switch!r} är varken on eller off.")
    if switch == "off":
        return {}
    limits: dict[str, tuple[Limit, Limit]] = {}
    for kind, credential, address in RATE_LIMIT_DEFAULTS:
        variable = RATE_LIMIT_ENV_PREFIX + kind.upper()
        limits[kind] = (
            _limit(environ, variable, credential),
            _limit(environ, variable + PER_ADDRESS_SUFFIX, address),
        )
    return limits


def _limit(environ: Mapping[str, str], variable: str, default: Limit) -> Limit:
    raw = environ.get(variable, "").strip()
    if not raw:
        return default
    requests, _, seconds = raw.partition("/")
    try:
        limit = Limit(int(requests), float(seconds))
    except ValueError:
        limit = Limit(0, 0)
    if not (1 <= limit.requests <= 1_000_000 and 0 < limit.seconds <= 86_400):
        raise ConfigurationError(
            variable, f"{raw!r} är ingen gräns; skriv antal/sekunder, t.ex. 600/60."
        )
    return limit
