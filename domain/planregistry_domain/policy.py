"""Who may do what: the one authorisation policy every use case goes through.

Roles (DESIGN.md, "Access"):
- `central`: everything within its municipality; the only role that records the city
  executive board's decisions, writes reviews, manages organisations and API keys,
  and reads the audit trail;
- `coordinator`: its own organisation's plans (drafts, committee decisions — its
  withdrawal of a draft included — and follow-up); reads organisations and the
  comparison views of its municipality;
- `reader`: reads everything of its municipality, changes nothing;
- `system`: the library used directly with database access (CLI, scripts); the only
  one to change programmes and municipalities and to back up or restore the registry,
  and the only actor without a municipality (any other without one sees nothing).

Nothing crosses municipalities. What an actor may not even see answers as "not
found", so that guessing ids reveals nothing; what it may see but not do is
"forbidden".
"""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct

from planregistry_domain.actor import Actor
from planregistry_domain.vocabulary import Role


class Action(StrEnum):
    READ_REFERENCE = "read_reference"  # programmes, municipalities
    READ_ORGANIZATION = "read_organization"
    MANAGE_ORGANIZATION = "manage_organization"
    READ_PLAN = "read_plan"  # plans, revisions, activities, follow-ups, decisions, reviews
    EDIT_DRAFT = "edit_draft"  # create plan/revision, edit a draft's content
    RECORD_COMMITTEE_DECISION = "record_committee_decision"
    RECORD_BOARD_DECISION = "record_board_decision"
    REPORT_FOLLOW_UP = "report_follow_up"
    REVIEW = "review"
    READ_COMPARISONS = "read_comparisons"
    READ_AUDIT = "read_audit"
    MANAGE_API_KEYS = "manage_api_keys"
    MANAGE_PROGRAMMES = "manage_programmes"
    # Municipalities, and the whole-registry backup (export) and restore (import).
    MANAGE_REGISTRY = "manage_registry"


class Scope(Struct, frozen=True, kw_only=True):
    """Where the target lives: its municipality and, for plan data, its organisation."""

    municipality: str | None = None
    organization: str | None = None


class Verdict(StrEnum):
    ALLOW = "allow"
    FORBIDDEN = "forbidden"  # the actor sees the object but may not do this
    HIDDEN = "hidden"  # the actor may not know the object exists: answer "not found"


_READS = frozenset(
    {Action.READ_REFERENCE, Action.READ_ORGANIZATION, Action.READ_PLAN, Action.READ_COMPARISONS}
)
_COORDINATOR_OWN_ORG = frozenset(
    {
        Action.READ_PLAN,
        Action.EDIT_DRAFT,
        Action.RECORD_COMMITTEE_DECISION,
        Action.REPORT_FOLLOW_UP,
    }
)
_COORDINATOR_MUNICIPALITY = frozenset(
    {Action.READ_REFERENCE, Action.READ_ORGANIZATION, Action.READ_COMPARISONS}
)
# Programmes are shared by every municipality: only the system (CLI, deployment) edits them,
# as it does municipalities and the backup, which span every municipality.
_SYSTEM_ONLY = frozenset({Action.MANAGE_PROGRAMMES, Action.MANAGE_REGISTRY})


def judge(actor: Actor, action: Action, scope: Scope) -> Verdict:
    if actor.role is Role.SYSTEM:
        return Verdict.ALLOW
    if action is Action.READ_REFERENCE and scope.municipality is None:
        return Verdict.ALLOW  # programmes are shared by every municipality
    if action in _SYSTEM_ONLY:
        return Verdict.FORBIDDEN
    if actor.municipality is None:
        # Only the system spans municipalities; any other actor without one sees nothing,
        # rather than everything an absent filter would let through.
        return Verdict.HIDDEN
    if scope.municipality is not None and scope.municipality != actor.municipality:
        return Verdict.HIDDEN
    if actor.role is Role.CENTRAL:
        return Verdict.ALLOW
    if actor.role is Role.READER:
        if action is Action.READ_AUDIT:
            return Verdict.FORBIDDEN
        return Verdict.ALLOW if action in _READS else Verdict.FORBIDDEN
    # A coordinator: its municipality's organisations and comparisons, its own plans.
    if action in _COORDINATOR_MUNICIPALITY:
        return Verdict.ALLOW
    if action is Action.MANAGE_ORGANIZATION:
        # Every organisation of its municipality is visible to a coordinator, so refusing
        # a change to one is "forbidden", never "not found".
        return Verdict.FORBIDDEN
    own = scope.organization is not None and scope.organization == actor.organization
    if scope.organization is not None and not own:
        return Verdict.HIDDEN
    return Verdict.ALLOW if own and action in _COORDINATOR_OWN_ORG else Verdict.FORBIDDEN


def judge_organization_plans(actor: Actor, action: Action, scope: Scope) -> Verdict:
    """An organisation's plans as a whole: listing them, creating one.

    The organisation is visible to every role of its municipality (a coordinator lists
    them all), so its plans cannot be hidden from one who sees it: a coordinator asking
    for another organisation's plans is forbidden, not told the organisation is missing.
    """
    organization = judge(actor, Action.READ_ORGANIZATION, Scope(municipality=scope.municipality))
    if organization is Verdict.HIDDEN:
        return Verdict.HIDDEN
    verdict = judge(actor, action, scope)
    return Verdict.FORBIDDEN if verdict is Verdict.HIDDEN else verdict


def sees_personal_data(actor: Actor, organization: str, municipality: str) -> bool:
    """Coordinator contact data: the central role, and the organisation's own coordinators."""
    if actor.role is Role.SYSTEM:
        return True
    if actor.municipality != municipality:
        return False
    return actor.role is Role.CENTRAL or (
        actor.role is Role.COORDINATOR and actor.organization == organization
    )


def sees_confidential_situation(actor: Actor, organization: str, municipality: str) -> bool:
    """A situation picture marked confidential: the same circle as personal data."""
    return sees_personal_data(actor, organization, municipality)
