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
entry (entity `registry`, action `import`, counts of what it restored).
"""

from __future__ import annotations

import datetime as dt

import msgspec
from msgspec import Struct
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from planregistry.domain.actor import SYSTEM, Actor
from planregistry.domain.audit import AuditEntry
from planregistry.domain.model import FollowUp, Municipality, Organization, Review, Revision
from planregistry.domain.policy import Action, Scope
from planregistry.domain.programme import Programme
from planregistry.domain.vocabulary import Role
from planregistry.errors import Conflict, ValidationError
from planregistry.storage import convert, queries
from planregistry.storage.tables import (
    ActivityPartnerRow,
    ActivityRow,
    ActivityThemeRow,
    ApiKeyRow,
    AuditRow,
    DecisionRow,
    FollowUpRow,
    MunicipalityRow,
    OrganizationRow,
    PlanRow,
    PoliceAssessmentRow,
    ProgrammeRow,
    ReviewRow,
    RevisionRow,
    SectionRow,
    SituationRow,
    SurveyAnswerRow,
)
from planregistry.usecases.audit import audit_entry
from planregistry.usecases.base import RegistryBase, coerce, validation_error

FORMAT = "planregistry-export"
FORMAT_VERSION = 2
# Version 1 had no audit trail and no API keys; such documents still import.
READABLE_VERSIONS = (1, FORMAT_VERSION)


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


class RegistryDocument(Struct, kw_only=True, forbid_unknown_fields=True):
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    municipalities: list[Municipality]
    programmes: list[Programme]
    organizations: list[Organization]
    plans: list[PlanRecord]
    revisions: list[Revision]
    follow_ups: list[FollowUp]
    reviews: list[Review]
    api_keys: list[ApiKeyRecord] = []
    audit: list[AuditEntry] = []


# Tables with integer keys whose PostgreSQL sequences must follow imported ids.
_SEQUENCED = (
    PlanRow,
    RevisionRow,
    SectionRow,
    ActivityRow,
    FollowUpRow,
    DecisionRow,
    ReviewRow,
    AuditRow,
)


class BackupUseCases(RegistryBase):
    def export_document(self, *, actor: Actor = SYSTEM) -> RegistryDocument:
        self._authorize(actor, Action.MANAGE_REGISTRY, Scope())
        with self._read() as session:
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
                    convert.organization(r)
                    for r in session.scalars(select(OrganizationRow).order_by(OrganizationRow.id))
                ],
                plans=[
                    PlanRecord(
                        id=r.id,
                        organization_id=r.organization_id,
                        programme_id=r.programme_id,
                        created_at=convert.utc(r.created_at),
                        updated_at=convert.utc(r.updated_at),
                    )
                    for r in session.scalars(select(PlanRow).order_by(PlanRow.id))
                ],
                revisions=[
                    convert.revision(r)
                    for r in session.scalars(queries.revision_aggregate().order_by(RevisionRow.id))
                ],
                follow_ups=[
                    convert.follow_up(row, key)
                    for row, key in session.execute(
                        select(FollowUpRow, ActivityRow.key)
                        .join(ActivityRow, ActivityRow.id == FollowUpRow.activity_id)
                        .order_by(FollowUpRow.id)
                    )
                ],
                reviews=[
                    convert.review(r)
                    for r in session.scalars(select(ReviewRow).order_by(ReviewRow.id))
                ],
                api_keys=[
                    ApiKeyRecord(
                        id=r.id,
                        name=r.name,
                        secret_hash=r.secret_hash,
                        role=Role(r.role),
                        municipality=r.municipality_id,
                        organization=r.organization_id,
                        created_at=convert.utc(r.created_at),
                        created_by=r.created_by,
                        revoked_at=convert.utc(r.revoked_at) if r.revoked_at else None,
                    )
                    for r in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))
                ],
                audit=[
                    audit_entry(r) for r in session.scalars(select(AuditRow).order_by(AuditRow.id))
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
        ProgrammeRow(id=p.id, name=p.name, definition=convert.to_json(p)) for p in doc.programmes
    )
    session.flush()
    session.add_all(
        OrganizationRow(
            id=o.id,
            municipality_id=o.municipality,
            name=o.name,
            kind=o.kind.value,
            committee=o.committee,
            coordinators=convert.to_json(o.coordinators),
            version=o.version,
            created_at=o.created_at,
            updated_at=o.updated_at,
        )
        for o in doc.organizations
    )
    # Flush group by group: these mappings have no relationships to order the inserts by.
    session.flush()
    session.add_all(
        PlanRow(
            id=p.id,
            organization_id=p.organization_id,
            programme_id=p.programme_id,
            created_at=p.created_at,
            updated_at=p.updated_at,
        )
        for p in doc.plans
    )
    session.flush()
    # Insert revisions in id order so that based_on always points backwards.
    for r in sorted(doc.revisions, key=lambda r: r.id):
        session.add(_revision_row(r))
        session.flush()
    session.add_all(
        FollowUpRow(
            id=f.id,
            activity_id=f.activity_id,
            period=f.period,
            status=f.status.value,
            comment=f.comment,
            reported_by=f.reported_by,
            reported_at=f.reported_at,
        )
        for f in doc.follow_ups
    )
    session.flush()
    session.add_all(
        ReviewRow(
            id=r.id,
            revision_id=r.revision_id,
            feedback=r.feedback,
            findings=convert.to_json(r.findings),
            reviewer=r.reviewer,
            created_at=r.created_at,
        )
        for r in doc.reviews
    )
    session.add_all(
        ApiKeyRow(
            id=k.id,
            name=k.name,
            secret_hash=k.secret_hash,
            role=k.role.value,
            municipality_id=k.municipality,
            organization_id=k.organization,
            created_at=k.created_at,
            created_by=k.created_by,
            revoked_at=k.revoked_at,
        )
        for k in doc.api_keys
    )
    session.add_all(
        AuditRow(
            id=e.id,
            occurred_at=e.occurred_at,
            actor_subject=e.actor_subject,
            actor_name=e.actor_name,
            actor_role=e.actor_role.value,
            municipality_id=e.municipality_id,
            organization_id=e.organization_id,
            entity=e.entity,
            entity_id=e.entity_id,
            action=e.action,
            change=e.change,
            request_id=e.request_id,
        )
        for e in doc.audit
    )


def _revision_row(r: Revision) -> RevisionRow:
    row = RevisionRow(
        id=r.id,
        plan_id=r.plan_id,
        number=r.number,
        label=r.label,
        cycle_year=r.cycle_year,
        status=r.status.value,
        based_on_id=r.based_on,
        case_numbers=list(r.case_numbers),
        scope_exclusions=list(r.scope_exclusions),
        priority_areas=list(r.priority_areas),
        conditions_response=r.conditions_response,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )
    row.sections = [
        SectionRow(position=i, key=s.key, heading=s.heading, body=s.body)
        for i, s in enumerate(r.sections)
    ]
    if r.situation is not None:
        s = r.situation
        row.situation = SituationRow(
            compiled_on=s.compiled_on,
            sources=list(s.sources),
            confidential=s.confidential,
            summary=s.summary,
            survey=[
                SurveyAnswerRow(
                    question_key=a.question_key,
                    position=i,
                    finding=a.finding,
                    yes_count=a.yes_count,
                    no_count=a.no_count,
                    respondents=a.respondents,
                )
                for i, a in enumerate(s.survey)
            ],
            police=[
                PoliceAssessmentRow(
                    environment=p.environment, position=i, status=p.status.value, text=p.text
                )
                for i, p in enumerate(s.police)
            ],
        )
    row.activities = [
        ActivityRow(
            id=a.id,
            key=a.key,
            position=a.position,
            title=a.title,
            description=a.description,
            level=a.level,
            responsible=a.responsible,
            follow_up_method=a.follow_up_method,
            target_group=a.target_group,
            areas=list(a.areas),
            version=a.version,
            updated_at=a.updated_at,
            themes=[ActivityThemeRow(theme=t, position=i) for i, t in enumerate(a.themes)],
            partners=[ActivityPartnerRow(position=i, partner=p) for i, p in enumerate(a.partners)],
        )
        for a in r.activities
    ]
    row.decisions = [
        DecisionRow(
            id=d.id,
            body=d.body.value,
            outcome=d.outcome.value,
            decided_on=d.decided_on,
            case_number=d.case_number,
            minutes_ref=d.minutes_ref,
            conditions=d.conditions,
            status_before=d.status_before.value,
            status_after=d.status_after.value,
            recorded_by=d.recorded_by,
            recorded_at=d.recorded_at,
        )
        for d in r.decisions
    ]
    return row
