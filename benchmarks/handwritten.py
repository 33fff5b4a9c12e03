"""One hand-written SQL query per comparison view, and both answers in one comparable shape.

The benchmark times each view against its query; the tests check that the two agree.
Every query is plain SQL that runs unchanged on SQLite and PostgreSQL, for the views'
default filters (every organisation, every programme, basis: the revision in force).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from planregistry_domain import comparisons as cmp

_BASIS = """
FROM organizations o
LEFT JOIN plans p ON p.organization_id = o.id
LEFT JOIN revisions r ON r.plan_id = p.id AND r.status = 'approved'
"""

STATUS = f"""
SELECT o.id, p.programme_id, r.id, r.number, r.cycle_year, d.decided_on,
       n.id, n.number, n.cycle_year, n.status,
       COALESCE(r.cycle_year + 1, n.cycle_year, l.cycle_year) AS due_year
{_BASIS}
LEFT JOIN decisions d ON d.revision_id = r.id AND d.body = 'city_executive_board'
                     AND d.status_after = 'approved'
LEFT JOIN revisions n ON n.plan_id = p.id AND n.status IN ('draft', 'awaiting_board')
LEFT JOIN revisions l ON l.plan_id = p.id
                     AND l.number = (SELECT MAX(x.number) FROM revisions x WHERE x.plan_id = p.id)
"""

COVERAGE = f"""
SELECT o.id, 'level', a.level, COUNT(a.id)
{_BASIS}
LEFT JOIN activities a ON a.revision_id = r.id
GROUP BY o.id, a.level
UNION ALL
SELECT o.id, 'theme', t.theme, COUNT(*)
{_BASIS}
JOIN activities a ON a.revision_id = r.id
JOIN activity_themes t ON t.activity_id = a.id
GROUP BY o.id, t.theme
"""

PARTNERS = f"""
SELECT o.id, ap.partner, COUNT(DISTINCT a.id)
{_BASIS}
LEFT JOIN activities a ON a.revision_id = r.id
LEFT JOIN activity_partners ap ON ap.activity_id = a.id
GROUP BY o.id, ap.partner
"""

SITUATION = f"""
SELECT o.id, r.id, s.revision_id, s.compiled_on, s.confidential, 'survey', sa.question_key,
       sa.yes_count, sa.no_count, sa.respondents,
       CASE WHEN sa.yes_count + sa.no_count > 0
            THEN ((sa.yes_count * 20000 + sa.yes_count + sa.no_count)
                  / (2 * (sa.yes_count + sa.no_count))) / 10000.0 END,
       sa.finding
{_BASIS}
LEFT JOIN situation_pictures s ON s.revision_id = r.id
LEFT JOIN survey_answers sa ON sa.revision_id = s.revision_id
UNION ALL
SELECT o.id, r.id, r.id, NULL, NULL, 'police', pa.environment, NULL, NULL, NULL, NULL, pa.status
{_BASIS.replace("LEFT JOIN", "JOIN")}
JOIN police_assessments pa ON pa.revision_id = r.id
"""

FOLLOW_UP = """
WITH latest AS (
    SELECT a.revision_id, f.period, f.status,
           ROW_NUMBER() OVER (PARTITION BY f.activity_id, f.period
                              ORDER BY f.reported_at DESC, f.id DESC) AS rn
    FROM revisions r
    JOIN activities a ON a.revision_id = r.id
    JOIN follow_ups f ON f.activity_id = a.id
    WHERE r.status = 'approved'
)
SELECT o.id, l.period, l.status, COUNT(*),
       (SELECT COUNT(*) FROM activities x WHERE x.revision_id = r.id)
FROM organizations o
JOIN plans p ON p.organization_id = o.id
JOIN revisions r ON r.plan_id = p.id AND r.status = 'approved'
JOIN latest l ON l.revision_id = r.id AND l.rn = 1
GROUP BY o.id, r.id, l.period, l.status
"""

QUERIES = {
    "status": STATUS,
    "coverage": COVERAGE,
    "partners": PARTNERS,
    "situation": SITUATION,
    "follow-up": FOLLOW_UP,
}


def run(conn: Connection, name: str) -> list[Any]:
    return list(conn.exec_driver_sql(QUERIES[name]).fetchall())


def _date(value: Any) -> dt.date | None:
    # SQLite hands dates back as text through a raw query.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# Each pair below turns (hand-written rows) and (the view) into the same dictionary.


def status_from_sql(rows: list[Any], today: dt.date) -> dict[str, Any]:
    result = {}
    for org, programme, rid, number, year, approved_on, nid, nnumber, nyear, nstatus, due in rows:
        # The default programme's cycle: due on 31 May of the cycle year.
        next_due = dt.date(due, 5, 31) if due is not None else None
        result[org] = (
            programme,
            (rid, number, year, _date(approved_on)) if rid is not None else None,
            (nid, nnumber, nyear, nstatus) if nid is not None else None,
            next_due,
            next_due is not None and today > next_due,
        )
    return result


def status_from_view(view: cmp.StatusBoard) -> dict[str, Any]:
    result = {}
    for row in view.rows:
        f, n = row.in_force, row.in_progress
        result[row.organization_id] = (
            row.programme_id,
            (f.revision_id, f.number, f.cycle_year, f.approved_on) if f else None,
            (n.revision_id, n.number, n.cycle_year, n.status.value) if n else None,
            row.next_due,
            row.overdue,
        )
    return result


def coverage_from_sql(rows: list[Any]) -> dict[str, Any]:
    result: dict[str, dict[str, dict[str, int]]] = {}
    for org, dimension, key, count in rows:
        entry = result.setdefault(org, {"level": {}, "theme": {}})
        if key is not None:
            entry[dimension][key] = count
    return result


def coverage_from_view(view: cmp.CoverageView) -> dict[str, Any]:
    return {
        row.organization_id: {
            "level": {k: v for k, v in row.levels.items() if v},
            "theme": {k: v for k, v in row.themes.items() if v},
        }
        for row in view.rows
    }


def partners_from_sql(
    rows: list[Any], columns: dict[str, str] | None = None
) -> dict[str, dict[str, int]]:
    """Counts per name as written, summed per column of the view (`columns` maps each
    spelling to its actor's column; the matching itself is tested on its own)."""
    result: dict[str, dict[str, int]] = {}
    for org, partner, count in rows:
        entry = result.setdefault(org, {})
        if partner is not None:
            key = (columns or {}).get(partner, partner)
            entry[key] = entry.get(key, 0) + count
    return {org: dict(sorted(counts.items())) for org, counts in result.items()}


def partners_from_view(view: cmp.PartnerMatrix) -> dict[str, dict[str, int]]:
    return {row.organization_id: row.partners for row in view.rows}


def situation_from_sql(rows: list[Any]) -> dict[str, Any]:
    result: dict[str, dict[str, Any]] = {}
    for (
        org,
        rid,
        situation,
        compiled_on,
        confidential,
        part,
        key,
        yes,
        no,
        resp,
        share,
        text,
    ) in rows:
        entry = result.setdefault(org, {"revision": rid, "survey": {}, "police": {}})
        if part == "survey":
            entry["compiled_on"] = _date(compiled_on)
            entry["confidential"] = bool(confidential) if situation is not None else None
        if key is None:
            continue
        if part == "survey":
            share = round(float(share), 4) if share is not None else None
            entry["survey"][key] = (yes, no, resp, share, text)
        else:
            entry["police"][key] = text
    return result


def situation_from_view(view: cmp.SituationComparison) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for row in view.rows:
        result[row.organization_id] = {
            "revision": row.revision.revision_id if row.revision else None,
            "survey": {
                s.question_key: (s.yes_count, s.no_count, s.respondents, s.share_yes, s.finding)
                for s in row.survey
                if s.answered
            },
            "police": {p.environment: p.status.value for p in row.police if p.status},
            "compiled_on": row.compiled_on,
            "confidential": row.confidential if row.has_situation else None,
        }
    return result


def follow_up_from_sql(rows: list[Any]) -> dict[tuple[str, str], dict[str, int]]:
    result: dict[tuple[str, str], dict[str, int]] = {}
    for org, period, status, count, activities in rows:
        counts = result.setdefault((org, period), {"activities": activities})
        counts[status] = count
    for counts in result.values():
        reported = sum(v for k, v in counts.items() if k != "activities")
        counts[cmp.NOT_REPORTED] = counts["activities"] - reported
    return result


def follow_up_from_view(view: cmp.FollowUpProgress) -> dict[tuple[str, str], dict[str, int]]:
    result = {}
    for row in view.rows:
        reported = sum(v for k, v in row.counts.items() if k != cmp.NOT_REPORTED)
        if reported == 0:
            continue  # the query has no row where nothing was reported
        counts = {k: v for k, v in row.counts.items() if v or k == cmp.NOT_REPORTED}
        result[row.organization_id, row.period] = {"activities": row.activities, **counts}
    return result


# Per view: the Registry method, then the two normalisers above (hand-written, view).
VIEWS: dict[str, tuple[str, Callable[..., Any], Callable[..., Any]]] = {
    "status": ("status_board", status_from_sql, status_from_view),
    "coverage": ("activity_coverage", coverage_from_sql, coverage_from_view),
    "partners": ("partner_matrix", partners_from_sql, partners_from_view),
    "situation": ("situation_comparison", situation_from_sql, situation_from_view),
    "follow-up": ("follow_up_progress", follow_up_from_sql, follow_up_from_view),
}


def agree(name: str, rows: list[Any], view: Any) -> bool:
    """Whether the hand-written rows and the view give the same answer."""
    _method, _from_sql, from_view = VIEWS[name]
    return bool(from_view(view) == expected(name, rows, view))


def expected(name: str, rows: list[Any], view: Any) -> Any:
    """The hand-written rows in the shape `VIEWS[name]`'s view function gives the view."""
    _method, from_sql, _from_view = VIEWS[name]
    if name == "status":
        return from_sql(rows, view.today)
    if name == "partners":
        return from_sql(rows, {n: p.partner for p in view.partners for n in p.names})
    return from_sql(rows)
