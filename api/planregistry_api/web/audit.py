"""`/logg`: the audit trail, for the central role (the library refuses anyone else)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from planregistry_api.access import requires
from planregistry_api.dependencies import RegistryDep
from planregistry_api.web.pages import Query, page
from planregistry_api.web.session import session_of
from planregistry_domain.policy import Action

PAGE_SIZE = 50
ENTITIES = {
    "organization": "Organisation",
    "plan": "Plan",
    "revision": "Revision",
    "activity": "Aktivitet",
    "document": "Dokument",
    "follow_up": "Uppföljning",
    "review": "Granskning",
    "api_key": "API-nyckel",
    "programme": "Program",
    "municipality": "Kommun",
    "registry": "Registret",
    "sign_in_link": "Inloggningslänk",
    "web_session": "Inloggning",
}
ACTIONS = {
    "create": "skapade",
    "update": "ändrade",
    "delete": "tog bort",
    "decide": "registrerade beslut",
    "put_section": "skrev avsnitt",
    "delete_section": "tog bort avsnitt",
    "put_situation": "skrev lägesbild",
    "report": "rapporterade",
    "revoke": "återkallade",
    "sign_in": "loggade in",
}


class AuditController(Controller):
    path = "/logg"
    include_in_schema = False

    @get("/", opt=requires(Action.READ_AUDIT), sync_to_thread=True, name="web:audit")
    def index(
        self,
        request: Request[Any, Any, Any],
        registry: RegistryDep,
        typ: Query = None,
        organisation: Query = None,
        fran: Annotated[dt.date | None, QueryParameter()] = None,
        sida: Query = None,
    ) -> Template:
        session = session_of(request)
        assert session is not None
        entity = typ if typ in ENTITIES else None
        since = dt.datetime.combine(fran, dt.time(), tzinfo=dt.UTC) if fran else None
        entries = registry.list_audit(
            actor=session.actor,
            entity=entity,
            organization=organisation or None,
            since=since,
            limit=PAGE_SIZE,
            cursor=sida or None,
        )
        kept = {
            k: v
            for k, v in {"typ": entity, "organisation": organisation, "fran": fran}.items()
            if v
        }
        next_href = (
            "/logg?" + urlencode({**kept, "sida": entries.next_cursor})
            if entries.next_cursor
            else None
        )
        return page(
            request,
            "audit/index.html",
            title="Logg",
            entries=list(entries),
            entities=ENTITIES,
            actions=ACTIONS,
            filters={"typ": entity or "", "organisation": organisation or "", "fran": fran},
            next_href=next_href,
        )
