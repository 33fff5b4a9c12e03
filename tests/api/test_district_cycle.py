"""A district coordinator's tool runs the 2017 → 2018 cycle over HTTP, start to end."""

from __future__ import annotations

from tests.api.support import ACTIVITY, ORGANIZATION, V1

SECTIONS = {
    "introduction": (
        "Inledning",
        "Planen beskriver hur förvaltningen arbetar mot våldsbejakande extremism.",
    ),
    "situation": ("Lägesbild", "Lägesbilden bygger på enkäten till chefer och polisens bedömning."),
    "prevention": ("Förebyggande arbete", "Värdegrundsarbete i skola och fritid."),
    "hindering": ("Förhindrande arbete", "Samverkan med polisen enligt samverkansavtalet."),
}
SITUATION = {
    "compiled_on": "2017-03-01",
    "sources": ["Chefsenkät 2017", "Polisen lokalpolisområde Vällingby"],
    "survey": [
        {
            "question_key": "observed_expressions",
            "finding": "Enstaka uttryck.",
            "yes_count": 4,
            "no_count": 20,
            "respondents": 24,
        }
    ],
    "police": [
        {"environment": "white_power", "status": "not_active", "text": "Ingen känd aktivitet."}
    ],
}
HINDERING = {
    "title": "Återkräva bidrag från föreningar som bryter mot demokrativillkoren",
    "level": "hindering",
    "themes": ["association_grants"],
    "responsible": "Stadsdelsförvaltningen",
    "partners": ["Polis", "Föreningar"],
    "follow_up_method": "Enligt samverkansavtal med polisen",
}


def test_the_2017_to_2018_cycle(client) -> None:
    # 2017: organisation, plan, first revision with its content.
    assert client.post(f"{V1}/organizations", json=ORGANIZATION).status_code == 201
    plan = client.post(f"{V1}/organizations/hasselby-vallingby/plans", json={"programme_id": "vbe"})
    plan_url = plan.headers["location"]
    created = client.post(
        f"{plan_url}/revisions",
        json={"label": "Vers. 2, reviderad augusti 2017", "cycle_year": 2017},
    )
    assert created.status_code == 201
    r2017 = created.headers["location"]
    tag = created.headers["etag"]
    for key, (heading, body) in SECTIONS.items():
        saved = client.put(
            f"{r2017}/sections/{key}",
            json={"heading": heading, "body": body},
            headers={"If-Match": tag},
        )
        assert saved.status_code == 200, saved.text
        tag = saved.headers["etag"]
    saved = client.put(f"{r2017}/situation", json=SITUATION, headers={"If-Match": tag})
    assert saved.status_code == 200
    tag = saved.headers["etag"]
    patched = client.patch(
        r2017,
        json={
            "priority_areas": ["Grimsta", "Hässelby gård", "Smedshagen"],
            "case_numbers": ["1.2.3-123/2017"],
        },
        headers={"If-Match": tag},
    )
    assert patched.status_code == 200
    activity_urls = [
        client.post(f"{r2017}/activities", json=payload).headers["location"]
        for payload in (ACTIVITY, HINDERING)
    ]

    # Committee, then the city executive board.
    tag = client.get(r2017).headers["etag"]
    committee = client.post(
        f"{r2017}/decisions",
        json={
            "body": "committee",
            "outcome": "approved",
            "decided_on": "2017-05-18",
            "minutes_ref": "§ 12",
        },
        headers={"If-Match": tag},
    )
    assert committee.json()["status_after"] == "awaiting_board"
    board = client.post(
        f"{r2017}/decisions",
        json={"body": "city_executive_board", "outcome": "approved", "decided_on": "2017-06-14"},
        headers={"If-Match": committee.headers["etag"]},
    )
    assert board.json()["status_after"] == "approved"
    assert client.get(r2017).json()["status"] == "approved"

    # Follow-up of every activity of the plan in force.
    for url in activity_urls:
        reported = client.post(
            f"{url}/follow-ups",
            json={"period": "2017-VB", "status": "done", "comment": "Genomförd."},
        )
        assert reported.status_code == 201

    # 2018: a new revision starts as a copy, activity keys kept.
    created = client.post(
        f"{plan_url}/revisions", json={"label": "Vers. 3, reviderad mars 2018", "cycle_year": 2018}
    )
    assert created.status_code == 201
    r2018 = created.headers["location"]
    new = created.json()
    old = client.get(r2017).json()
    assert new["number"] == 2
    assert new["based_on"] == old["id"]
    assert [a["key"] for a in new["activities"]] == [a["key"] for a in old["activities"]]
    assert [s["key"] for s in new["sections"]] == list(SECTIONS)
    assert new["situation"]["survey"] == old["situation"]["survey"]

    # Edit: a preface of the district's own, a changed and an added activity.
    tag = created.headers["etag"]
    preface = client.put(
        f"{r2018}/sections/preface",
        json={
            "heading": "Förord",
            "body": "Revideringen 2018 lägger till en aktivitet för anhörigstöd.",
        },
        headers={"If-Match": tag},
    )
    tag = preface.headers["etag"]
    moved = client.patch(
        r2018, json={"section_order": ["preface", *SECTIONS]}, headers={"If-Match": tag}
    )
    assert moved.json()["sections"][0]["key"] == "preface"
    first = new["activities"][0]
    first_url = f"{V1}/activities/{first['id']}"
    changed = client.patch(
        first_url,
        json={"target_group": "Medarbetare 18–29 år"},
        headers={"If-Match": client.get(first_url).headers["etag"]},
    )
    assert changed.status_code == 200
    added = client.post(
        f"{r2018}/activities",
        json={
            **ACTIVITY,
            "title": "Stöd till anhöriga",
            "themes": ["relatives_support"],
            "level": "protecting",
        },
    )
    assert added.status_code == 201

    # Committee, then KS approves on conditions; 2017 is superseded.
    tag = client.get(r2018).headers["etag"]
    committee = client.post(
        f"{r2018}/decisions",
        json={"body": "committee", "outcome": "approved", "decided_on": "2018-03-22"},
        headers={"If-Match": tag},
    )
    assert committee.status_code == 201, committee.text
    board = client.post(
        f"{r2018}/decisions",
        json={
            "body": "city_executive_board",
            "outcome": "approved_with_conditions",
            "decided_on": "2018-04-18",
            "conditions": "Förtydliga samverkan med polisen i nästa revidering.",
        },
        headers={"If-Match": committee.headers["etag"]},
    )
    assert board.status_code == 201
    assert board.json()["outcome"] == "approved_with_conditions"
    summaries = client.get(plan_url).json()["revisions"]
    assert [(s["cycle_year"], s["status"]) for s in summaries] == [
        (2017, "superseded"),
        (2018, "approved"),
    ]
    final = client.get(r2018).json()
    assert [d["outcome"] for d in final["decisions"]] == ["approved", "approved_with_conditions"]
    assert len(final["activities"]) == 3
    assert final["activities"][0]["target_group"] == "Medarbetare 18–29 år"
