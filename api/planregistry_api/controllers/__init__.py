"""One Litestar controller per resource, mounted under /api/v1 by `planregistry_api.app`."""

from __future__ import annotations

from litestar import Controller

from planregistry_api.controllers.activities import ActivityController
from planregistry_api.controllers.actor_register import (
    ActorRegisterController,
    PlanActorController,
)
from planregistry_api.controllers.api_keys import ApiKeyController
from planregistry_api.controllers.audit import AuditController
from planregistry_api.controllers.board_decisions import (
    BoardDecisionController,
    ConditionController,
)
from planregistry_api.controllers.content import ContentController
from planregistry_api.controllers.decisions import DecisionController
from planregistry_api.controllers.documents import DocumentController
from planregistry_api.controllers.follow_ups import FollowUpController
from planregistry_api.controllers.health import HealthController
from planregistry_api.controllers.organizations import OrganizationController
from planregistry_api.controllers.plan_imports import PlanImportController
from planregistry_api.controllers.plans import PlanController
from planregistry_api.controllers.programmes import ProgrammeController
from planregistry_api.controllers.reviews import ReviewController
from planregistry_api.controllers.revisions import RevisionController

CONTROLLERS: list[type[Controller]] = [
    HealthController,
    ProgrammeController,
    OrganizationController,
    PlanController,
    RevisionController,
    ContentController,
    ActivityController,
    FollowUpController,
    DecisionController,
    ReviewController,
    AuditController,
    ApiKeyController,
    PlanImportController,
    DocumentController,
    ActorRegisterController,
    PlanActorController,
    BoardDecisionController,
    ConditionController,
]
