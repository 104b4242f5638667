"""Plain words for the codes the console shows, on every page (a child's chronology, the flags,
the forms): the app has its own list (mobile/ui/viewmodels/labels.py); models.words says how
both are looked up."""

from __future__ import annotations

from datetime import date
from enum import Enum

from models.enums import (
    AssessedStatus,
    CarerRole,
    ConcernChannel,
    ConsultationMechanism,
    ContactRestrictionType,
    ParentalResponsibility,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    Relationship,
    SafeguardingConcernNow,
    ServiceContext,
    VisitOutcome,
)
from models.escalation import EscalationMethod
from models.flags import FlagKind
from models.oversight import DecisionKind, FlagAction
from models.words import Words

__all__ = ["code_label", "day", "label", "path_words"]

_WORDS_LIST: list[tuple[Enum, str]] = [
    (ServiceContext.CP_PLAN, "Child protection plan"),
    (ServiceContext.CIN_PLAN, "Child in need plan"),
    (ServiceContext.CLA, "Looked after child"),
    (ServiceContext.ASSESSMENT_S17, "Assessment (section 17)"),
    (ServiceContext.S47_ENQUIRY, "Child protection enquiry (section 47)"),
    (ServiceContext.HCP_UNIVERSAL, "Health visiting: universal"),
    (ServiceContext.HCP_UNIVERSAL_PLUS, "Health visiting: universal plus"),
    (ServiceContext.HCP_PARTNERSHIP_PLUS, "Health visiting: partnership plus"),
    (ConsultationMechanism.FACE_TO_FACE, "Face to face"),
    (ConsultationMechanism.TELEPHONE, "Telephone"),
    (ConsultationMechanism.TEXT, "Text message"),
    (ConsultationMechanism.VIDEO, "Video call"),
    (VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN, "Completed, not all children seen"),
    (VisitOutcome.NO_ACCESS_NO_ANSWER, "No access: no answer"),
    (VisitOutcome.REFUSED_ENTRY, "No access: refused entry"),
    (VisitOutcome.ABANDONED_WORKER_SAFETY, "Left for the worker's safety"),
    (ReasonNotSeen.CHILD_WITH_OTHER_CARER, "With another carer"),
    (ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY, "At school or nursery"),
    (ReasonNotSeen.CHILD_ASLEEP_NOT_WOKEN, "Asleep, not woken"),
    (ReasonNotSeen.REFUSED_BY_PARENT_CARER, "Parent or carer refused"),
    (ReasonNotSeen.OTHER, "Another reason"),
    (ReasonNotSeenAlone.INAPPROPRIATE_AGE_UNDERSTANDING, "Too young to be seen alone"),
    (ReasonNotSeenAlone.UNABLE_NO_PRIVATE_SPACE, "No private space"),
    (ReasonNotSeenAlone.PARENT_CARER_PREVENTED, "Parent or carer prevented it"),
    (ReasonNotSeenAlone.COMMUNICATION_NEED_NO_INTERPRETER, "Needed an interpreter, none there"),
    (ReasonNotSeenAlone.OTHER, "Another reason"),
    (SafeguardingConcernNow.CONCERN_DISCUSSED_WITH_MANAGER, "Discussed with the manager"),
    (ContactRestrictionType.SUPERVISED_ONLY, "Supervised contact only"),
    (ContactRestrictionType.CONDITIONS, "Contact on conditions"),
    (Relationship.MOTHER_PARTNER, "Mother's partner"),
    (Relationship.FATHER_PARTNER, "Father's partner"),
    (ParentalResponsibility.MOTHER, "Yes: birth mother"),
    (ParentalResponsibility.FATHER_MARRIED_AT_BIRTH, "Yes: father, married at birth"),
    (
        ParentalResponsibility.FATHER_REGISTERED_ON_BIRTH_CERT_POST_1_DEC_2003,
        "Yes: father on birth certificate",
    ),
    (ParentalResponsibility.PR_AGREEMENT_OR_ORDER, "Yes: agreement or court order"),
    (ParentalResponsibility.CHILD_ARRANGEMENTS_ORDER_LIVES_WITH, "Yes: child arrangements order"),
    (ParentalResponsibility.SPECIAL_GUARDIAN, "Yes: special guardian"),
    (ParentalResponsibility.LA_SHARED_CARE_ORDER, "Shared with the local authority"),
    (ParentalResponsibility.NO_PR, "No"),
    (ParentalResponsibility.UNKNOWN, "Not known yet"),
    (CarerRole.PRIMARY_CARER, "Main carer"),
    (CarerRole.SHARED_CARER, "Shares the care"),
    (CarerRole.OCCASIONAL_CARER, "Cares sometimes"),
    (CarerRole.NONE, "Does not care for the child"),
    (AssessedStatus.ASSESSMENT_IN_PROGRESS, "Assessment in progress"),
    (ConcernChannel.IN_PERSON_AT_VISIT, "In person, at a visit"),
    (ConcernChannel.TEXT_EMAIL, "Text or email"),
    (EscalationMethod.IN_PERSON, "In person"),
    (FlagKind.CHILD_NOT_SEEN, "Child not seen at a visit"),
    (FlagKind.PREVENTED_FROM_SEEING_ALONE, "Prevented from seeing the child alone"),
    (FlagKind.SAFEGUARDING_CONCERN_NOW, "Safeguarding concern recorded at a visit"),
    (FlagKind.RESTRICTED_ADULT_CARING, "A restricted adult is caring for the child"),
    (FlagKind.NOT_SEEN_ALONE, "Not seen alone for several visits"),
    (FlagKind.NOT_SEEN_OVERDUE, "Visited but not seen for too long"),
    (FlagKind.DECISION_DEADLINE_MISSED, "Not seen in time after a decision"),
    (FlagKind.ASSESSMENT_NEARING_LIMIT, "Assessment nearing its time limit"),
    (FlagKind.ASSESSMENT_PAST_LIMIT, "Assessment past its time limit"),
    (FlagKind.UNASSESSED_CARE, "Care arrangement not assessed"),
    (FlagKind.LINKED_ADULT_SEEN, "A linked adult was seen elsewhere"),
    (FlagKind.BABY_NOT_SEEN_AWAKE, "Baby not yet seen awake"),
    (FlagKind.CONCERN_UNACKNOWLEDGED, "Concern not acknowledged"),
    (FlagAction.URGENCY_CHANGED, "Urgency changed"),
    (FlagAction.CLEARED, "Cleared: the reason for it ended"),
    (FlagAction.REOPENED, "Opened again"),
    (FlagAction.CONDITION_ENDED, "The reason for it ended"),
    (DecisionKind.REFERRAL, "Referral received"),
    (DecisionKind.S47_DECISION, "Decision to make child protection enquiries (section 47)"),
    (DecisionKind.ICPC, "Initial child protection conference"),
    (DecisionKind.ASSESSMENT_AUTHORISED, "Assessment completed and authorised"),
    (DecisionKind.CONTEXT_CHANGED, "Change of plan"),
]
label = Words(_WORDS_LIST)


def day(value: date) -> str:
    """A day as the pages say it: "6 February 2026"."""
    return f"{value.day} {value:%B %Y}"


def code_label(enum: type[Enum], code: str | None, *, empty: str = "") -> str:
    """A stored code's words; a code the enum does not know is shown as it is."""
    if not code:
        return empty
    try:
        return label(enum(code))
    except ValueError:
        return code


def path_words(path: str) -> str:
    """An amended field's dotted path in words: "children.0.voice.wishes_and_feelings" is
    "children, item 1, voice, wishes and feelings"."""
    parts = []
    for part in path.split("."):
        if part.isdigit():
            parts.append(f"item {int(part) + 1}")
        else:
            parts.append(part.replace("_", " "))
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]
