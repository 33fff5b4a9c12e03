"""Lists in commands are capped and keep each name once; an update that changes nothing
writes nothing (same version, no audit entry). On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from typing import Any

import msgspec
import pytest
from openpyxl import load_workbook

from planregistry import Registry, StaleVersion, ValidationError
from planregistry.views.export import MAX_PARTNER_COLUMNS, OTHER_PARTNERS
from planregistry.views.formats import render
from planregistry_domain.comparisons import PartnerTotal
from planregistry_domain.constraints import MAX_CASE_NUMBERS, MAX_LIST_ITEMS


def _draft(registry: Registry) -> int:
    (plan,) = registry.list_plans("hasselby-vallingby")
    revision_id: int = plan.revisions[-1].id
    return revision_id


def _activity(**fields: Any) -> dict[str, Any]:
    return {"title": "Samverkan i skolan", "level": "preventing", **fields}


def _audit_count(registry: Registry) -> int:
    return len(registry.list_audit())


def test_lists_are_capped(demo_registry: Registry) -> None:
    revision_id = _draft(demo_registry)
    partners = [f"Partner {i}" for i in range(MAX_LIST_ITEMS + 1)]
    before = demo_registry.export_json()
    with pytest.raises(ValidationError) as info:
        demo_registry.add_activity(revision_id, _activity(partners=partners))
    assert [e.path for e in info.value.errors] == ["$.partners"]
    with pytest.raises(ValidationError) as info:
        demo_registry.update_revision(
            revision_id, {"case_numbers": [f"KS {i}" for i in range(MAX_CASE_NUMBERS + 1)]}
        )
    assert [e.path for e in info.value.errors] == ["$.case_numbers"]
    with pytest.raises(ValidationError):
        demo_registry.put_situation(revision_id, {"sources": ["Polisen"] * 10 + partners})
    assert demo_registry.export_json() == before
    stored = demo_registry.add_activity(revision_id, _activity(partners=partners[:-1]))
    assert stored.partners == partners[:-1]


def test_a_name_given_twice_is_kept_once_in_order(demo_registry: Registry) -> None:
    revision_id = _draft(demo_registry)
    activity = demo_registry.add_activity(
        revision_id,
        _activity(
            partners=["Polis", "Skola", "Polis", "Socialtjänst", "Skola"],
            themes=["staff_training", "staff_training"],
            areas=["Vällingby", "Vällingby"],
        ),
    )
    assert activity.partners == ["Polis", "Skola", "Socialtjänst"]
    assert activity.themes == ["staff_training"]
    assert activity.areas == ["Vällingby"]
    revision = demo_registry.update_revision(revision_id, {"case_numbers": ["KS 1", "KS 1"]})
    assert revision.case_numbers == ["KS 1"]


def test_an_update_that_changes_nothing_writes_nothing(demo_registry: Registry) -> None:
    revision_id = _draft(demo_registry)
    activity = demo_registry.list_activities(revision_id).items[0]
    revision = demo_registry.get_revision(revision_id)
    organization = demo_registry.get_organization("hasselby-vallingby")
    entries = _audit_count(demo_registry)

    same = demo_registry.update_activity(
        activity.id,
        {"title": activity.title, "partners": activity.partners, "position": activity.position},
        expected_version=activity.version,
    )
    assert same.version == activity.version and same.updated_at == activity.updated_at
    same_revision = demo_registry.update_revision(
        revision_id,
        {"label": revision.label, "section_order": [s.key for s in revision.sections]},
        expected_version=revision.version,
    )
    assert same_revision.version == revision.version
    same_org = demo_registry.update_organization(
        "hasselby-vallingby", {"name": organization.name}, expected_version=organization.version
    )
    assert same_org.version == organization.version
    assert _audit_count(demo_registry) == entries

    # A stale version is still refused, and a real change is still written.
    with pytest.raises(StaleVersion):
        demo_registry.update_activity(
            activity.id, {"title": activity.title}, expected_version=activity.version + 5
        )
    changed = demo_registry.update_activity(
        activity.id, {"title": "Ny titel"}, expected_version=activity.version
    )
    assert changed.version == activity.version + 1
    assert _audit_count(demo_registry) == entries + 1


def test_partner_matrix_export_fits_any_number_of_partners(demo_registry: Registry) -> None:
    revision_id = _draft(demo_registry)
    for batch in range(3):  # 150 partners, more than get a column each
        partners = [f"Aktör {batch}-{i:02}" for i in range(MAX_LIST_ITEMS)]
        demo_registry.add_activity(revision_id, _activity(partners=partners))
    view = demo_registry.partner_matrix({"basis": "latest"})
    total = len(view.partners)
    assert total > MAX_PARTNER_COLUMNS
    sheets = load_workbook(io.BytesIO(render(view, "xlsx")))
    rows = list(sheets.worksheets[0].iter_rows(values_only=True))
    heading = rows[0]
    assert heading[-1] == OTHER_PARTNERS
    assert heading[-1 - MAX_PARTNER_COLUMNS : -1] == tuple(
        p.partner for p in view.partners[:MAX_PARTNER_COLUMNS]
    )
    (hasselby,) = [r for r in rows[1:] if r[0] == "hasselby-vallingby"]
    named = next(r for r in view.rows if r.organization_id == "hasselby-vallingby").partners
    shown = {p.partner for p in view.partners[:MAX_PARTNER_COLUMNS]}
    assert hasselby[-1] == len(set(named) - shown)
    about = dict(sheets["Om uttaget"].iter_rows(values_only=True))
    assert f"övriga {total - MAX_PARTNER_COLUMNS}" in str(about["Samverkanspartner"])

    # Past Excel's 16,384 columns (registries with long histories of lists before the caps).
    many = msgspec.structs.replace(
        view,
        partners=[
            *view.partners,
            *(
                PartnerTotal(partner=f"Aktör {i}", organizations=1, activities=1)
                for i in range(20_000)
            ),
        ],
    )
    heading = next(
        load_workbook(io.BytesIO(render(many, "xlsx"))).worksheets[0].iter_rows(values_only=True)
    )
    assert len(heading) == len(rows[0]) and heading[-1] == OTHER_PARTNERS
