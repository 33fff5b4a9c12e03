"""Importing a plan through the typed client against the real server."""

from __future__ import annotations

from tests.client.support import Server
from tests.importing import documents

ORG = "utbildningsforvaltningen"


def test_upload_read_list_and_apply_a_plan_through_the_client(server: Server) -> None:
    with server.coordinator(ORG) as client:
        data = documents.committee_plan_docx()
        plan_import, created = client.create_plan_import(ORG, data, "utbildningsnamnden.docx")
        assert created
        assert plan_import.source.format == "docx"
        assert [a.level for a in plan_import.proposal.activities] == [
            "preventing",
            "preventing",
            "hindering",
        ]
        again, created_again = client.create_plan_import(ORG, data, "igen.docx")
        assert again.id == plan_import.id and not created_again
        assert client.get_plan_import(plan_import.id).proposal == plan_import.proposal
        assert [i.id for i in client.list_plan_imports(ORG)] == [plan_import.id]
        revision = client.apply_plan_import(plan_import.id, cycle_year=2019)
        assert revision.status == "draft" and revision.cycle_year == 2019
        assert revision.case_numbers == ["UBN 2019/123"]
        assert len(revision.activities) == 3
