"""planregistry: the registry of local action plans against violent extremism.

>>> from planregistry import Registry
>>> registry = Registry.open("sqlite:///planregistry.sqlite3")
>>> revision = registry.get_revision(1)
"""

from typing import TYPE_CHECKING

from planregistry.domain.actor import SYSTEM, Actor
from planregistry.domain.audit import ApiKey, AuditEntry, IssuedApiKey
from planregistry.domain.commands import (
    CoordinatorInput,
    CreateActivity,
    CreateApiKey,
    CreateMunicipality,
    CreateOrganization,
    CreatePlan,
    CreateReview,
    CreateRevision,
    PoliceAssessmentInput,
    PutSection,
    PutSituation,
    RecordDecision,
    ReportFollowUp,
    SurveyAnswerInput,
    UpdateActivity,
    UpdateOrganization,
    UpdateRevision,
)
from planregistry.domain.comparisons import (
    Basis,
    ComparisonFilter,
    CoverageRow,
    CoverageView,
    FollowUpProgress,
    FollowUpProgressRow,
    PartnerMatrix,
    PartnerMatrixRow,
    PartnerTotal,
    PoliceColumn,
    RevisionRef,
    SituationComparison,
    SituationComparisonRow,
    StatusBoard,
    StatusBoardRow,
    SurveyShare,
)
from planregistry.domain.deadlines import (
    InForceRevision,
    OpenRevision,
    PlanDeadline,
    RevisionState,
)
from planregistry.domain.diff import (
    ActivityChange,
    DateChange,
    FieldChange,
    FlagChange,
    PoliceChange,
    RevisionDiff,
    SectionChange,
    SituationDiff,
    SurveyChange,
    TextChange,
)
from planregistry.domain.model import (
    Activity,
    CompletenessFinding,
    Coordinator,
    Decision,
    FollowUp,
    Municipality,
    Organization,
    Plan,
    PoliceAssessment,
    Review,
    Revision,
    RevisionSummary,
    Section,
    SituationPicture,
    SurveyAnswer,
)
from planregistry.domain.programme import (
    Programme,
    RevisionCycle,
    SectionSpec,
    SurveyQuestion,
    Term,
)
from planregistry.domain.vocabulary import (
    DecisionBody,
    DecisionOutcome,
    EnvironmentActivity,
    FollowUpStatus,
    OrganizationKind,
    RevisionStatus,
    Role,
)
from planregistry.errors import (
    Conflict,
    FieldError,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    PlanRegistryError,
    ReadOnly,
    StaleVersion,
    ValidationError,
)
from planregistry.importing.document import Location, Restoration, SourceFormat
from planregistry.importing.proposal import (
    Finding,
    FindingCode,
    ImportProposal,
    ImportSource,
    PlanImport,
    ProposedActivity,
    ProposedSection,
)

if TYPE_CHECKING:
    from planregistry.registry import Registry

__version__ = "0.1.0"

__all__ = [
    "SYSTEM",
    "Activity",
    "ActivityChange",
    "Actor",
    "ApiKey",
    "AuditEntry",
    "Basis",
    "ComparisonFilter",
    "CompletenessFinding",
    "Conflict",
    "Coordinator",
    "CoordinatorInput",
    "CoverageRow",
    "CoverageView",
    "CreateActivity",
    "CreateApiKey",
    "CreateMunicipality",
    "CreateOrganization",
    "CreatePlan",
    "CreateReview",
    "CreateRevision",
    "DateChange",
    "Decision",
    "DecisionBody",
    "DecisionOutcome",
    "EnvironmentActivity",
    "FieldChange",
    "FieldError",
    "Finding",
    "FindingCode",
    "FlagChange",
    "FollowUp",
    "FollowUpProgress",
    "FollowUpProgressRow",
    "FollowUpStatus",
    "IllegalTransition",
    "ImportProposal",
    "ImportSource",
    "InForceRevision",
    "IssuedApiKey",
    "Location",
    "Municipality",
    "NotFound",
    "OpenRevision",
    "Organization",
    "OrganizationKind",
    "PartnerMatrix",
    "PartnerMatrixRow",
    "PartnerTotal",
    "PermissionDenied",
    "Plan",
    "PlanDeadline",
    "PlanImport",
    "PlanRegistryError",
    "PoliceAssessment",
    "PoliceAssessmentInput",
    "PoliceChange",
    "PoliceColumn",
    "Programme",
    "ProposedActivity",
    "ProposedSection",
    "PutSection",
    "PutSituation",
    "ReadOnly",
    "RecordDecision",
    "Registry",
    "ReportFollowUp",
    "Restoration",
    "Review",
    "Revision",
    "RevisionCycle",
    "RevisionDiff",
    "RevisionRef",
    "RevisionState",
    "RevisionStatus",
    "RevisionSummary",
    "Role",
    "Section",
    "SectionChange",
    "SectionSpec",
    "SituationComparison",
    "SituationComparisonRow",
    "SituationDiff",
    "SituationPicture",
    "SourceFormat",
    "StaleVersion",
    "StatusBoard",
    "StatusBoardRow",
    "SurveyAnswer",
    "SurveyAnswerInput",
    "SurveyChange",
    "SurveyQuestion",
    "SurveyShare",
    "Term",
    "TextChange",
    "UpdateActivity",
    "UpdateOrganization",
    "UpdateRevision",
    "ValidationError",
    "__version__",
]


def __getattr__(name: str) -> object:
    # The Registry pulls in SQLAlchemy, Alembic and every use case; loaded on first use,
    # so that the domain types (the API client, the command's --help) import without it.
    if name == "Registry":
        from planregistry.registry import Registry

        return Registry
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
