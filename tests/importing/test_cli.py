"""`planregistry import-plan`: a proposal printed, or applied with --apply."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from planregistry import Registry
from planregistry.cli import main
from planregistry.defaults.programme_vbe import VBE
from planregistry.defaults.stockholm import ORGANIZATIONS, STOCKHOLM
from planregistry.storage.tables import AuditRow, PlanImportRow, RevisionRow
from tests.importing import documents


def _counts(registry: Registry) -> tuple[int, ...]:
    with registry.engine.connect() as conn:
        return tuple(
            int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in (AuditRow, PlanImportRow, RevisionRow)
        )


def test_import_plan_prints_a_proposal_and_changes_nothing_then_applies_it(
    registry: Registry, database_url: str, tmp_path: Path
) -> None:
    registry.put_programme(VBE)
    registry.create_municipality(STOCKHOLM)
    for organization in ORGANIZATIONS:
        registry.create_organization(organization)
    plan = tmp_path / "utbildningsnamnden.docx"
    plan.write_bytes(documents.committee_plan_docx())
    before = _counts(registry)
    runner = CliRunner()
    args = ["--database-url", database_url, "import-plan", str(plan), "--org", "hasselby-vallingby"]

    shown = runner.invoke(main, args, catch_exceptions=False)
    assert shown.exit_code == 0, shown.output
    proposal = json.loads(shown.output)
    assert {"sections", "activities", "situation", "findings"} <= proposal.keys()
    first = proposal["activities"][0]
    assert {"title", "level", "responsible", "partners", "follow_up_method"} <= first.keys()
    assert _counts(registry) == before

    applied = runner.invoke(main, [*args, "--apply"], catch_exceptions=False)
    assert applied.exit_code == 0, applied.output
    assert "Utkastet är skapat" in applied.output
    (revision,) = registry.list_plans("hasselby-vallingby").items[0].revisions
    assert revision.status == "draft" and revision.cycle_year == 2019
