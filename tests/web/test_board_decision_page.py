"""The joint-decision page in Chromium: kommunstyrelsen's decision on several plans at once."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.web.browser import assert_accessible, sign_in
from tests.web.conftest import Site, awaiting_board

TODAY = dt.datetime.now(dt.UTC).date().isoformat()
BROMMA = "Bromma stadsdelsförvaltning"
KUNGSHOLMEN = "Kungsholmen stadsdelsförvaltning"


def _plan(page, name: str):
    return page.get_by_role("region", name=re.compile(rf"^{name}, version \d+$"))


def test_one_decision_over_several_plans_all_or_nothing(page, site: Site) -> None:
    registry = site.registry
    bromma = awaiting_board(registry, "bromma", "Vers. 1")
    kungsholmen = awaiting_board(registry, "kungsholmen", "Vers. 1")
    registry.add_review(bromma, {"feedback": "Klar.", "outcome": "ready_for_board"})
    sign_in(page, site.base, registry, "central")
    page.goto("/")
    page.get_by_role("link", name="Registrera kommunstyrelsens beslut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera kommunstyrelsens beslut")
    expect(_plan(page, BROMMA)).to_contain_text("Klar för kommunstyrelsen")
    assert_accessible(page)

    # Nothing filled in: the error summary links to the fields, nothing is recorded.
    page.get_by_role("button", name="Registrera beslutet").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Ange beslutsdatum")
    expect(summary).to_contain_text("diarienummer")
    assert_accessible(page)

    page.get_by_label("Beslutsdatum").fill(TODAY)
    page.get_by_label("Diarienummer").fill("KS 2026/77")
    page.get_by_label("Paragraf i protokollet").fill("§ 21")
    bromma_plan = _plan(page, BROMMA)
    bromma_plan.get_by_label("Godkänd under förutsättning att synpunkterna beaktas").check()
    bromma_plan.get_by_label(f"Villkor för {BROMMA}").fill(
        "Lägesbilden ska kompletteras.\nAnsvaret ska förtydligas."
    )
    _plan(page, KUNGSHOLMEN).get_by_label("Godkänd", exact=True).check()
    # Meanwhile the board's return of one plan is recorded elsewhere: the whole decision
    # is refused, and what was typed is kept.
    registry.record_decision(
        kungsholmen, {"body": "city_executive_board", "outcome": "returned", "decided_on": TODAY}
    )
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("inget är registrerat", re.I))
    assert registry.get_revision(bromma).status == "awaiting_board"
    expect(page.get_by_label("Diarienummer")).to_have_value("KS 2026/77")
    assert_accessible(page)

    # Kungsholmen has left the round; Bromma's choices are still there.
    expect(_plan(page, KUNGSHOLMEN)).to_have_count(0)
    expect(
        _plan(page, BROMMA).get_by_label("Godkänd under förutsättning att synpunkterna beaktas")
    ).to_be_checked()
    page.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommunstyrelsens beslut KS 2026/77")
    expect(page.get_by_role("status")).to_contain_text("registrerat för")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=BROMMA))
    expect(row).to_contain_text("Godkänd under förutsättning att synpunkterna beaktas")
    expect(row.get_by_role("listitem")).to_have_text(
        ["Lägesbilden ska kompletteras.", "Ansvaret ska förtydligas."]
    )
    assert_accessible(page)
    assert registry.get_revision(bromma).status == "approved"

    # The status board shows the approval with its open conditions.
    page.goto("/?status=oppna-villkor")
    board_row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=BROMMA, exact=True)
    )
    expect(board_row).to_contain_text("2 öppna villkor")
    assert_accessible(page)
