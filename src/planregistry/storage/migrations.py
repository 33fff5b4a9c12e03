"""Run the Alembic migrations programmatically (the CLI's `db upgrade` and the tests)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

from planregistry.storage.engine import normalize_url


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
