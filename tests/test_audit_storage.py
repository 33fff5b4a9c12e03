"""The audit trail is append-only in the database itself, on both engines."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from litestar.testing import TestClient
from sqlalchemy import Integer, create_engine, delete, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from planregistry import Registry
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import STOCKHOLM
from planregistry.storage import migrations
from planregistry.storage.tables import AuditRow, Base
from planregistry_api import create_app
from tests.api.support import KEYS, ORGANIZATION, bearer
from tests.conftest import DatabaseCopy, PostgresServer


def test_audit_rows_can_be_added_but_never_changed_or_removed(database_url: str) -> None:
    engine = create_engine(database_url)
    row = {
        "occurred_at": dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
        "actor_subject": "u1",
        "actor_name": "Anna Andersson",
        "actor_role": "central",
        "municipality_id": "stockholm",
        "organization_id": None,
        "entity": "organization",
        "entity_id": "bromma",
        "action": "update",
        "change": {"name": ["A", "B"]},
        "request_id": "r-1",
    }
    try:
        with engine.begin() as conn:
            conn.execute(insert(AuditRow), [row])
        for statement in (
            update(AuditRow).values(actor_name="Någon annan"),
            delete(AuditRow),
        ):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(statement)
        with engine.connect() as conn:
            names = conn.execute(select(AuditRow.actor_name)).scalars().all()
        assert names == ["Anna Andersson"]
    finally:
        engine.dispose()


def _entry(**override: object) -> dict[str, object]:
    row: dict[str, object] = {
        "occurred_at": dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
        "actor_subject": "u1",
        "actor_name": "Anna Andersson",
        "actor_role": "central",
        "municipality_id": "stockholm",
        "organization_id": None,
        "entity": "organization",
        "entity_id": "bromma",
        "action": "update",
        "change": {},
        "request_id": "r-1",
    }
    row.update(override)
    return row


def test_the_audit_trail_cannot_be_replaced_or_truncated(database: DatabaseCopy) -> None:
    engine = create_engine(database.url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(AuditRow), [_entry()])
            (entry_id,) = conn.execute(select(AuditRow.id)).scalars().all()
        if database.kind == "sqlite":
            # REPLACE deletes the old row without firing delete triggers.
            rewrites = [
                f"INSERT OR REPLACE INTO audit_log SELECT {entry_id}, occurred_at, 'x', "
                "actor_name, actor_role, municipality_id, organization_id, entity, "
                "entity_id, action, change, request_id FROM audit_log",
                f"REPLACE INTO audit_log SELECT * FROM audit_log WHERE id = {entry_id}",
            ]
        else:
            rewrites = [
                "TRUNCATE audit_log",
                "INSERT INTO audit_log SELECT * FROM audit_log ON CONFLICT (id) "
                "DO UPDATE SET actor_subject = 'x'",
            ]
        for statement in rewrites:
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
                conn.exec_driver_sql(statement)
        with engine.connect() as conn:
            subjects = conn.execute(select(AuditRow.actor_subject)).scalars().all()
        assert subjects == ["u1"]
        # Appending still works, with a new id.
        with engine.begin() as conn:
            conn.execute(insert(AuditRow), [_entry(request_id="r-2")])
            ids = conn.execute(select(AuditRow.id).order_by(AuditRow.id)).scalars().all()
        assert ids[0] == entry_id and ids[1] > entry_id
    finally:
        engine.dispose()


def test_ids_of_deleted_rows_are_never_reused(demo_registry: Registry) -> None:
    (plan,) = demo_registry.list_plans("hasselby-vallingby").items
    revision = demo_registry.get_revision(plan.revisions[-1].id)
    newest = max(revision.activities, key=lambda a: a.id)
    demo_registry.delete_activity(newest.id, expected_version=newest.version)
    again = demo_registry.add_activity(
        revision.id,
        {"title": "Ny aktivitet", "level": "preventing", "themes": ["staff_training"]},
    )
    # Not the deleted one's id: its ETag (`activity-<id>-v1`) must not match the new one.
    assert again.id > newest.id
    entries = demo_registry.list_audit(entity="activity", entity_id=str(newest.id)).items
    assert [e.action for e in entries][-1] == "delete"


def test_every_table_with_a_generated_id_never_reuses_it_on_sqlite(tmp_path: Path) -> None:
    """A table added later with an integer id must say AUTOINCREMENT too, in its model
    and in the migrated database: else SQLite hands a deleted row's id out again."""
    url = f"sqlite:///{tmp_path / 'ids.sqlite3'}"
    migrations.upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
            created = dict(rows.tuples().all())
    finally:
        engine.dispose()
    generated = [
        table
        for table in Base.metadata.sorted_tables
        if len(keys := list(table.primary_key.columns)) == 1
        and isinstance(keys[0].type, Integer)
        and not keys[0].foreign_keys
    ]
    assert {table.name for table in generated} >= {"activities", "audit_log", "documents"}
    for table in generated:
        assert table.kwargs.get("sqlite_autoincrement") is True, table.name
        assert "AUTOINCREMENT" in created[table.name], table.name


def _readme_grants(owner: str, app: str) -> list[str]:
    """The statements README.md gives the schema's owner to run, with these roles' names."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    block = readme.split("-- As planregistry_owner in that database", 1)[1].split("```", 1)[0]
    lines = [line for line in block.splitlines()[1:] if line.strip()]
    return [
        line.replace("planregistry_app", app).replace("planregistry_owner", owner).rstrip(";")
        for line in lines
    ]


@pytest.mark.postgres
def test_the_app_runs_under_a_runtime_role_that_cannot_rewrite_history(
    postgres_server: PostgresServer,
) -> None:
    suffix = uuid.uuid4().hex[:10]
    owner, runtime = f"pr_owner_{suffix}", f"pr_app_{suffix}"
    admin = postgres_server.admin
    url = make_url(postgres_server.create_database())
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {owner} LOGIN")
        conn.exec_driver_sql(f"CREATE ROLE {runtime} LOGIN")
        conn.exec_driver_sql(f'ALTER DATABASE "{url.database}" OWNER TO {owner}')
    owner_url = url.set(username=owner).render_as_string(hide_password=False)
    runtime_url = url.set(username=runtime).render_as_string(hide_password=False)
    try:
        migrations.upgrade(owner_url)
        owner_engine = create_engine(owner_url, poolclass=NullPool)
        with owner_engine.begin() as conn:
            for statement in _readme_grants(owner, runtime):
                conn.exec_driver_sql(statement)
        owner_engine.dispose()

        with Registry.open(runtime_url) as registry:
            registry.put_programme(VBE)
            registry.create_municipality(STOCKHOLM)
            with TestClient(create_app(registry, keys=KEYS)) as client:
                client.headers.update(bearer("central"))
                created = client.post("/api/v1/organizations", json=ORGANIZATION)
                assert created.status_code == 201, created.text
                etag = created.headers["etag"]
                changed = client.patch(
                    f"/api/v1/organizations/{ORGANIZATION['id']}",
                    json={"name": "Nytt namn"},
                    headers={"If-Match": etag},
                )
                assert changed.status_code == 200, changed.text
                key = client.post("/api/v1/api-keys", json={"name": "S", "role": "reader"})
                assert key.status_code == 201
                assert client.delete(f"/api/v1/api-keys/{key.json()['key']['id']}").is_success
                trail = client.get("/api/v1/audit").json()["items"]
                assert len(trail) >= 4
            engine = registry.engine
            for statement in (
                "UPDATE audit_log SET actor_name = 'x'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
                "DROP TABLE audit_log",
                "CREATE TABLE intruder (id int)",
                "ALTER TABLE organizations ADD COLUMN x int",
            ):
                refused = pytest.raises(DBAPIError, match=r"permission denied|must be owner")
                with refused, engine.begin() as conn:
                    conn.exec_driver_sql(statement)
    finally:
        postgres_server._drop(str(url.database))
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {runtime}")
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {owner}")
