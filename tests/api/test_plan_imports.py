"""Plan imports over HTTP: upload, read the proposal, apply it as a draft."""

from __future__ import annotations

from importlib.resources import files

from litestar import Litestar
from litestar.testing import TestClient

from planregistry import Registry
from planregistry.defaults.stockholm import ORGANIZATIONS
from planregistry_api.controllers.plan_imports import MAX_UPLOAD_BYTES
from tests.api.support import assert_problem, bearer, refused_without_change
from tests.importing import documents

V1 = "/api/v1"
ORG = "hasselby-vallingby"
SEED = files("planregistry.defaults").joinpath("hasselby_vallingby_2017.ocr.txt").read_bytes()


def _organizations(registry: Registry) -> None:
    for organization in ORGANIZATIONS:
        registry.create_organization(organization)


def _upload(client: TestClient[Litestar], data: bytes, name: str, **form: str):
    return client.post(
        f"{V1}/organizations/{ORG}/plan-imports",
        files={"file": (name, data, "application/octet-stream")},
        data=form,
    )


def test_upload_read_and_apply_a_plan(client: TestClient[Litestar], registry: Registry):
    _organizations(registry)
    client.headers.update(bearer("coordinator", organization=ORG))
    created = _upload(client, SEED, "hasselby.txt", cycle_year="2017")
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"{V1}/plan-imports/{body['id']}"
    proposal = body["proposal"]
    assert len(proposal["activities"]) == 14
    assert {"sections", "situation", "findings", "restorations"} <= proposal.keys()
    assert body["source"]["sha256"] and body["applied_revision_id"] is None

    again = _upload(client, SEED, "samma-igen.txt")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert (
        client.get(f"{V1}/organizations/{ORG}/plan-imports").json()["items"][0]["id"] == body["id"]
    )
    assert client.get(created.headers["location"]).json()["proposal"] == proposal

    applied = client.post(f"{created.headers['location']}/apply")
    assert applied.status_code == 201, applied.text
    revision = applied.json()
    assert applied.headers["location"] == f"{V1}/revisions/{revision['id']}"
    assert revision["status"] == "draft" and revision["cycle_year"] == 2017
    assert len(revision["activities"]) == 14
    assert client.get(created.headers["location"]).json()["applied_revision_id"] == revision["id"]

    twice = client.post(f"{created.headers['location']}/apply")
    assert_problem(twice, 409, "conflict")


def test_an_unreadable_file_is_422_and_stores_nothing(
    client: TestClient[Litestar], registry: Registry
):
    _organizations(registry)
    png = b"\x89PNG\r\n\x1a\n" + bytes(200)
    problem = refused_without_change(
        registry, lambda: _upload(client, png, "bild.png"), 422, "unreadable-document"
    )
    assert problem["detail"]
    assert client.get(f"{V1}/organizations/{ORG}/plan-imports").json()["items"] == []


def test_a_zip_bomb_is_422_document_too_large(client: TestClient[Litestar], registry: Registry):
    _organizations(registry)
    response = _upload(client, documents.zip_bomb_docx(), "bomb.docx")
    assert_problem(response, 422, "document-too-large")


def test_an_upload_over_the_limit_is_413(client: TestClient[Litestar], registry: Registry):
    _organizations(registry)
    response = _upload(client, b"a" * (MAX_UPLOAD_BYTES + 128 * 1024), "stor.txt")
    assert_problem(response, 413, "content-too-large")


def test_applying_without_a_year_asks_for_it(client: TestClient[Litestar], registry: Registry):
    _organizations(registry)
    created = _upload(client, b"Inledning\n\nText.\n", "p.txt")
    assert created.status_code == 201, created.text
    response = client.post(f"{created.headers['location']}/apply")
    problem = assert_problem(response, 400, "invalid-parameter")
    assert problem["errors"][0]["path"] == "query.cycle_year"
    response = client.post(f"{created.headers['location']}/apply?cycle_year=2024")
    assert response.status_code == 201, response.text
