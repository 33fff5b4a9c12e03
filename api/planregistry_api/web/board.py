"""`/`: the status board (översikt), one row per organisation, sortable and filterable.

Filters and sorting are in the URL (a plain GET form and links), so a view can be
bookmarked and shared and works without JavaScript. The rows are the library's status
board for the caller; a coordinator's `/` is its own organisation's workspace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.web.pages import Query, page
from planregistry_api.web.session import session_of
from planregistry_domain.comparisons import StatusBoardRow
from planregistry_domain.policy import Action
from planregistry_domain.vocabulary import OrganizationKind, ReviewOutcome, RevisionStatus, Role

# status filter value → (label, test on a row)
STATUSES: dict[str, tuple[str, Callable[[StatusBoardRow], bool]]] = {
    "utkast": (
        "Utkast pågår",
        lambda r: r.in_progress is not None and r.in_progress.status is RevisionStatus.DRAFT,
    ),
    "vantar-ks": (
        "Väntar på kommunstyrelsen",
        lambda r: (
            r.in_progress is not None and r.in_progress.status is RevisionStatus.AWAITING_BOARD
        ),
    ),
    "ingen-pagaende": ("Ingen pågående revision", lambda r: r.in_progress is None),
    "ingen-gallande": ("Ingen plan i kraft", lambda r: r.in_force is None),
    "granskad": (
        "Granskad, klar för kommunstyrelsen",
        lambda r: r.review_outcome is ReviewOutcome.READY_FOR_BOARD,
    ),
    "oppna-villkor": ("Godkänd med öppna villkor", lambda r: r.open_conditions > 0),
}

_FAR = dt.date.max
# sort key → (column heading, key of a row)
COLUMNS: dict[str, tuple[str, Callable[[StatusBoardRow], Any]]] = {
    "namn": ("Organisation", lambda r: r.organization_name.casefold()),
    "typ": ("Typ", lambda r: (r.kind.label, r.organization_name.casefold())),
    "gallande": (
        "Plan i kraft",
        lambda r: (r.in_force is None, (r.in_force.approved_on if r.in_force else None) or _FAR),
    ),
    "pagaende": (
        "Pågående revision",
        lambda r: (r.in_progress is None, r.in_progress.status.label if r.in_progress else ""),
    ),
    "nasta": ("Nästa revision senast", lambda r: (r.next_due is None, r.next_due or _FAR)),
    "forsenad": ("Försenad", lambda r: (not r.overdue, r.organization_name.casefold())),
}


class BoardController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", opt=requires(Action.READ_COMPARISONS), sync_to_thread=True, name="web:board")
    def board(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        typ: Query = None,
        status: Query = None,
        forsenad: Query = None,
        sortera: Query = "namn",
        ordning: Query = "stigande",
    ) -> Template | Redirect:
        session = session_of(request)
        assert session is not None
        actor = session.actor
        if actor.role is Role.COORDINATOR and actor.organization:
            return Redirect(f"/organisationer/{actor.organization}/arbetsyta", status_code=303)
        kind = typ if typ in {k.value for k in OrganizationKind} else None
        board = registry.status_board({"kind": kind} if kind else None, actor=actor)
        rows = board.rows
        counts = {key: sum(1 for r in rows if test(r)) for key, (_l, test) in STATUSES.items()}
        overdue_count = sum(1 for r in rows if r.overdue)
        if status in STATUSES:
            rows = [r for r in rows if STATUSES[status][1](r)]
        else:
            status = None
        only_overdue = forsenad == "ja"
        if only_overdue:
            rows = [r for r in rows if r.overdue]
        sort = sortera if sortera in COLUMNS else "namn"
        descending = ordning == "fallande"
        rows = sorted(rows, key=COLUMNS[sort][1], reverse=descending)
        filters = {"typ": kind, "status": status, "forsenad": "ja" if only_overdue else None}
        kept = {k: v for k, v in filters.items() if v}
        columns = []
        for key, (label, _key) in COLUMNS.items():
            current = key == sort
            next_order = "fallande" if current and not descending else "stigande"
            columns.append(
                {
                    "key": key,
                    "label": label,
                    "href": "/?" + urlencode({**kept, "sortera": key, "ordning": next_order}),
                    "aria_sort": (
                        ("descending" if descending else "ascending") if current else None
                    ),
                }
            )
        return page(
            request,
            "board/index.html",
            title="Översikt",
            board=board,
            rows=rows,
            total=len(board.rows),
            columns=columns,
            filters=filters,
            kinds=[(k.value, k.label) for k in OrganizationKind],
            statuses=[(key, label, counts[key]) for key, (label, _t) in STATUSES.items()],
            overdue_count=overdue_count,
            awaiting_board_href="/?" + urlencode({"status": "vantar-ks"}),
            overdue_href="/?" + urlencode({"forsenad": "ja"}),
        )
