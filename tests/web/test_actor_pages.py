"""`/aktorer` in Chromium: the central coordinator maps and adds the names plans write."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.web.browser import assert_accessible, sign_in
from tests.web.conftest import Site


def _name_plans_with(site: Site, *names: str) -> int:
    (plan,) = site.registry.list_plans("hasselby-vallingby")
    activity = site.registry.get_revision(plan.revisions[0].id).activities[0]
    site.registry.update_activity(activity.id, {"partners": [*activity.partners, *names]})
    return activity.id


def test_the_central_coordinator_maps_and_adds_unmatched_names(page, site: Site) -> None:
    activity_id = _name_plans_with(site, "Lokalpolisområde Vällingby", "Fryshuset")
    sign_in(page, site.base, site.registry, "central")
    page.goto("/")
    page.get_by_role("link", name="Aktörer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aktörer")
    expect(page.get_by_role("heading", name="Lokalpolisområde Vällingby")).to_be_visible()
    assert_accessible(page)

    # Sending without a choice: the error summary links to the field, the message beside it.
    page.get_by_role("button", name="Koppla ”Lokalpolisområde Vällingby”").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Välj vilken aktör ”Lokalpolisområde Vällingby” betyder.")
    field = page.get_by_label("Aktör som ”Lokalpolisområde Vällingby” betyder")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    field.select_option(label="Polisen")
    page.get_by_role("button", name="Koppla ”Lokalpolisområde Vällingby”").click()
    expect(page).to_have_url(re.compile(r"/aktorer\?sparat=koppling$"))
    expect(page.get_by_role("status")).to_contain_text("Namnet är kopplat till aktören")
    expect(page.get_by_role("heading", name="Lokalpolisområde Vällingby")).to_have_count(0)
    police = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Polisen"))
    expect(police).to_contain_text("Lokalpolisområde Vällingby")

    page.get_by_label("Typ av aktör för ”Fryshuset”").select_option(label="Civilsamhället")
    page.get_by_role("button", name="Lägg till ”Fryshuset” som ny aktör").click()
    expect(page.get_by_role("status")).to_contain_text("Aktören är tillagd i registret")
    expect(page.get_by_text("Alla namn i planerna matchar en aktör i registret.")).to_be_visible()
    assert_accessible(page)

    # The views group by the register now; the plan still says what it said.
    matrix = site.registry.partner_matrix({"basis": "latest"})
    assert {"Polisen", "Fryshuset"} <= {p.partner for p in matrix.partners}
    assert "Lokalpolisområde Vällingby" not in {p.partner for p in matrix.partners}
    assert "Lokalpolisområde Vällingby" in site.registry.get_activity(activity_id).partners


def test_others_read_the_register_without_forms(page, site: Site) -> None:
    _name_plans_with(site, "Hyresvärdar")
    sign_in(page, site.base, site.registry, "reader")
    page.goto("/aktorer")
    expect(page.get_by_role("heading", name="Hyresvärdar")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Koppla"))).to_have_count(0)
    assert_accessible(page)
