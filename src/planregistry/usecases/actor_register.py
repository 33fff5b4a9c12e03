"""The actors register of a municipality: read by every role, kept by the central role.

Plans name responsible actors and partners in free text, which is never rewritten. The
register says which real actor each name means (`planregistry_domain.actor_register`);
the comparison views group by it, so mapping a name (adding it as an alias) or adding
an actor changes every view at once. Managing the register follows the policy for the
municipality's organisations (`MANAGE_ORGANIZATION`: the central role and the system).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import msgspec
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from planregistry.storage.rowmap import RowMap
from planregistry.storage.tables import (
    ActivityPartnerRow,
    ActivityRow,
    MunicipalityRow,
    OrganizationRow,
    PlanActorRow,
    PlanRow,
    RevisionRow,
)
from planregistry.usecases.base import RegistryBase, audit_change, check_version
from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.actor_register import (
    ActorIndex,
    CreatePlanActor,
    MapActorName,
    PlanActor,
    UnmatchedName,
    UpdatePlanActor,
    alias_needed,
    name_key,
)
from planregistry_domain.errors import Conflict, NotFound
from planregistry_domain.policy import Action, Scope
from planregistry_domain.validation import coerce

PLAN_ACTOR = RowMap(PlanActor, PlanActorRow, renamed={"municipality": "municipality_id"})


def plan_actor(row: PlanActorRow) -> PlanActor:
    return PLAN_ACTOR.read(row)


def read_actor_indexes(
    conn: Connection | Session, municipalities: Iterable[str] | None = None
) -> dict[str, ActorIndex]:
    """The register of each municipality (all of them when None), ready to match names."""
    stmt = select(*PLAN_ACTOR.selected()).order_by(PlanActorRow.id)
    if municipalities is not None:
        stmt = stmt.where(PlanActorRow.municipality_id.in_(list(municipalities)))
    by_municipality: dict[str, list[PlanActor]] = defaultdict(list)
    for row in conn.execute(stmt).mappings():
        actor = PLAN_ACTOR.read_labelled(row, "")
        by_municipality[actor.municipality].append(actor)
    return {m: ActorIndex(actors) for m, actors in by_municipality.items()}


def _distinct_forms(name: str, aliases: Iterable[str]) -> list[str]:
    """Aliases without repeats (by how names compare) and without the name itself."""
    seen = {name_key(name)}
    kept: list[str] = []
    for alias in aliases:
        alias = alias.strip()
        if name_key(alias) not in seen:
            seen.add(name_key(alias))
            kept.append(alias)
    return kept


class ActorRegisterUseCases(RegistryBase):
    def list_plan_actors(self, municipality: str, *, actor: Actor = SYSTEM) -> list[PlanActor]:
        """The municipality's register, by name."""
        self._authorize(
            actor,
            Action.READ_ORGANIZATION,
            Scope(municipality=municipality),
            entity="Kommunen",
            key=municipality,
        )
        with self._read() as session:
            if session.get(MunicipalityRow, municipality) is None:
                raise NotFound("Kommunen", municipality)
            rows = session.scalars(
                select(PlanActorRow)
                .where(PlanActorRow.municipality_id == municipality)
                .order_by(PlanActorRow.name, PlanActorRow.id)
            )
            return [plan_actor(r) for r in rows]

    def get_plan_actor(self, actor_id: int, *, actor: Actor = SYSTEM) -> PlanActor:
        with self._read() as session:
            row = self._actor_row(session, actor_id, actor, Action.READ_ORGANIZATION)
            return plan_actor(row)

    def create_plan_actor(
        self,
        municipality: str,
        data: CreatePlanActor | Mapping[str, Any],
        *,
        actor: Actor = SYSTEM,
    ) -> PlanActor:
        command = coerce(CreatePlanActor, data)
        scope = Scope(municipality=municipality)
        self._authorize(
            actor, Action.MANAGE_ORGANIZATION, scope, entity="Kommunen", key=municipality
        )
        name = command.name.strip()
        aliases = _distinct_forms(name, command.aliases)
        now = self.now()
        with self._write() as session:
            if session.get(MunicipalityRow, municipality) is None:
                raise NotFound("Kommunen", municipality)
            self._refuse_clashes(session, municipality, None, [name, *aliases])
            row = PLAN_ACTOR.new_row(
                municipality=municipality,
                kind=command.kind,
                name=name,
                aliases=aliases,
                version=1,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                actor,
                entity="plan_actor",
                entity_id=row.id,
                action="create",
                change=audit_change(command),
                scope=scope,
            )
            return plan_actor(row)

    def update_plan_actor(
        self,
        actor_id: int,
        data: UpdatePlanActor | Mapping[str, Any],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> PlanActor:
        """Change an actor's kind, name or aliases (the aliases given replace the list)."""
        command = coerce(UpdatePlanActor, data)
        with self._write() as session:
            row = self._actor_row(session, actor_id, actor, Action.MANAGE_ORGANIZATION, lock=True)
            check_version("Aktören", actor_id, expected_version, row.version)
            before = plan_actor(row)
            name = before.name if isinstance(command.name, msgspec.UnsetType) else command.name
            name = name.strip()
            aliases = (
                before.aliases
                if isinstance(command.aliases, msgspec.UnsetType)
                else list(command.aliases)
            )
            aliases = _distinct_forms(name, aliases)
            self._refuse_clashes(session, row.municipality_id, actor_id, [name, *aliases])
            if not isinstance(command.kind, msgspec.UnsetType):
                row.kind = command.kind.value
            row.name, row.aliases = name, aliases
            return self._touched(
                session,
                row,
                actor,
                "update",
                audit_change(
                    command,
                    before={"kind": before.kind, "name": before.name, "aliases": before.aliases},
                ),
            )

    def map_actor_name(
        self,
        actor_id: int,
        data: MapActorName | Mapping[str, Any],
        *,
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> PlanActor:
        """Say that `name`, as plans write it, means this actor: it becomes an alias (unless
        the actor already matches it exactly). The plans themselves are not changed."""
        command = coerce(MapActorName, data)
        name = command.name.strip()
        with self._write() as session:
            row = self._actor_row(session, actor_id, actor, Action.MANAGE_ORGANIZATION, lock=True)
            check_version("Aktören", actor_id, expected_version, row.version)
            current = plan_actor(row)
            if not alias_needed(current, name):
                return current
            self._refuse_clashes(session, row.municipality_id, actor_id, [name])
            row.aliases = [*current.aliases, name]
            return self._touched(session, row, actor, "map_name", audit_change(command))

    def unmatched_actor_names(
        self, municipality: str, *, actor: Actor = SYSTEM
    ) -> list[UnmatchedName]:
        """Names the municipality's plans write (responsible or partner, in any revision)
        that match no actor of its register, or more than one; most written first."""
        self._authorize(
            actor,
            Action.READ_ORGANIZATION,
            Scope(municipality=municipality),
            entity="Kommunen",
            key=municipality,
        )
        with self._read() as session:
            if session.get(MunicipalityRow, municipality) is None:
                raise NotFound("Kommunen", municipality)
            index = read_actor_indexes(session, [municipality]).get(municipality, ActorIndex(()))
            base = (
                select(OrganizationRow.id)
                .join(PlanRow, PlanRow.organization_id == OrganizationRow.id)
                .join(RevisionRow, RevisionRow.plan_id == PlanRow.id)
                .join(ActivityRow, ActivityRow.revision_id == RevisionRow.id)
                .where(OrganizationRow.municipality_id == municipality)
            )
            responsible = session.execute(
                base.add_columns(ActivityRow.responsible, func.count())
                .where(ActivityRow.responsible.is_not(None))
                .group_by(OrganizationRow.id, ActivityRow.responsible)
            ).all()
            partners = session.execute(
                base.join(ActivityPartnerRow, ActivityPartnerRow.activity_id == ActivityRow.id)
                .add_columns(ActivityPartnerRow.partner, func.count(ActivityRow.id.distinct()))
                .group_by(OrganizationRow.id, ActivityPartnerRow.partner)
            ).all()
        found: dict[str, UnmatchedName] = {}
        for rows, as_partner in ((responsible, False), (partners, True)):
            for org_id, name, count in rows:
                if not name.strip() or index.match(name) is not None:
                    continue
                entry = found.get(name)
                if entry is None:
                    entry = found[name] = UnmatchedName(
                        name=name, ambiguous_between=sorted(index.candidates(name))
                    )
                if as_partner:
                    entry.as_partner += count
                else:
                    entry.as_responsible += count
                if org_id not in entry.organizations:
                    entry.organizations.append(org_id)
        for entry in found.values():
            entry.organizations.sort()
        return sorted(
            found.values(),
            key=lambda e: (-(e.as_partner + e.as_responsible), name_key(e.name), e.name),
        )

    # Shared steps.

    def _actor_row(
        self, session: Session, actor_id: int, actor: Actor, action: Action, *, lock: bool = False
    ) -> PlanActorRow:
        stmt = select(PlanActorRow).where(PlanActorRow.id == actor_id)
        row = session.scalars(stmt.with_for_update() if lock else stmt).one_or_none()
        if row is None:
            raise NotFound("Aktören", actor_id)
        self._authorize(
            actor, action, Scope(municipality=row.municipality_id), entity="Aktören", key=actor_id
        )
        return row

    @staticmethod
    def _refuse_clashes(
        session: Session, municipality: str, actor_id: int | None, forms: list[str]
    ) -> None:
        index = read_actor_indexes(session, [municipality]).get(municipality, ActorIndex(()))
        clashes = index.clashes(actor_id, forms)
        if clashes:
            raise Conflict(
                "Namnet används redan av en annan aktör i registret: " + ", ".join(clashes) + "."
            )

    def _touched(
        self, session: Session, row: PlanActorRow, actor: Actor, action: str, change: dict[str, Any]
    ) -> PlanActor:
        row.version += 1
        row.updated_at = self.now()
        session.flush()
        self._audit(
            session,
            actor,
            entity="plan_actor",
            entity_id=row.id,
            action=action,
            change=change,
            scope=Scope(municipality=row.municipality_id),
        )
        return plan_actor(row)
