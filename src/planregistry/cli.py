"""The `planregistry` command: database, demo data, server, backup."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from planregistry.errors import PlanRegistryError
from planregistry.registry import DATABASE_URL_ENV, Registry, database_url_from_env
from planregistry.storage import migrations


@click.group()
@click.option(
    "--database-url",
    envvar=DATABASE_URL_ENV,
    default=None,
    help="SQLAlchemy URL; default: a SQLite file planregistry.sqlite3 in the working directory.",
)
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Registret för lokala handlingsplaner mot våldsbejakande extremism."""
    ctx.obj = database_url or database_url_from_env()


def _url(ctx: click.Context) -> str:
    return str(ctx.obj)


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    migrations.upgrade(_url(ctx), revision)
    click.echo(f"Databasen är uppgraderad till {revision}.")


@db.command("downgrade")
@click.argument("revision")
@click.pass_context
def db_downgrade(ctx: click.Context, revision: str) -> None:
    """Revert the migrations down to REVISION ('base' empties the database)."""
    migrations.downgrade(_url(ctx), revision)
    click.echo(f"Databasen är nedgraderad till {revision}.")


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the default programme, Stockholm's organisations and the seed plan."""
    from planregistry.defaults.demo import load_demo

    with Registry.open(_url(ctx)) as registry:
        loaded = load_demo(registry)
    click.echo("Demodata är inläst." if loaded else "Demodata fanns redan; inget ändrades.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", "with_demo", is_flag=True, help="Migrate and load the demo data first.")
@click.option("--workers", default=1, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, with_demo: bool, workers: int) -> None:
    """Run the HTTP API (granian, loopback by default)."""
    import os

    url = _url(ctx)
    if with_demo:
        from planregistry.defaults.demo import load_demo

        migrations.upgrade(url)
        with Registry.open(url) as registry:
            load_demo(registry)
    os.environ[DATABASE_URL_ENV] = url
    from granian.constants import Interfaces
    from granian.server import Server

    click.echo(f"planregistry lyssnar på http://{host}:{port}/api/v1 (OpenAPI: /api/v1/schema)")
    Server(
        "planregistry_api.app:create_app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
    ).serve()


@main.command("schemas")
@click.option(
    "--check", is_flag=True, help="Only compare; exit 1 if a file is missing or out of date."
)
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Where openapi.json and domain/<Type>.json live.",
)
def schemas_command(check: bool, directory: Path) -> None:
    """Write the OpenAPI document and the domain types' JSON Schemas (generated from code)."""
    from planregistry_api import schemas

    files = schemas.generate()
    if check:
        stale = schemas.differences(directory, files)
        if stale:
            click.echo("Schemafilerna är inaktuella (kör `planregistry schemas`):", err=True)
            for path in stale:
                click.echo(f"  {directory / path}", err=True)
            sys.exit(1)
        click.echo(f"{len(files)} schemafiler i {directory} är aktuella.")
        return
    changed = schemas.write(directory, files)
    click.echo(f"{len(changed)} av {len(files)} schemafiler i {directory} skrevs om.")


@main.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
@click.pass_context
def export_command(ctx: click.Context, output: Path | None) -> None:
    """Write the whole registry as one JSON document."""
    with Registry.open(_url(ctx)) as registry:
        data = registry.export_json()
    if output is None:
        sys.stdout.buffer.write(data + b"\n")
    else:
        output.write_bytes(data + b"\n")


@main.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, source: Path) -> None:
    """Restore an exported document into an empty (migrated) database."""
    with Registry.open(_url(ctx)) as registry:
        registry.import_json(source.read_bytes())
    click.echo(f"{source} är importerad.")


@main.command("bench-data")
@click.option("--orgs", required=True, type=click.IntRange(min=1), help="Organisations to make.")
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same data.")
@click.pass_context
def bench_data(ctx: click.Context, orgs: int, seed: int) -> None:
    """Fill a migrated database with generated plans at national scale (for benchmarks)."""
    from planregistry.benchdata import generate

    with Registry.open(_url(ctx)) as registry:
        summary = generate(
            registry.engine,
            orgs,
            seed=seed,
            progress=lambda done: click.echo(f"  {done}/{orgs} organisationer", err=True),
        )
    click.echo(
        f"{summary.organizations} organisationer i {summary.municipalities} kommuner, "
        f"{summary.revisions} revisioner, {summary.activities} aktiviteter, "
        f"{summary.follow_ups} uppföljningar på {summary.seconds} s."
    )


def run() -> None:
    try:
        main(standalone_mode=True)
    except PlanRegistryError as exc:
        click.echo(f"Fel: {exc.detail}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    run()
