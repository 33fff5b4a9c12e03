"""Documents over HTTP: multipart upload, download under the original name, refusals as
problem details, the audit trail, another organisation refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from planregistry.storage.files import LocalFileStore
from tests.api.conftest import app_over
from tests.api.support import V1, assert_problem, bearer, refused_without_change
from tests.documents_support import PDF_BYTES, TEXT_BYTES
from tests.world import OTHER_ORG, OWN_ORG, World

NAME = "Handlingsplan Hässelby-Vällingby – antagen för år 2025 (§ 12).pdf"


@pytest.fixture
def api(world: World, shared_app: Litestar, tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    world.registry.file_store = LocalFileStore(tmp_path / "files")
    world.registry.max_document_bytes = 4096
    with app_over(shared_app, world.registry) as app, TestClient(app) as test_client:
        test_client.headers.update(bearer("coordinator", organization=OWN_ORG))
        yield test_client


def _upload(api: TestClient[Litestar], revision_id: int, **form: str) -> object:
    return api.post(
        f"{V1}/revisions/{revision_id}/documents",
        files={"file": (NAME, PDF_BYTES, "application/pdf")},
        data={"kind": "adopted_plan", **form},
    )


def test_upload_read_download_and_remove(api: TestClient[Litestar], world: World) -> None:
    created = _upload(api, world.own.approved, title="Antagen plan 2025")
    assert created.status_code == 201, created.text
    document = created.json()
    assert created.headers["location"] == f"{V1}/documents/{document['id']}"
    assert created.headers["etag"] == f'"document-{document["id"]}-v1"'
    assert (document["filename"], document["media_type"], document["kind"]) == (
        NAME,
        "application/pdf",
        "adopted_plan",
    )
    listed = api.get(f"{V1}/revisions/{world.own.approved}/documents")
    assert listed.json()["items"] == [document]
    assert api.get(f"{V1}/documents/{document['id']}").json() == document

    download = api.get(f"{V1}/documents/{document['id']}/content", headers=bearer("reader"))
    assert download.status_code == 200
    assert download.content == PDF_BYTES
    assert download.headers["content-type"] == "application/pdf"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="Handlingsplan Hasselby-Vallingby')
    exact = disposition.split("filename*=UTF-8''")[1]
    assert unquote(exact) == NAME

    audit = api.get(
        f"{V1}/audit?entity=document&entity_id={document['id']}", headers=bearer("central")
    ).json()["items"]
    assert [(e["action"], e["change"]["sha256"]) for e in audit] == [("create", document["sha256"])]
    url = f"{V1}/documents/{document['id']}"
    assert_problem(api.delete(url), 428, "precondition-required")
    assert api.delete(url, headers={"If-Match": created.headers["etag"]}).status_code == 204
    assert_problem(api.get(url), 404, "not-found")


def test_mismatch_too_large_and_unsupported_are_refused(
    api: TestClient[Litestar], world: World
) -> None:
    url = f"{V1}/revisions/{world.own.approved}/documents"
    mismatch = refused_without_change(
        world.registry,
        lambda: api.post(url, files={"file": ("plan.pdf", TEXT_BYTES, "application/pdf")}),
        422,
        "document-type-mismatch",
    )
    assert "text/plain" in mismatch["detail"]
    refused_without_change(
        world.registry,
        lambda: api.post(url, files={"file": ("plan.pdf", PDF_BYTES + b"x" * 5000, "")}),
        422,
        "document-too-large",
    )
    refused_without_change(
        world.registry,
        lambda: api.post(url, files={"file": ("x.pdf", b"\x00\x01\x02binary", "application/pdf")}),
        422,
        "unsupported-document-type",
    )


def test_another_organisation_cannot_see_or_attach(api: TestClient[Litestar], world: World) -> None:
    document = _upload(api, world.own.approved).json()
    other = bearer("coordinator", organization=OTHER_ORG)
    for response in (
        api.get(f"{V1}/documents/{document['id']}/content", headers=other),
        api.get(f"{V1}/revisions/{world.own.approved}/documents", headers=other),
        api.post(
            f"{V1}/revisions/{world.own.approved}/documents",
            files={"file": ("x.pdf", PDF_BYTES, "application/pdf")},
            headers=other,
        ),
    ):
        assert_problem(response, 404, "not-found")
    assert_problem(_upload(api, world.other.approved), 404, "not-found")
