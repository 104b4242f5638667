"""A home visit: one VisitEvent holding one ChildOutcome per child (shared/domain/visit-record.md).

Every field a practitioner fills in may be empty in a draft; models/rules.py says what submission
needs. Identity fields (ids, device, author) are set when the draft is made and never change.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from models.base import MAX_REVISION, Shape
from models.concern import ConcernReceived
from models.enums import (
    ArrangementSource,
    ArrangementType,
    AssessedStatus,
    CarerRole,
    ChildCommunication,
    ConsultationMechanism,
    DARoutineEnquiry,
    Interpreter,
    LocationType,
    NoAccessAction,
    ObservationCategory,
    ParentalResponsibility,
    PractitionerRole,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    RecordStatus,
    Relationship,
    SafeguardingConcernNow,
    SeenAloneWhere,
    ServiceContext,
    VisitOutcome,
    VisitPurpose,
    VoiceMethod,
    YesNo,
)

__all__ = [
    "CareArrangement",
    "ChildOutcome",
    "ChildVoice",
    "Observation",
    "PersonPresent",
    "Quote",
    "RelationshipToChild",
    "Visit",
]


class Quote(Shape):
    """The child's own words, verbatim: never a paraphrase (tagged CHILD_SAID on export)."""

    text: str
    context: str = ""  # e.g. "when asked about weekends at dad's"


class ChildVoice(Shape):
    communication: ChildCommunication | None = None
    communication_notes: str = ""
    # When the child talks another language: which, and who interpreted. A family member or
    # other adult is one of the persons present; a professional is named in the notes.
    language: str = ""
    interpreter: Interpreter | None = None
    interpreter_person_id: UUID | None = None
    interpreter_notes: str = ""  # a professional's name or agency; why no independent one
    methods: list[VoiceMethod] = Field(default_factory=list)
    words_verbatim: list[Quote] = Field(default_factory=list)
    wishes_and_feelings: str = ""
    child_told: str = ""
    # Kept apart from the child's words: fact vs opinion [S39][S61].
    practitioner_analysis: str = ""


class Observation(Shape):
    category: ObservationCategory
    text: str = ""
    # For INTERACTION_WITH_CARER: which person present the child was seen with.
    about_person_id: UUID | None = None


class ChildOutcome(Shape):
    child_id: UUID
    date_of_birth: date | None = None  # copied from the caseload: rules for babies need the age
    nhs_number: str | None = None
    child_seen: YesNo | None = None
    reason_not_seen: ReasonNotSeen | None = None
    reason_not_seen_other: str = ""
    other_carer_person_id: UUID | None = None  # required when CHILD_WITH_OTHER_CARER
    other_carer_address: str = ""
    # An absent carer the caseload does not hold: made on the device (like PersonPresent.is_new),
    # never added to persons_present, since they were not there.
    other_carer_is_new: bool = False
    other_carer_name: str = ""
    other_carer_relationship: Relationship | None = None
    seen_alone: YesNo | None = None
    reason_not_seen_alone: ReasonNotSeenAlone | None = None
    reason_not_seen_alone_other: str = ""
    seen_alone_where: SeenAloneWhere | None = None
    child_awake: bool | None = None
    # A baby seen but not awake: why, and the day they will be seen awake (a follow-up).
    not_awake_reason: str = ""
    see_awake_by: date | None = None
    bedroom_seen: bool | None = None
    sleeping_arrangement_seen: bool | None = None
    voice: ChildVoice = Field(default_factory=ChildVoice)
    observations: list[Observation] = Field(default_factory=list)


class RelationshipToChild(Shape):
    child_id: UUID
    relationship: Relationship
    parental_responsibility: ParentalResponsibility | None = None


class PersonPresent(Shape):
    """Everyone present, visitors included [S19][S37]; a new adult is recorded, never skipped."""

    person_id: UUID  # a known person from the caseload, or a new one made on the device
    is_new: bool = False
    name: str = ""
    unidentified_description: str = ""  # when the person will not give details [S19]
    relationships: list[RelationshipToChild] = Field(default_factory=list)
    lives_in_household: bool | None = None
    stays_overnight_regularly: bool | None = None
    role_in_care: CarerRole | None = None


class CareArrangement(Shape):
    """Where the child sleeps and who cares for them, asked at every visit (the Child Ak lesson)."""

    child_id: UUID
    carer_person_id: UUID
    household_id: UUID | None = None
    address: str = ""
    pattern: str = ""  # e.g. "Wed-Fri nights"
    nights_per_week: int | None = Field(default=None, ge=0, le=7)
    start_date: date | None = None
    source: ArrangementSource | None = None
    arrangement_type: ArrangementType | None = None
    assessed: AssessedStatus | None = None
    assessment_ref: str = ""
    checks_done: str = ""
    court_restriction_ref: str = ""


class Visit(Shape):
    # Identity: set once on the device, never amended.
    visit_id: UUID
    organisation_id: str
    practitioner_id: UUID
    practitioner_role: PractitionerRole
    device_id: UUID | None = None
    app_version: str = ""
    created_on_device_at: datetime

    # Life cycle.
    status: RecordStatus = RecordStatus.DRAFT
    # 0 while a draft; 1 when submitted; +1 per amendment.
    revision: int = Field(default=0, ge=0, le=MAX_REVISION)
    submitted_at: datetime | None = None
    recorded_late_reason: str = ""

    # The visit.
    service_context: ServiceContext
    visit_purpose: VisitPurpose | None = None
    planned_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    announced: bool | None = None
    consultation_mechanism: ConsultationMechanism | None = None
    location_type: LocationType | None = None
    location_household_id: UUID | None = None
    location_description: str = ""
    visit_outcome: VisitOutcome | None = None
    no_access_actions: list[NoAccessAction] = Field(default_factory=list)
    no_access_notes: str = ""

    # Who was there, who cares, each child.
    persons_present: list[PersonPresent] = Field(default_factory=list)
    care_arrangements: list[CareArrangement] = Field(default_factory=list)
    children: list[ChildOutcome] = Field(default_factory=list)

    # Concerns and escalation.
    concerns_received: list[ConcernReceived] = Field(default_factory=list)
    safeguarding_concern_now: SafeguardingConcernNow | None = None
    escalation_notes: str = ""
    da_routine_enquiry: DARoutineEnquiry | None = None
    da_follow_up_date: date | None = None
    next_visit_due: date | None = None

    def person(self, person_id: UUID) -> PersonPresent | None:
        return next((p for p in self.persons_present if p.person_id == person_id), None)

    @property
    def child_seen_face_to_face(self) -> list[UUID]:
        """Children who count as seen: face to face and marked seen (judgement: only 01 counts)."""
        if self.consultation_mechanism != ConsultationMechanism.FACE_TO_FACE:
            return []
        return [c.child_id for c in self.children if c.child_seen == YesNo.YES]
