"""Importing a plan document: storing its proposal, and applying it as a draft revision.

Reading and recognising the file is pure (`planregistry.importing`) and runs outside any
transaction. Applying runs the ordinary use cases — `create_plan` if the organisation
has no plan under the programme, `create_revision` (refused while an open draft
exists), `update_revision`, `put_section`, `put_situation`, `add_activity` — inside one
transaction (`_all_or_nothing`), so an import is applied whole or leaves nothing, and
each step checks the policy and writes its audit entry as it does by hand. A last audit
entry (`revision`, `import`) names the source file and its SHA-256.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from planregistry.importing.limits import Limits
from planregistry.storage import queries
from planregistry.storage.rowmap import utc
from planregistry.storage.tables import PlanImportRow, PlanRow, ProgrammeRow
from planregistry.usecases.activities import ActivityUseCases
from planregistry.usecases.base import audit_change
from planregistry.usecases.content import ContentUseCases
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.commands import CreatePlan, CreateRevision, UpdateRevision
from planregistry_domain.errors import Conflict, FieldError, NotFound, ValidationError
from planregistry_domain.imports import ImportProposal, PlanImport
from planregistry_domain.model import Revision
from planregistry_domain.policy import Action, Scope


class ImportUseCases(ContentUseCases, ActivityUseCases):
    def propose_plan_import(
        self,
        org_id: str,
        data: bytes,
        filename: str,
        *,
        programme_id: str | None = None,
        cycle_year: int | None = None,
        limits: Limits | None = None,
        actor: Actor = SYSTEM,
    ) -> ImportProposal:
        """What the document would become for the organisation, stored nowhere."""
        from planregistry.importing import propose

        with self._read() as session:
            self._organization_scope(session, org_id, actor, Action.EDIT_DRAFT)
            programme = self._programme(session, _programme_for(session, org_id, programme_id))
        return propose(data, filename, programme, cycle_year=cycle_year, limits=limits)

    def create_plan_import(
        self,
        org_id: str,
        data: bytes,
        filename: str,
        *,
        programme_id: str | None = None,
        cycle_year: int | None = None,
        limits: Limits | None = None,
        actor: Actor = SYSTEM,
    ) -> tuple[PlanImport, bool]:
        """Read a document and store its proposal for the organisation; the same
        document (by SHA-256) a second time gives the stored one back. Returns the
        import and whether it was created now. Unreadable files raise
        `UnreadableDocument` (a `ValidationError`) and store nothing."""
        from planregistry.importing import propose

        sha256 = hashlib.sha256(data).hexdigest()
        with self._read() as session:
            self._organization_scope(session, org_id, actor, Action.EDIT_DRAFT)
            existing = _stored(session, org_id, sha256)
            if existing is not None:
                return _plan_import(existing), False
            programme = self._programme(session, _programme_for(session, org_id, programme_id))
        proposal = propose(data, filename, programme, cycle_year=cycle_year, limits=limits)
        with self._write() as session:
            scope = self._organization_scope(session, org_id, actor, Action.EDIT_DRAFT)
            existing = _stored(session, org_id, sha256)
            if existing is not None:  # uploaded twice at once: the first one stands
                return _plan_import(existing), False
            row = PlanImportRow(
                organization_id=org_id,
                sha256=sha256,
                filename=(PurePath(filename).name or "dokument")[:300],
                format=proposal.source.format.value,
                size=len(data),
                proposal=msgspec.to_builtins(proposal),
                created_at=self.now(),
                created_by=actor.display[:300],
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                actor,
                entity="plan_import",
                entity_id=row.id,
                action="create",
                change=audit_change(
                    source=proposal.source,
                    sections=len(proposal.sections),
                    activities=len(proposal.activities),
                    findings=len(proposal.findings),
                ),
                scope=scope,
            )
            return _plan_import(row), True

    def get_plan_import(self, import_id: int, *, actor: Actor = SYSTEM) -> PlanImport:
        with self._read() as session:
            row = self._placed_import(session, import_id, actor, Action.READ_PLAN)[0]
            return _plan_import(row)

    def list_plan_imports(self, org_id: str, *, actor: Actor = SYSTEM) -> list[PlanImport]:
        """The organisation's imports, newest first."""
        with self._read() as session:
            self._organization_scope(session, org_id, actor, Action.READ_PLAN)
            rows = session.scalars(
                select(PlanImportRow)
                .where(PlanImportRow.organization_id == org_id)
                .order_by(PlanImportRow.id.desc())
            ).all()
            return [_plan_import(r) for r in rows]

    def apply_plan_import(
        self, import_id: int, *, cycle_year: int | None = None, actor: Actor = SYSTEM
    ) -> Revision:
        """Write the proposal as a new draft revision of the organisation's plan (made if
        it has none): refused (`Conflict`) when the plan already has an open revision or
        the import was applied before; all or nothing."""
        with self._all_or_nothing() as session:
            row, scope = self._placed_import(session, import_id, actor, Action.EDIT_DRAFT)
            if row.applied_revision_id is not None:
                raise Conflict(
                    f"Importen {import_id} är redan tillämpad (revision {row.applied_revision_id})."
                )
            proposal = msgspec.convert(row.proposal, ImportProposal)
            revision_id = self._apply_proposal(
                session, row.organization_id, proposal, cycle_year, actor
            )
            row.applied_revision_id = revision_id
            row.applied_at = self.now()
            row.applied_by = actor.display[:300]
            self._audit(
                session,
                actor,
                entity="revision",
                entity_id=revision_id,
                action="import",
                change=audit_change(
                    import_id=import_id,
                    source=proposal.source,
                    findings=len(proposal.findings),
                    restorations=len(proposal.restorations),
                ),
                scope=scope,
            )
        return self.get_revision(revision_id, actor=actor)

    # Helpers of this module.

    def _placed_import(
        self, session: Session, import_id: int, actor: Actor, action: Action
    ) -> tuple[PlanImportRow, Scope]:
        row = session.get(PlanImportRow, import_id)
        if row is None:
            raise NotFound("Importen", import_id)
        scope = queries.organization_scope(queries.get_organization(session, row.organization_id))
        self._authorize(actor, action, scope, entity="Importen", key=import_id)
        return row, scope

    def _apply_proposal(
        self,
        session: Session,
        org_id: str,
        proposal: ImportProposal,
        cycle_year: int | None,
        actor: Actor,
    ) -> int:
        year = cycle_year or proposal.cycle_year
        if year is None:
            message = "Planens år framgår inte av dokumentet; ange cykelåret."
            raise ValidationError(message, [FieldError(path="cycle_year", message=message)])
        plan_id = session.scalar(
            select(PlanRow.id).where(
                PlanRow.organization_id == org_id, PlanRow.programme_id == proposal.programme_id
            )
        )
        if plan_id is None:
            plan_id = self.create_plan(
                org_id, CreatePlan(programme_id=proposal.programme_id), actor=actor
            ).id
        revision = self.create_revision(
            plan_id,
            CreateRevision(
                label=proposal.label, cycle_year=year, case_numbers=proposal.case_numbers
            ),
            actor=actor,
        )
        # A new revision starts as a copy of the approved one; the import replaces it.
        for copied_section in revision.sections:
            self.delete_section(revision.id, copied_section.key, actor=actor)
        for copied_activity in revision.activities:
            self.delete_activity(copied_activity.id, actor=actor)
        self.update_revision(
            revision.id,
            UpdateRevision(
                scope_exclusions=proposal.scope_exclusions,
                priority_areas=proposal.priority_areas,
            ),
            actor=actor,
        )
        for section in proposal.sections:
            self.put_section(
                revision.id, section.key, proposal.section_command(section), actor=actor
            )
        if proposal.situation is not None:
            self.put_situation(revision.id, proposal.situation, actor=actor)
        for activity in proposal.activities:
            self.add_activity(revision.id, activity.command(), actor=actor)
        return revision.id


def _stored(session: Session, org_id: str, sha256: str) -> PlanImportRow | None:
    return session.scalars(
        select(PlanImportRow).where(
            PlanImportRow.organization_id == org_id, PlanImportRow.sha256 == sha256
        )
    ).one_or_none()


def _programme_for(session: Session, org_id: str, programme_id: str | None) -> str:
    """The programme named, else that of the organisation's only plan, else the
    registry's only programme."""
    if programme_id is not None:
        return programme_id
    plans = session.scalars(select(PlanRow.programme_id).where(PlanRow.organization_id == org_id))
    named = sorted(set(plans))
    if len(named) == 1:
        return named[0]
    programmes = sorted(session.scalars(select(ProgrammeRow.id)))
    if len(programmes) == 1:
        return programmes[0]
    message = "Ange vilket program planen svarar mot (programme_id)."
    raise ValidationError(message, [FieldError(path="$.programme_id", message=message)])


def _plan_import(row: PlanImportRow) -> PlanImport:
    proposal = msgspec.convert(row.proposal, ImportProposal)
    return PlanImport(
        id=row.id,
        organization_id=row.organization_id,
        source=proposal.source,
        proposal=proposal,
        created_at=utc(row.created_at),
        created_by=row.created_by,
        applied_revision_id=row.applied_revision_id,
        applied_at=utc(row.applied_at) if row.applied_at is not None else None,
        applied_by=row.applied_by,
    )
