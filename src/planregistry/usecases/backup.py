"""Export the whole registry as one JSON document, and restore it into an empty database.

The document carries every id, version and timestamp, so export → import → export
gives the same document: it is the backup and the way to move between databases. Both
are the system's alone (`Action.MANAGE_REGISTRY`): the document spans every municipality
and holds personal data, confidential situation pictures, the audit trail and the API
keys' hashes unredacted.

The audit trail is restored as it was, ids included (the table is append-only, and an
import into an empty database only appends), and the API keys by their hashes, so keys
issued before the backup keep working after the restore. Restoring a trail writes no
entry of its own: the restored trail equals the original. A document of format
version 1 (no trail, no keys) still imports, and then the import writes one summary
entry (entity `registry`, action `import`, counts of what it restored). Version 3 added
the stored plan imports, version 4 the attached documents with their bytes (`files`, once
per SHA-256, checked against it on import), the actors register, the organisations'
validity and successor (which older documents simply lack), the board's joint decisions,
the decisions' conditions one by one and the responses to them (from an older document, a
board decision's conditions text becomes its one condition, as the migration does).
Browser sessions and sign-in links are not part of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from msgspec import Struct
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from planregistry.storage import follow_ups, organizations, reviews, revisions
from planregistry.storage.audit import API_KEY_COLUMNS, AUDIT_ENTRY
from planregistry.storage.revision_reader import read_revision
from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import (
    ActivityRow,
    ApiKeyRow,
    AuditRow,
    BoardDecisionRow,
    ConditionResponseRow,
    DecisionConditionRow,
    DecisionRow,
    DocumentRow,
    FollowUpRow,
    MunicipalityRow,
    OrganizationRow,
    PlanActorRow,
    PlanImportRow,
    PlanRow,
    ProgrammeRow,
    ReviewRow,
    RevisionRow,
    SectionRow,
)
from planregistry.usecases.actor_register import PLAN_ACTOR, plan_actor
from planregistry.usecases.documents import DocumentUseCases, StoredFile
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.actor_register import PlanActor
from planregistry_domain.audit import AuditEntry
from planregistry_domain.board import DecisionCondition
from planregistry_domain.documents import Document
from planregistry_domain.errors import Conflict, ValidationError
from planregistry_domain.model import FollowUp, Municipality, Organization, Review, Revision
from planregistry_domain.policy import Action, Scope
from planregistry_domain.programme import Programme
from planregistry_domain.validation import coerce, validation_error
from planregistry_domain.vocabulary import DecisionBody, Role

FORMAT = "planregistry-export"
FORMAT_VERSION = 4
# Version 1 had no audit trail and no API keys, version 2 no plan imports, version 3 no
# documents, actors register, organisation history, joint board decisions or conditions as
# a list; all still import.
READABLE_VERSIONS = (1, 2, 3, FORMAT_VERSION)


class PlanRecord(Struct, kw_only=True):
    id: int
    organization_id: str
    programme_id: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ApiKeyRecord(Struct, kw_only=True):
    """An API key as stored: its public record and the SHA-256 of its secret, never the secret."""

    id: str
    name: str
    secret_hash: str
    role: Role
    municipality: str
    organization: str | None = None
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None = None


class PlanImportRecord(Struct, kw_only=True):
    """An uploaded plan document's proposal as stored (the file itself is never kept)."""

    id: int
    organization_id: str
    sha256: str
    filename: str
    format: str
    size: int
    proposal: dict[str, Any]
    created_at: dt.datetime
    created_by: str
    applied_revision_id: int | None = None
    applied_at: dt.datetime | None = None
    applied_by: str | None = None


class BoardDecisionRecord(Struct, kw_only=True):
    """A joint board decision as stored; its items are the revisions' own decisions."""

    id: int
    municipality: str
    decided_on: dt.date
    case_number: str
    minutes_ref: str | None = None
    recorded_by: str
    recorded_at: dt.datetime


class ConditionResponseRecord(Struct, kw_only=True):
    id: int
    condition_id: int
    revision_id: int
    response: str
    responded_by: str
    responded_at: dt.datetime


class RegistryDocument(Struct, kw_only=True, forbid_unknown_fields=True):
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    municipalities: list[Municipality]
    programmes: list[Programme]
    organizations: list[Organization]
    actors: list[PlanActor] = []
    plans: list[PlanRecord]
    revisions: list[Revision]
    follow_ups: list[FollowUp]
    reviews: list[Review]
    plan_imports: list[PlanImportRecord] = []
    documents: list[Document] = []
    files: list[StoredFile] = []
    board_decisions: list[BoardDecisionRecord] = []
    decision_conditions: list[DecisionCondition] = []
    condition_responses: list[ConditionResponseRecord] = []
    api_keys: list[ApiKeyRecord] = []
    audit: list[AuditEntry] = []


_PLAN = RowMap(PlanRecord, PlanRow)
_API_KEY = RowMap(ApiKeyRecord, ApiKeyRow, renamed=API_KEY_COLUMNS)
_PLAN_IMPORT = RowMap(PlanImportRecord, PlanImportRow)
_BOARD_DECISION = RowMap(
    BoardDecisionRecord, BoardDecisionRow, renamed={"municipality": "municipality_id"}
)
_CONDITION = RowMap(DecisionCondition, DecisionConditionRow)
_RESPONSE = RowMap(ConditionResponseRecord, ConditionResponseRow)

# Tables with integer keys whose PostgreSQL sequences must follow imported ids.
_SEQUENCED = (
    PlanRow,
    RevisionRow,
    SectionRow,
    ActivityRow,
    FollowUpRow,
    DecisionRow,
    ReviewRow,
    PlanImportRow,
    DocumentRow,
    PlanActorRow,
    AuditRow,
    BoardDecisionRow,
    DecisionConditionRow,
    ConditionResponseRow,
)


class BackupUseCases(DocumentUseCases):
    def export_document(self, *, actor: Actor = SYSTEM) -> RegistryDocument:
        self._authorize(actor, Action.MANAGE_REGISTRY, Scope())
        with self._read() as session:
            documents, files = self._export_documents(session)
            return RegistryDocument(
                municipalities=[
                    Municipality(id=r.id, name=r.name)
                    for r in session.scalars(select(MunicipalityRow).order_by(MunicipalityRow.id))
                ],
                programmes=[
                    msgspec.convert(r.definition, Programme)
                    for r in session.scalars(select(ProgrammeRow).order_by(ProgrammeRow.id))
                ],
                organizations=[
                    organizations.organization(r)
                    for r in session.scalars(select(OrganizationRow).order_by(OrganizationRow.id))
                ],
                actors=[
                    plan_actor(r)
                    for r in session.scalars(select(PlanActorRow).order_by(PlanActorRow.id))
                ],
                plans=[
                    _PLAN.read(r) for r in session.scalars(select(PlanRow).order_by(PlanRow.id))
                ],
                revisions=[
                    read_revision(session.connection(), revision_id)
                    for revision_id in session.scalars(
                        select(RevisionRow.id).order_by(RevisionRow.id)
                    )
                ],
                follow_ups=[
                    follow_ups.follow_up(row, key)
                    for row, key in session.execute(
                        select(FollowUpRow, ActivityRow.key)
                        .join(ActivityRow, ActivityRow.id == FollowUpRow.activity_id)
                        .order_by(FollowUpRow.id)
                    )
                ],
                reviews=[
                    reviews.review(r)
                    for r in session.scalars(select(ReviewRow).order_by(ReviewRow.id))
                ],
                plan_imports=[
                    _PLAN_IMPORT.read(r)
                    for r in session.scalars(select(PlanImportRow).order_by(PlanImportRow.id))
                ],
                documents=documents,
                files=files,
                board_decisions=[
                    _BOARD_DECISION.read(r)
                    for r in session.scalars(select(BoardDecisionRow).order_by(BoardDecisionRow.id))
                ],
                decision_conditions=[
                    _CONDITION.read(r)
                    for r in session.scalars(
                        select(DecisionConditionRow).order_by(DecisionConditionRow.id)
                    )
                ],
                condition_responses=[
                    _RESPONSE.read(r)
                    for r in session.scalars(
                        select(ConditionResponseRow).order_by(ConditionResponseRow.id)
                    )
                ],
                api_keys=[
                    _API_KEY.read(r)
                    for r in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))
                ],
                audit=[
                    AUDIT_ENTRY.read(r)
                    for r in session.scalars(select(AuditRow).order_by(AuditRow.id))
                ],
            )

    def export_json(self, *, actor: Actor = SYSTEM) -> bytes:
        return msgspec.json.format(msgspec.json.encode(self.export_document(actor=actor)), indent=2)

    def import_json(self, data: bytes, *, actor: Actor = SYSTEM) -> None:
        try:
            document = msgspec.json.decode(data, type=RegistryDocument)
        except msgspec.ValidationError as exc:
            raise validation_error(exc) from None
        except msgspec.DecodeError as exc:
            raise ValidationError(f"Dokumentet är inte giltig JSON: {exc}") from None
        self.import_document(document, actor=actor)

    def import_document(self, document: RegistryDocument, *, actor: Actor = SYSTEM) -> None:
        """Restore an exported document into an empty registry, ids and all."""
        self._authorize(actor, Action.MANAGE_REGISTRY, Scope())
        document = coerce(RegistryDocument, document)
        if document.format != FORMAT or document.format_version not in READABLE_VERSIONS:
            raise Conflict(
                f"Okänt dokumentformat {document.format!r} version {document.format_version}."
            )
        withheld = [
            r.id for r in document.revisions if r.situation and r.situation.withheld is True
        ]
        if withheld:
            # Only a redacted view carries the mark; restoring it would lose the content.
            raise ValidationError(
                "Dokumentet innehåller undanhållna lägesbilder (revision "
                f"{', '.join(map(str, withheld))}) och kan inte återställas."
            )
        with self._write() as session:
            if session.scalar(select(func.count()).select_from(MunicipalityRow)) or session.scalar(
                select(func.count()).select_from(ProgrammeRow)
            ):
                raise Conflict("Import kräver en tom databas; den här innehåller redan data.")
            _insert(session, document)
            session.flush()
            self._import_documents(session, document.documents, document.files)
            session.flush()
            if session.get_bind().dialect.name == "postgresql":
                for table in _SEQUENCED:
                    name = table.__tablename__
                    session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                        )
                    )
            if document.audit:
                return  # the restored trail is the history, exactly as it was
            self._audit(
                session,
                actor,
                entity="registry",
                entity_id="import",
                action="import",
                change={
                    "format_version": document.format_version,
                    "municipalities": [m.id for m in document.municipalities],
                    "programmes": [p.id for p in document.programmes],
                    "organizations": len(document.organizations),
                    "actors": len(document.actors),
                    "plans": len(document.plans),
                    "revisions": len(document.revisions),
                    "follow_ups": len(document.follow_ups),
                    "reviews": len(document.reviews),
                },
                scope=Scope(),
            )


def _insert(session: Session, doc: RegistryDocument) -> None:
    session.add_all(MunicipalityRow(id=m.id, name=m.name) for m in doc.municipalities)
    session.add_all(
        ProgrammeRow(id=p.id, name=p.name, definition=msgspec.to_builtins(p))
        for p in doc.programmes
    )
    session.flush()
    # Successors are set once every organisation exists (one may succeed a later one).
    session.add_all(organizations.new_row(o, successor=None) for o in doc.organizations)
    # Flush group by group: these mappings have no relationships to order the inserts by.
    session.flush()
    for o in doc.organizations:
        if o.successor is not None:
            session.execute(
                update(OrganizationRow)
                .where(OrganizationRow.id == o.id)
                .values(successor_id=o.successor)
            )
    session.add_all(PLAN_ACTOR.new_row(a) for a in doc.actors)
    session.flush()
    session.add_all(_PLAN.new_row(p) for p in doc.plans)
    session.add_all(_BOARD_DECISION.new_row(b) for b in doc.board_decisions)
    session.flush()
    # Insert revisions in id order so that based_on always points backwards.
    for r in sorted(doc.revisions, key=lambda r: r.id):
        session.add(revisions.stored_revision(r))
        session.flush()
    session.add_all(follow_ups.new_row(f) for f in doc.follow_ups)
    if doc.format_version < 4:
        _conditions_from_text(session, doc)
    else:
        session.add_all(_CONDITION.new_row(c) for c in doc.decision_conditions)
    session.flush()
    session.add_all(_RESPONSE.new_row(r) for r in doc.condition_responses)
    session.flush()
    session.add_all(reviews.new_row(r) for r in doc.reviews)
    session.add_all(_PLAN_IMPORT.new_row(i) for i in doc.plan_imports)
    session.add_all(_API_KEY.new_row(k) for k in doc.api_keys)
    session.add_all(AUDIT_ENTRY.new_row(e) for e in doc.audit)


def _conditions_from_text(session: Session, doc: RegistryDocument) -> None:
    """Before version 4 a decision's conditions were one text: a board decision's becomes
    its one condition, as migration 0005 does for a stored registry."""
    for revision in doc.revisions:
        for decision in revision.decisions:
            if (
                decision.body is DecisionBody.CITY_EXECUTIVE_BOARD
                and decision.conditions
                and decision.conditions.strip()
            ):
                session.add(
                    DecisionConditionRow(
                        decision_id=decision.id, position=1, text=decision.conditions
                    )
                )
