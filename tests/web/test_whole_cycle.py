"""A whole yearly cycle in Chromium, from one approved plan to kommunstyrelsen's desk.

A Södermalm coordinator signs in, starts next year's revision from the workspace,
writes the organisation's own sections in the editor (added, renamed, reordered), adds
an activity, reports last year's follow-up for every activity of the plan in force and
records the committee's decision; the central coordinator then finds the revision
awaiting kommunstyrelsen on the board and opens it. Everything is done through the
pages, as a person does it; axe-core checks each page on the way. Then a committee
decision typed as the session expires, found again on its page after signing in.
"""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect
from sqlalchemy import text

from planregistry import Registry
from tests.web.browser import assert_accessible, person, sign_in
from tests.web.conftest import Site

# The server decides by its UTC clock whether a decision date lies in the future.
TODAY = dt.datetime.now(dt.UTC).date()
YEAR = TODAY.year - 1  # the plan in force was written for last year
ORGANISATION = "Södermalm stadsdelsförvaltning"
ACTIVITIES = ["Föräldrautbildning om nätets risker", "Samverkansmöten med polisen"]


def _approved_plan(registry: Registry) -> int:
    """Last year's plan, approved by the committee and by kommunstyrelsen."""
    plan = registry.create_plan("sodermalm", {"programme_id": "vbe"})
    revision = registry.create_revision(
        plan.id, {"label": f"Lokal handlingsplan Södermalm {YEAR}", "cycle_year": YEAR}
    )
    for title in ACTIVITIES:
        registry.add_activity(
            revision.id, {"title": title, "level": "preventing", "responsible": "Förvaltningen"}
        )
    for body, case in [("committee", "1.2.3-100"), ("city_executive_board", "KS 1.2.3-200")]:
        registry.record_decision(
            revision.id,
            {
                "body": body,
                "outcome": "approved",
                "decided_on": TODAY.isoformat(),
                "case_number": f"{case}/{YEAR}",
            },
        )
    return revision.id


def _save(page) -> None:
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.get_by_text("Ändringen är sparad.")).to_be_visible()


def test_a_whole_cycle_from_the_workspace_to_kommunstyrelsen(page, site: Site) -> None:
    in_force = _approved_plan(site.registry)

    # The coordinator's start page is the organisation's workspace.
    sign_in(page, site.base, site.registry, "coordinator", "sodermalm")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/organisationer/sodermalm/arbetsyta$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    expect(page.get_by_text("Inget utkast pågår.")).to_be_visible()
    assert_accessible(page)

    # Next year's revision, started from the workspace.
    page.get_by_role("link", name="Starta nästa års revision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Starta nästa års revision")
    expect(page.get_by_label("Cykelår")).to_have_value(str(YEAR + 1))
    assert_accessible(page)
    page.get_by_role("button", name="Starta revisionen").click()
    expect(page.get_by_role("status")).to_contain_text("Nästa års revision är startad")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Lokal handlingsplan Södermalm {YEAR + 1}"
    )
    draft_url = page.url.split("?")[0]
    assert_accessible(page)

    # The draft's own sections, in the editor reached from the revision page.
    page.get_by_role("region", name="Var versionen står").get_by_role(
        "link", name="Redigera utkastet"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Redigera Lokal handlingsplan Södermalm {YEAR + 1}"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Lägg till ett eget avsnitt").click()
    page.get_by_label("Rubrik").fill("Förord")
    page.get_by_label("Text").fill(
        "Planen är reviderad utifrån en ny lokal lägesbild.\n\n"
        "- ny aktivitet om föreningsbidrag\n- rådet har fått ett eget avsnitt"
    )
    assert_accessible(page)
    _save(page)
    page.get_by_role("link", name="Lägg till ett eget avsnitt").click()
    page.get_by_label("Rubrik").fill("Brottsförebyggande råd")
    page.get_by_label("Text").fill("Södermalms brottsförebyggande råd samlar förvaltningen.")
    _save(page)
    assert_accessible(page)
    page.get_by_role("link", name="Redigera avsnittet Brottsförebyggande råd").click()
    page.get_by_label("Rubrik").fill("Södermalms brottsförebyggande råd")
    assert_accessible(page)
    _save(page)
    page.get_by_role(
        "button", name="Flytta upp avsnittet Södermalms brottsförebyggande råd"
    ).click()
    expect(page.get_by_text("Ordningen är ändrad.")).to_be_visible()
    expect(page.locator("#avsnitt .edit-title")).to_have_text(
        [re.compile("^Södermalms brottsförebyggande råd"), re.compile("^Förord")]
    )
    assert_accessible(page)

    # A new activity.
    page.get_by_role("link", name="Lägg till en aktivitet").click()
    page.get_by_label("Aktivitet", exact=True).fill("Föreningsbidrag med krav på värdegrund")
    page.get_by_label("Förebyggande", exact=True).check()
    page.get_by_label("Ansvarig").fill("Kultur- och föreningsenheten")
    assert_accessible(page)
    _save(page)
    rows = page.get_by_role("table", name=re.compile("Aktiviteter i planens ordning"))
    expect(rows.locator("tbody th")).to_have_text(
        [*ACTIVITIES, "Föreningsbidrag med krav på värdegrund"]
    )
    assert_accessible(page)

    # Last year's follow-up, for every activity of the plan in force.
    page.goto(draft_url)
    assert_accessible(page)
    page.get_by_role("link", name="Rapportera uppföljning av föregående plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning av aktiviteterna")
    form = page.get_by_role("form", name=f"Period {YEAR}, verksamhetsberättelse")
    for title in ACTIVITIES:
        form.get_by_label(f"Status för {title}").select_option(label="Genomförd")
    form.get_by_label(f"Kommentar till {ACTIVITIES[0]}").fill("Tre träffar med 40 föräldrar.")
    assert_accessible(page)
    form.get_by_role("button", name=re.compile("^Spara")).click()
    expect(page.get_by_role("status")).to_have_text(
        f"Uppföljningen för {YEAR}, verksamhetsberättelse är sparad."
    )
    assert_accessible(page)

    # The committee approves the draft.
    page.goto(draft_url)
    page.get_by_role("link", name="Registrera nämndens beslut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera nämndens beslut")
    assert_accessible(page)
    form = page.get_by_role("form", name=re.compile("^Beslut i"))
    form.get_by_label("Godkänd – skickas till kommunstyrelsen").check()
    form.get_by_label("Beslutsdatum").fill(TODAY.isoformat())
    form.get_by_label("Protokollsparagraf").fill("§ 14")
    form.get_by_label("Diarienummer").fill(f"1.2.3-300/{YEAR + 1}")
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("status")).to_have_text("Nämndens beslut är registrerat.")
    chain = page.get_by_role("region", name="Var versionen står")
    expect(chain).to_contain_text("Nämnden: godkänd")
    expect(chain.get_by_role("link", name="Redigera utkastet")).to_have_count(0)
    assert_accessible(page)

    # The central coordinator finds it awaiting kommunstyrelsen and opens it.
    sign_in(page, site.base, site.registry, "central")
    page.goto("/")
    page.get_by_label("Läge").select_option("vantar-ks")
    page.get_by_role("button", name="Visa").click()
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=ORGANISATION, exact=True)
    )
    expect(row).to_contain_text("Väntar på kommunstyrelsen")
    assert_accessible(page)
    row.get_by_role("link", name="Version 2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Lokal handlingsplan Södermalm {YEAR + 1}"
    )
    chain = page.get_by_role("region", name="Var versionen står")
    expect(chain.locator("[aria-current=step]")).to_contain_text("Kommunstyrelsen – Pågår")
    expect(page.get_by_role("form", name="Registrera kommunstyrelsens beslut")).to_be_visible()
    expect(page.get_by_role("heading", name="Södermalms brottsförebyggande råd")).to_be_visible()
    assert_accessible(page)

    (plan,) = site.registry.list_plans("sodermalm")
    revisions = site.registry.get_plan(plan.id).revisions
    assert [(r.id == in_force, r.status.value) for r in revisions] == [
        (True, "approved"),
        (False, "awaiting_board"),
    ]


def test_a_decision_typed_as_the_session_expires_waits_on_its_page(page, site: Site) -> None:
    plan = site.registry.create_plan("bromma", {"programme_id": "vbe"})
    draft = site.registry.create_revision(
        plan.id, {"label": f"Lokal handlingsplan Bromma {YEAR + 1}", "cycle_year": YEAR + 1}
    )
    sign_in(page, site.base, site.registry, "coordinator", "bromma")
    page.goto(f"/revisioner/{draft.id}/namndbeslut")
    form = page.get_by_role("form", name=re.compile("^Beslut i"))
    form.get_by_label("Godkänd – skickas till kommunstyrelsen").check()
    form.get_by_label("Beslutsdatum").fill(TODAY.isoformat())
    form.get_by_label("Protokollsparagraf").fill("§ 31")
    _expire_sessions_of(site, person("coordinator", "bromma").subject)
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen har gått ut")
    assert_accessible(page)

    # Signing in again by link lands on the form, as it was typed.
    sign_in(page, site.base, site.registry, "coordinator", "bromma")
    expect(page).to_have_url(re.compile(f"/revisioner/{draft.id}/namndbeslut$"))
    expect(page.get_by_role("status")).to_contain_text("Det du skrev är återställt")
    form = page.get_by_role("form", name=re.compile("^Beslut i"))
    expect(form.get_by_label("Godkänd – skickas till kommunstyrelsen")).to_be_checked()
    expect(form.get_by_label("Protokollsparagraf")).to_have_value("§ 31")
    assert_accessible(page)
    form.get_by_role("button", name="Registrera beslutet").click()
    expect(page.get_by_role("status")).to_have_text("Nämndens beslut är registrerat.")
    assert site.registry.get_revision(draft.id).status.value == "awaiting_board"


def _expire_sessions_of(site: Site, subject: str) -> None:
    """What half an hour away from the keyboard does to a session (the server's clock
    cannot be moved, so the session's last use is moved back instead)."""
    with site.registry.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE web_sessions SET last_seen_at = :then, created_at = :then "
                "WHERE subject = :subject"
            ),
            {"then": dt.datetime.now(dt.UTC) - dt.timedelta(hours=1), "subject": subject},
        )
