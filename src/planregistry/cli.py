"""The `planregistry` command: database, demo data, server, backup.

Only click and the domain types are imported up front; SQLAlchemy, Alembic, Litestar and
the rest load inside the command that needs them, so `--help` and `token` answer at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from planregistry.importing.command import import_plan
from planregistry.settings import DATABASE_URL_ENV, database_url_from_env
from planregistry.storage.private_files import write_private
from planregistry_domain.errors import PlanRegistryError

if TYPE_CHECKING:
    from planregistry import Registry
    from planregistry_api.token_keys import TokenKeys


class CommandFailed(click.ClickException):
    """A refusal the user can act on: one Swedish line on stderr, exit code 1."""

    def show(self, file: object = None) -> None:
        click.echo(f"Fel: {self.format_message()}", err=True)


class _Commands(click.Group):
    """Every library error a command meets ends it with its one line, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PlanRegistryError as exc:
            raise CommandFailed(exc.detail) from None


@click.group(cls=_Commands)
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


def _registry(ctx: click.Context) -> Registry:
    """The Registry on the configured database, checked and with the newest schema.

    A new SQLite database is migrated on the spot (said on stderr); anything else that
    is not ready stops the command with one line saying what to run.
    """
    from planregistry import Registry, settings

    checked = settings.check(_url(ctx), database=True)
    assert checked.engine is not None
    if checked.migrated:
        click.echo("Databasen var ny och har fått registrets schema.", err=True)
    return Registry(checked.engine)


@main.group()
def db() -> None:
    """Database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    from planregistry import settings
    from planregistry.storage import migrations

    settings.database_engine(_url(ctx)).dispose()  # a bad URL is one line, not a traceback
    migrations.upgrade(_url(ctx), revision)
    click.echo(f"Databasen är uppgraderad till {revision}.")


@db.command("downgrade")
@click.argument("revision")
@click.pass_context
def db_downgrade(ctx: click.Context, revision: str) -> None:
    """Revert the migrations down to REVISION ('base' empties the database)."""
    from planregistry import settings
    from planregistry.storage import migrations

    settings.database_engine(_url(ctx)).dispose()
    migrations.downgrade(_url(ctx), revision)
    click.echo(f"Databasen är nedgraderad till {revision}.")


@main.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Load the default programme, Stockholm's organisations and the seed plan."""
    from planregistry.defaults.demo import load_demo

    with _registry(ctx) as registry:
        loaded = load_demo(registry)
    click.echo("Demodata är inläst." if loaded else "Demodata fanns redan; inget ändrades.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", "with_demo", is_flag=True, help="Migrate and load the demo data first.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Server processes; each has its own connection pool (see README, several processes).",
)
@click.option(
    "--access-log/--no-access-log",
    default=True,
    show_default=True,
    help="One JSON line per request on stderr (PLANREGISTRY_ACCESS_LOG=off turns it off too).",
)
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, with_demo: bool, workers: int, access_log: bool
) -> None:
    """Run the HTTP API (granian, loopback by default).

    Tokens are verified with PLANREGISTRY_JWT_SECRET, PLANREGISTRY_JWT_PUBLIC_KEY or
    PLANREGISTRY_JWKS_FILE; without any, with a secret generated into a file beside the
    SQLite database (.planregistry-jwt-secret), which `planregistry token` signs with.
    """
    import os

    from planregistry import Registry, settings
    from planregistry.storage import migrations

    url = _url(ctx)
    _check_oidc_settings()
    settings.rate_limits()  # a bad limit is one line now, not an error in each worker
    if with_demo:
        settings.database_engine(url).dispose()  # a bad URL is one line, not a traceback
        migrations.upgrade(url)
    checked = settings.check(url, database=True, token_keys=True)
    assert checked.engine is not None and checked.keys is not None
    keys, local_path = checked.keys, checked.local_secret
    with Registry(checked.engine) as registry:
        if with_demo:
            from planregistry.defaults.demo import load_demo

            load_demo(registry)
    os.environ[DATABASE_URL_ENV] = url
    if not access_log:
        os.environ["PLANREGISTRY_ACCESS_LOG"] = "off"  # read by the workers' create_app
    if local_path is not None and keys.secret is not None:
        from planregistry_api.token_keys import JWT_SECRET_ENV

        os.environ[JWT_SECRET_ENV] = keys.secret  # for the server's worker processes
    from granian.constants import Interfaces
    from granian.server import Server

    click.echo(f"planregistry lyssnar på http://{host}:{port}/api/v1 (OpenAPI: /api/v1/schema)")
    click.echo(f"Webbvyerna: http://{host}:{port}/")
    click.echo(
        f"Token verifieras med: {keys.describe}" + (f" ({local_path})" if local_path else "")
    )
    if with_demo:
        _print_demo_access(keys, host, port)
        base = f"http://{host}:{port}"
        with Registry.open(url) as registry:
            central = _login_link(registry, base, "central", name="Central samordnare")
            district = _login_link(
                registry,
                base,
                "coordinator",
                "hasselby-vallingby",
                name="Samordnare Hässelby-Vällingby",
            )
        # Each link works once, in one browser: the two roles side by side need two
        # browsers (or a private window), since a sign-in replaces the browser's session.
        click.echo(
            "Webbvyerna (varje länk gäller en gång i 10 minuter, i en webbläsare):\n"
            f"  central samordnare:            {central}\n"
            f"  samordnare Hässelby-Vällingby: {district}\n"
            "  Fler: .venv/bin/planregistry login-link --role central|coordinator|reader "
            f"[--org ORG] --base-url {base}\n"
        )
    Server(
        "planregistry_api.app:create_app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
    ).serve()


def _check_oidc_settings() -> None:
    """Refuse to start on missing or inconsistent PLANREGISTRY_OIDC_* settings."""
    from planregistry_api.token_keys import AuthConfigurationError
    from planregistry_api.web.oidc import OidcSettings

    try:
        OidcSettings.from_env()
    except AuthConfigurationError as exc:
        raise CommandFailed(exc.detail) from None


def _print_demo_access(keys: TokenKeys, host: str, port: int) -> None:
    from planregistry_api.token_keys import mint_token

    base = f"http://{host}:{port}/api/v1"
    if not keys.can_sign:
        click.echo("Token utfärdas av identitetsleverantören (publik nyckel/JWKS).")
        return
    central = mint_token(keys, role="central", subject="demo-central", name="Central samordnare")
    district = mint_token(
        keys,
        role="coordinator",
        subject="demo-hasselby-vallingby",
        name="Samordnare Hässelby-Vällingby",
        organization="hasselby-vallingby",
    )
    click.echo(
        "\nÅtkomst (demo; token gäller i 8 timmar):\n"
        f"  central samordnare:            {central}\n"
        f"  samordnare Hässelby-Vällingby: {district}\n"
        f'  curl -H "Authorization: Bearer $TOKEN" {base}/organizations\n'
        "  Fler: .venv/bin/planregistry token --role central|coordinator|reader [--org ORG]\n"
    )


@main.command("token")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["central", "coordinator", "reader"]),
    help="The caller's role.",
)
@click.option(
    "--org", "organization", default=None, help="Organisation (required for coordinator)."
)
@click.option("--municipality", default="stockholm", show_default=True)
@click.option("--subject", default=None, help="The token's `sub` (default: local-ROLE[-ORG]).")
@click.option("--name", default=None, help="Display name recorded in the audit trail.")
@click.option(
    "--ttl",
    default=480,
    show_default=True,
    type=click.IntRange(min=1, max=60 * 24 * 30),
    help="Minutes the token is valid.",
)
@click.pass_context
def token_command(
    ctx: click.Context,
    role: str,
    organization: str | None,
    municipality: str,
    subject: str | None,
    name: str | None,
    ttl: int,
) -> None:
    """Print a signed HS256 token for local use (with the configured or the local secret).

    The municipality and the organisation must exist in the registry, and the
    organisation must belong to the municipality: a token for a caller who cannot exist
    is refused.
    """
    import datetime as dt

    from planregistry import Registry, settings
    from planregistry_api.token_keys import mint_token
    from planregistry_domain.vocabulary import Role

    if role == Role.COORDINATOR and organization is None:
        raise click.UsageError("--org krävs för rollen coordinator.")
    checked = settings.check(_url(ctx), database=True, token_keys=True)
    assert checked.engine is not None and checked.keys is not None
    with Registry(checked.engine) as registry:
        _check_caller(registry, municipality, organization)
    default_subject = "-".join(["local", role, *([organization] if organization else [])])
    label = Role(role).label + (f", {organization}" if organization else "")
    token = mint_token(
        checked.keys,
        role=role,
        subject=subject or default_subject,
        name=name or label,
        municipality=municipality,
        organization=organization,
        ttl=dt.timedelta(minutes=ttl),
    )
    click.echo(token)


def _check_caller(registry: Registry, municipality: str, organization: str | None) -> None:
    known = sorted(m.id for m in registry.list_municipalities())
    if municipality not in known:
        raise CommandFailed(
            f"Kommunen {municipality!r} finns inte i registret "
            f"(finns: {', '.join(known) or 'inga; kör `planregistry demo`'})."
        )
    if organization is not None:
        found = registry.get_organization(organization)  # NotFound: "… finns inte."
        if found.municipality != municipality:
            raise CommandFailed(
                f"Organisationen {organization!r} hör till {found.municipality!r}, "
                f"inte {municipality!r}."
            )


@main.command("login-link")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["central", "coordinator", "reader"]),
    help="The person's role.",
)
@click.option(
    "--org", "organization", default=None, help="Organisation (required for coordinator)."
)
@click.option("--municipality", default="stockholm", show_default=True)
@click.option("--subject", default=None, help="Who signs in (default: local-ROLE[-ORG]).")
@click.option("--name", default=None, help="Display name recorded in the audit trail.")
@click.option(
    "--base-url",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="Where the web views are served.",
)
@click.option(
    "--ttl",
    default=10,
    show_default=True,
    type=click.IntRange(min=1, max=60),
    help="Minutes the link can be used in.",
)
@click.pass_context
def login_link_command(
    ctx: click.Context,
    role: str,
    organization: str | None,
    municipality: str,
    subject: str | None,
    name: str | None,
    base_url: str,
    ttl: int,
) -> None:
    """Print a one-time sign-in link for the web views (local use)."""
    if role == "coordinator" and organization is None:
        raise click.UsageError("--org krävs för rollen coordinator.")
    with _registry(ctx) as registry:
        click.echo(
            _login_link(registry, base_url, role, organization, municipality, subject, name, ttl)
        )


def _login_link(
    registry: Registry,
    base_url: str,
    role: str,
    organization: str | None = None,
    municipality: str = "stockholm",
    subject: str | None = None,
    name: str | None = None,
    ttl: int = 10,
) -> str:
    import datetime as dt

    from planregistry_domain.actor import Actor
    from planregistry_domain.vocabulary import Role

    default_subject = "-".join(["local", role, *([organization] if organization else [])])
    person = Actor(
        subject=subject or default_subject,
        name=name or Role(role).label + (f", {organization}" if organization else ""),
        role=Role(role),
        municipality=municipality,
        organization=organization,
    )
    secret = registry.issue_sign_in_link(person, ttl=dt.timedelta(minutes=ttl))
    return f"{base_url.rstrip('/')}/inloggning/lank/{secret}"


@main.group("api-keys")
def api_keys() -> None:
    """API keys for city systems (X-API-Key), as the system."""


@api_keys.command("create")
@click.option("--name", required=True, help="Which system the key is for.")
@click.option("--role", required=True, type=click.Choice(["central", "coordinator", "reader"]))
@click.option(
    "--org", "organization", default=None, help="Organisation (required for coordinator)."
)
@click.option("--municipality", default="stockholm", show_default=True)
@click.pass_context
def api_keys_create(
    ctx: click.Context, name: str, role: str, organization: str | None, municipality: str
) -> None:
    """Issue a key; its token is printed this once (stdout), never stored."""
    data = {"name": name, "role": role, "municipality": municipality, "organization": organization}
    with _registry(ctx) as registry:
        issued = registry.create_api_key(data)
    click.echo(
        f"API-nyckeln {issued.key.id} ({issued.key.name}, {issued.key.role.value}) är skapad. "
        "Spara token nu; den visas inte igen:",
        err=True,
    )
    click.echo(issued.token)


@api_keys.command("list")
@click.pass_context
def api_keys_list(ctx: click.Context) -> None:
    """List every key (never their secrets)."""
    with _registry(ctx) as registry:
        keys = registry.list_api_keys()
    if not keys:
        click.echo("Inga API-nycklar.")
    for key in keys:
        where = key.municipality + (f"/{key.organization}" if key.organization else "")
        revoked = f"återkallad {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "aktiv"
        click.echo(f"{key.id}  {key.role.value:<11}  {where:<30}  {revoked:<26}  {key.name}")


@api_keys.command("revoke")
@click.argument("key_id")
@click.pass_context
def api_keys_revoke(ctx: click.Context, key_id: str) -> None:
    """Revoke a key at once; requests with it answer 401 from then on."""
    with _registry(ctx) as registry:
        registry.revoke_api_key(key_id)
    click.echo(f"API-nyckeln {key_id} är återkallad.")


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
    """Write the whole registry as one JSON document: the backup.

    It holds every municipality, programme, organisation, plan, revision (sections,
    situation picture, activities, decisions), follow-up and review, the stored plan
    imports (their proposals; the uploaded files are never kept), the API keys (as the
    SHA-256 hashes of their secrets, never the secrets) and the whole audit trail, ids,
    versions and timestamps included. Browser sessions and sign-in links are left out:
    after a restore everyone signs in again. `planregistry import` restores it into an
    empty database; exporting again gives the same document. It contains personal data
    and confidential situation pictures: keep it as safe as the database.
    """
    with _registry(ctx) as registry:
        data = registry.export_json()
    if output is None:
        sys.stdout.buffer.write(data + b"\n")
    else:
        write_private(output, data + b"\n")


@main.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup_command(ctx: click.Context, target: Path) -> None:
    """Copy the SQLite database to TARGET while the server goes on writing.

    The copy is the database as of one commit (SQLite's online backup), mode 0600, an
    ordinary database file: serve it or open it like the original. For PostgreSQL use
    pg_dump (see the README).
    """
    with _registry(ctx) as registry:
        written = registry.backup_database(target)
    click.echo(f"Säkerhetskopian är skriven till {written}.")


@main.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, source: Path) -> None:
    """Restore an exported document (see `export`) into an empty database.

    A new SQLite file is given the schema first; other databases need `db upgrade`.

    The audit trail and the API keys come back as they were: keys issued before the
    backup keep working.
    """
    with _registry(ctx) as registry:
        registry.import_json(source.read_bytes())
    click.echo(f"{source} är importerad.")


@main.command("bench-data")
@click.option("--orgs", required=True, type=click.IntRange(min=1), help="Organisations to make.")
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same data.")
@click.pass_context
def bench_data(ctx: click.Context, orgs: int, seed: int) -> None:
    """Fill a migrated database with generated plans at national scale (for benchmarks)."""
    from planregistry.benchdata import generate

    with _registry(ctx) as registry:
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


main.add_command(import_plan)

# What the `server` extra brings; the library and the client install without them.
_SERVER_PACKAGES = frozenset({"litestar", "granian", "jwt", "cryptography"})
# What the `import` extra brings (planregistry.importing's readers).
_IMPORT_PACKAGES = frozenset({"docx", "pdfplumber", "pdfminer", "wordfreq"})


def run() -> None:
    try:
        main(standalone_mode=True)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in _IMPORT_PACKAGES:
            click.echo(
                f"Fel: importen behöver läsarna, som inte är installerade (saknar {exc.name}). "
                "Installera dem med: pip install 'planregistry[import]'",
                err=True,
            )
            sys.exit(1)
        if (exc.name or "").split(".")[0] not in _SERVER_PACKAGES:
            raise
        click.echo(
            f"Fel: kommandot behöver serverdelen, som inte är installerad (saknar {exc.name}). "
            "Installera den med: pip install 'planregistry[server]'",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    run()
