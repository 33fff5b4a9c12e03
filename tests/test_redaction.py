"""Personal data and confidential situation pictures, as each actor is shown them.

Coordinators' contact data: the system, the central role and the organisation's own
coordinators see it; anyone else gets `coordinators == []`. A situation picture marked
confidential: the same circle; anyone else gets `SituationPicture(confidential=True,
withheld=True)` with nothing else, everywhere the library returns it.
"""

from __future__ import annotations

import msgspec
import pytest

from planregistry_domain.actor import SYSTEM, Actor
from planregistry_domain.errors import NotFound, ValidationError
from planregistry_domain.model import SituationPicture
from planregistry_domain.policy import Scope
from planregistry_domain.redaction import shown_situation
from tests.world import (
    CENTRAL,
    CONFIDENTIAL_SITUATION,
    COORDINATOR,
    GOTEBORG_CENTRAL,
    OTHER_COORDINATOR,
    OTHER_ORG,
    OWN_ORG,
    READER,
    World,
)

WITHHELD = SituationPicture(confidential=True, withheld=True)
ENTITLED = [SYSTEM, CENTRAL, COORDINATOR]  # for Hässelby-Vällingby's data
NOT_ENTITLED = [READER, OTHER_COORDINATOR]


@pytest.mark.parametrize("actor", ENTITLED, ids=lambda a: a.subject)
def test_the_entitled_see_coordinators_and_confidential_pictures(
    world: World, actor: Actor
) -> None:
    registry = world.registry
    organization = registry.get_organization(OWN_ORG, actor=actor)
    assert [c.name for c in organization.coordinators] == ["Karin Karlsson"]
    situation = registry.get_revision(world.own.approved, actor=actor).situation
    assert situation is not None and situation.summary == CONFIDENTIAL_SITUATION["summary"]
    assert situation.withheld is msgspec.UNSET
    assert "withheld" not in msgspec.to_builtins(situation)


@pytest.mark.parametrize("actor", NOT_ENTITLED, ids=lambda a: a.subject)
def test_others_get_them_withheld(world: World, actor: Actor) -> None:
    registry = world.registry
    own = registry.get_organization(OWN_ORG, actor=actor)
    assert own.coordinators == [] and own.name  # the rest of the organisation is shown
    listed = {o.id: o for o in registry.list_organizations(actor=actor).items}
    assert listed[OWN_ORG].coordinators == []
    if actor is OTHER_COORDINATOR:
        assert listed[OTHER_ORG].coordinators  # its own organisation's, it sees
    if actor is OTHER_COORDINATOR:
        return  # another district's plans it may not even see (tests/test_access.py)
    # The revision in force and the draft copied from it.
    for revision_id in (world.own.approved, world.own.draft):
        assert registry.get_revision(revision_id, actor=actor).situation == WITHHELD
    pages = registry.list_revisions(world.own.plan, actor=actor).items
    assert [r.situation for r in pages] == [WITHHELD, WITHHELD]


def test_the_central_role_sees_its_own_municipality_in_full_and_nothing_elsewhere(
    world: World,
) -> None:
    registry = world.registry
    assert all(o.coordinators for o in registry.list_organizations(actor=CENTRAL).items)
    with pytest.raises(NotFound):
        registry.get_organization(OWN_ORG, actor=GOTEBORG_CENTRAL)
    with pytest.raises(NotFound):
        registry.get_revision(world.own.approved, actor=GOTEBORG_CENTRAL)


def test_a_diff_tells_a_reader_only_that_a_confidential_picture_is_withheld(
    world: World,
) -> None:
    registry = world.registry
    registry.put_situation(
        world.own.draft, {**CONFIDENTIAL_SITUATION, "summary": "Ingen aktiv miljö längre."}
    )
    full = registry.diff_revisions(world.own.approved, world.own.draft, actor=CENTRAL)
    assert full.situation is not None and full.situation.summary is not None
    assert not full.situation.withheld
    diff = registry.diff_revisions(world.own.approved, world.own.draft, actor=READER)
    assert diff.situation is not None and diff.situation.withheld
    assert diff.situation.summary is None and diff.situation.police == []
    assert "Ingen aktiv" not in msgspec.json.encode(diff).decode()
    assert diff.changelog == ["Lägesbilden är sekretessmarkerad; vad som ändrats i den visas inte."]
    # Unchanged or not, a reader is told the same: not even "unchanged" leaks.
    unchanged = registry.diff_revisions(world.own.approved, world.own.approved, actor=READER)
    assert unchanged.situation == diff.situation


def test_becoming_confidential_is_told_but_not_the_content(world: World) -> None:
    registry = world.registry
    registry.put_situation(world.own.draft, {"summary": "Öppen lägesbild."})
    # From the open draft to the confidential revision in force.
    diff = registry.diff_revisions(world.own.draft, world.own.approved, actor=READER)
    assert diff.situation is not None and diff.situation.withheld
    assert diff.situation.confidential is not None and diff.situation.confidential.new
    assert diff.changelog[:2] == [
        "Lägesbilden är nu sekretessmarkerad.",
        "Lägesbilden är sekretessmarkerad; vad som ändrats i den visas inte.",
    ]


def test_comparisons_and_completeness_follow_the_same_rule(world: World) -> None:
    registry = world.registry
    for actor, withheld in ((READER, True), (COORDINATOR, False), (CENTRAL, False)):
        rows = {r.organization_id: r for r in registry.situation_comparison(actor=actor).rows}
        assert rows[OWN_ORG].withheld is withheld
        assert (rows[OWN_ORG].police == []) is withheld
    # Completeness reads the picture to judge it, and reports no content.
    assert registry.completeness(world.own.draft, actor=READER) == registry.completeness(
        world.own.draft
    )


def test_the_backup_is_whole_and_a_withheld_document_cannot_be_restored(world: World) -> None:
    registry = world.registry
    document = registry.export_document()
    assert all(o.coordinators for o in document.organizations)
    assert all(
        r.situation is not None and r.situation.summary and r.situation.withheld is msgspec.UNSET
        for r in document.revisions
    )
    redacted = msgspec.structs.replace(
        document,
        revisions=[
            msgspec.structs.replace(r, situation=WITHHELD) if r.id == world.own.approved else r
            for r in document.revisions
        ],
    )
    with pytest.raises(ValidationError, match="undanhållna lägesbilder"):
        registry.import_document(redacted)


def test_a_picture_as_read_can_be_sent_back_as_it_is(world: World) -> None:
    registry = world.registry
    situation = registry.get_revision(world.own.draft, actor=COORDINATOR).situation
    assert situation is not None
    sent = msgspec.to_builtins(situation)
    stored = registry.put_situation(world.own.draft, sent, actor=COORDINATOR)
    assert stored.value == situation


def test_withholding_is_pure_and_keeps_the_type() -> None:
    picture = msgspec.convert(CONFIDENTIAL_SITUATION, SituationPicture)
    scope = Scope(municipality="stockholm", organization=OWN_ORG)
    assert shown_situation(READER, picture, scope) == WITHHELD
    assert shown_situation(COORDINATOR, picture, scope) is picture
    assert shown_situation(READER, None, scope) is None
    open_picture = msgspec.structs.replace(picture, confidential=False)
    assert shown_situation(READER, open_picture, scope) is open_picture
    msgspec.convert(msgspec.to_builtins(WITHHELD), SituationPicture)  # still a valid value
