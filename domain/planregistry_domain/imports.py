"""An import proposal: what a document would become, for a person to review first.

The wire type of `planregistry.importing`, here so that the client can decode it.

Its apply part is the library's own write commands (`CreateRevision`, `UpdateRevision`,
`PutSection`, `PutSituation`, `CreateActivity`), so applying it runs the same `Registry`
use cases as any draft edited by hand. Beside them: where each part came from, the
passages whose Swedish letters were restored (with the text as read), and findings —
what could not be placed, with its page and line.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from msgspec import Struct, field

from planregistry_domain.commands import CreateActivity, PutSection, PutSituation


class SourceFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"
    OCR_TEXT = "ocr_text"


class Location(Struct, frozen=True, kw_only=True):
    page: int | None = None
    line: int | None = None


class Restoration(Struct, frozen=True, kw_only=True):
    """A passage whose Swedish letters were restored, with the text as it was read."""

    location: Location
    original: str
    restored: str


class FindingCode(StrEnum):
    UNPLACED_TEXT = "unplaced_text"  # text outside any section
    TEXT_BESIDE_TABLE = "text_beside_table"
    INCOMPLETE_ROW = "incomplete_row"  # an activity row without a responsible or follow-up
    LEVEL_GUESSED = "level_guessed"
    NO_TITLE = "no_title"
    NO_CYCLE_YEAR = "no_cycle_year"
    NO_SECTIONS = "no_sections"
    NO_ACTIVITIES = "no_activities"
    MISSING_SECTION = "missing_section"  # a required section of the programme is absent
    LETTERS_NOT_RESTORED = "letters_not_restored"


class Finding(Struct, kw_only=True):
    code: FindingCode
    message: str
    location: Location | None = None
    text: str | None = None


class ImportSource(Struct, kw_only=True):
    filename: str
    format: SourceFormat
    sha256: str
    size: int
    pages: int | None = None


class ProposedSection(PutSection, kw_only=True):
    """A section as `PutSection` plus its key: one of the programme's, or the plan's own
    (`own`), with where its heading stood."""

    key: str
    own: bool = False
    location: Location | None = None


class ProposedActivity(CreateActivity, kw_only=True):
    """An activity as `CreateActivity`, with the table row or list item it came from."""

    location: Location | None = None

    def command(self) -> CreateActivity:
        return CreateActivity(
            title=self.title,
            description=self.description,
            level=self.level,
            themes=list(self.themes),
            responsible=self.responsible,
            partners=list(self.partners),
            follow_up_method=self.follow_up_method,
            target_group=self.target_group,
            areas=list(self.areas),
        )


class ImportProposal(Struct, kw_only=True):
    source: ImportSource
    programme_id: str
    title: str | None = None
    version_line: str | None = None
    label: str
    cycle_year: int | None = None
    case_numbers: list[str] = field(default_factory=list)
    scope_exclusions: list[str] = field(default_factory=list)
    priority_areas: list[str] = field(default_factory=list)
    sections: list[ProposedSection] = field(default_factory=list)
    situation: PutSituation | None = None
    activities: list[ProposedActivity] = field(default_factory=list)
    restorations: list[Restoration] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def section_command(self, section: ProposedSection) -> PutSection:
        return PutSection(heading=section.heading, body=section.body)


class PlanImport(Struct, kw_only=True):
    """An uploaded document's proposal as stored; `applied_revision_id` once applied."""

    id: int
    organization_id: str
    source: ImportSource
    proposal: ImportProposal
    created_at: dt.datetime
    created_by: str
    applied_revision_id: int | None = None
    applied_at: dt.datetime | None = None
    applied_by: str | None = None
