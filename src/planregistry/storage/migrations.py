"""Run the Alembic migrations programmatically (the CLI's `db upgrade` and the tests)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

from planregistry.storage.engine import is_sqlite, normalize_url
from planregistry_domain.errors import ConfigurationError


def script_location() -> Path:
    """The migrations folder: beside the sources in a checkout, packaged in a wheel."""
    packaged = Path(str(files("planregistry"))) / "_migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "migrations"


def alembic_config(url: str | URL) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location()))
    # Alembic's config is an ini file underneath: a literal '%' must be doubled.
    rendered = normalize_url(url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def upgrade(url: str | URL, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | URL, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def prepare(engine: Engine, *, setting: str) -> bool:
    """Make sure the database has the newest schema before a command uses it.

    A SQLite database without any table (a file just created, or empty) is migrated
    here, which is always safe; True says so. Anything else that is not at the newest
    revision (a PostgreSQL database never migrated, an older or newer schema, tables
    that are not the registry's) raises `ConfigurationError` saying what to do: a
    production schema changes only when someone runs `planregistry db upgrade`.
    """
    script = ScriptDirectory.from_config(alembic_config(engine.url))
    heads = set(script.get_heads())
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == heads:
        return False
    if not tables and is_sqlite(engine):
        upgrade(engine.url)
        return True
    upgrade_hint = "kör `planregistry db upgrade` (med samma databas) först."
    versions = ", ".join(sorted(current))
    if not tables:
        problem = f"databasen är tom (inga tabeller); {upgrade_hint}"
    elif not current:
        problem = "databasen innehåller tabeller som inte är registrets; ange en annan databas."
    elif current <= {r.revision for r in script.walk_revisions()}:
        problem = f"databasen har en äldre schemaversion ({versions}); {upgrade_hint}"
    else:
        problem = (
            f"databasens schemaversion ({versions}) är nyare än programmets; "
            "uppdatera planregistry."
        )
    raise ConfigurationError(setting, problem)
