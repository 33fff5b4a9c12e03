"""What an actor is shown of what it may read: personal data and confidential pictures.

The library applies these to everything it returns, so every caller (HTTP, CLI,
scripts) gets the same. Redacted values stay valid values of their types:

- an organisation's `coordinators` (names, e-mails, phone numbers) become an empty list
  for those not entitled to personal data;
- a situation picture marked `confidential` becomes `SituationPicture(confidential=True,
  withheld=True)` with every other field empty for those not entitled to it;
- a diff touching such a picture tells only that it was added or removed and whether
  its confidentiality changed (`SituationDiff.withheld`), never what changed inside.
"""

from __future__ import annotations

from typing import overload

from msgspec import structs

from planregistry_domain.actor import Actor
from planregistry_domain.diff import SituationDiff
from planregistry_domain.model import Organization, Revision, SituationPicture
from planregistry_domain.policy import Scope, sees_confidential_situation, sees_personal_data


def shown_organization(actor: Actor, organization: Organization) -> Organization:
    if not organization.coordinators or sees_personal_data(
        actor, organization.id, organization.municipality
    ):
        return organization
    return structs.replace(organization, coordinators=[])


def situation_withheld(actor: Actor, situation: SituationPicture | None, scope: Scope) -> bool:
    """Whether `situation` (of a revision living at `scope`) is hidden from `actor`."""
    if situation is None or not situation.confidential:
        return False
    return not sees_confidential_situation(
        actor, scope.organization or "", scope.municipality or ""
    )


@overload
def shown_situation(
    actor: Actor, situation: SituationPicture, scope: Scope
) -> SituationPicture: ...
@overload
def shown_situation(actor: Actor, situation: None, scope: Scope) -> None: ...
@overload
def shown_situation(
    actor: Actor, situation: SituationPicture | None, scope: Scope
) -> SituationPicture | None: ...
def shown_situation(
    actor: Actor, situation: SituationPicture | None, scope: Scope
) -> SituationPicture | None:
    if situation is None or not situation_withheld(actor, situation, scope):
        return situation
    return SituationPicture(confidential=True, withheld=True)


def shown_revision(actor: Actor, revision: Revision, scope: Scope) -> Revision:
    if not situation_withheld(actor, revision.situation, scope):
        return revision
    return structs.replace(revision, situation=shown_situation(actor, revision.situation, scope))


def shown_situation_diff(
    actor: Actor,
    diff: SituationDiff | None,
    old: SituationPicture | None,
    new: SituationPicture | None,
    scope: Scope,
) -> SituationDiff | None:
    """The situation part of a diff between `old` and `new`, as `actor` may see it.

    When either side is withheld the answer is the same whether or not anything inside
    changed, so that not even "unchanged" leaks.
    """
    if not (situation_withheld(actor, old, scope) or situation_withheld(actor, new, scope)):
        return diff
    return SituationDiff(
        added=old is None,
        removed=new is None,
        withheld=True,
        confidential=diff.confidential if diff is not None else None,
    )
