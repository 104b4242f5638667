"""Plain words for every code the screens offer as a choice, in one place (models.words says how
they are looked up)."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from mobile.services.shapes import ChildFlag
from models.caseload import ContactRestriction
from models.enums import (
    AssessedStatus,
    CarerRole,
    ChildCommunication,
    ConcernChannel,
    ConsultationMechanism,
    ContactRestrictionType,
    DARoutineEnquiry,
    Interpreter,
    LocationType,
    NoAccessAction,
    ParentalResponsibility,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    Relationship,
    SafeguardingConcernNow,
    SeenAloneWhere,
    VisitOutcome,
    VisitPurpose,
    VoiceMethod,
)
from models.escalation import EscalationMethod
from models.flags import FlagKind
from models.oversight import ActBy, Urgency
from models.receipt import SyncState
from models.words import Words

__all__ = ["choices", "counted", "label", "restriction_words", "waiting_words"]

E = TypeVar("E", bound=Enum)

_WORDS_LIST: list[tuple[Enum, str]] = [
    (ConsultationMechanism.FACE_TO_FACE, "Face to face"),
    (ConsultationMechanism.TELEPHONE, "Telephone"),
    (ConsultationMechanism.TALK_TYPE, "Typed conversation (for hearing loss)"),
    (ConsultationMechanism.TEXT, "Text message"),
    (ConsultationMechanism.INSTANT_MESSAGING, "Instant messaging"),
    (ConsultationMechanism.VIDEO, "Video call"),
    (ConsultationMechanism.OTHER, "Other"),
    (LocationType.PATIENT_HOME, "Child's home"),
    (LocationType.CARER_HOME, "A carer's home"),
    (LocationType.OTHER_PATIENT_RELATED, "Another family address"),
    (LocationType.CHILDRENS_CENTRE, "Children's centre"),
    (LocationType.SCHOOL, "School"),
    (LocationType.NURSERY, "Nursery"),
    (LocationType.HEALTH_CENTRE, "Health centre"),
    (LocationType.STREET_OR_PUBLIC, "Street or public place"),
    (LocationType.OTHER, "Somewhere else"),
    (VisitOutcome.COMPLETED, "Completed"),
    (VisitOutcome.COMPLETED_NOT_ALL_CHILDREN_SEEN, "Completed, not all children seen"),
    (VisitOutcome.NO_ACCESS_NO_ANSWER, "No access: no answer"),
    (VisitOutcome.REFUSED_ENTRY, "No access: refused entry"),
    (VisitOutcome.FAMILY_NOT_AT_ADDRESS_OR_MOVED, "Family not at address or moved"),
    (VisitOutcome.CANCELLED_BY_FAMILY, "Cancelled by the family"),
    (VisitOutcome.CANCELLED_BY_SERVICE, "Cancelled by the service"),
    (VisitOutcome.ABANDONED_WORKER_SAFETY, "Left for my safety"),
    (VisitOutcome.CHILD_WAS_NOT_BROUGHT, "Child was not brought"),
    (NoAccessAction.CHECKED_WITH_SCHOOL_OR_HV, "Checked with school or health visitor"),
    (NoAccessAction.POLICE_WELFARE_CHECK, "Asked police for a welfare check"),
    (NoAccessAction.CARD_LEFT, "Left a card"),
    (NoAccessAction.LOOKED_FOR_MOVEMENT, "Looked for movement"),
    (NoAccessAction.PHONED_FAMILY, "Phoned family"),
    (NoAccessAction.KNOCKED_BACK_DOOR, "Knocked at the back door"),
    (NoAccessAction.DISCUSSED_WITH_MANAGER, "Discussed with my manager"),
    (VisitPurpose.STATUTORY_VISIT, "Statutory visit"),
    (VisitPurpose.ASSESSMENT_VISIT, "Assessment visit"),
    (VisitPurpose.S47_VISIT, "Child protection enquiry (section 47)"),
    (VisitPurpose.HCP_ANTENATAL, "Health visitor: antenatal contact"),
    (VisitPurpose.HCP_NEW_BIRTH, "Health visitor: new birth visit"),
    (VisitPurpose.HCP_6_8_WEEK, "Health visitor: 6 to 8 week review"),
    (VisitPurpose.HCP_12_MONTH, "Health visitor: 1 year review"),
    (VisitPurpose.HCP_2_TO_2_5_YEAR, "Health visitor: 2 to 2 and a half year review"),
    (VisitPurpose.ADDITIONAL_CONTACT, "Additional contact"),
    (VisitPurpose.CORE_GROUP, "Core group meeting"),
    (ReasonNotSeen.CHILD_WITH_OTHER_CARER, "With another carer"),
    (ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY, "At school or nursery"),
    (ReasonNotSeen.CHILD_ASLEEP_NOT_WOKEN, "Asleep, not woken"),
    (ReasonNotSeen.REFUSED_BY_PARENT_CARER, "Parent or carer refused"),
    (ReasonNotSeen.NO_ACCESS, "No access"),
    (ReasonNotSeen.CHILD_IN_HOSPITAL, "In hospital"),
    (ReasonNotSeen.CHILD_DECLINED, "Did not want to be seen"),
    (ReasonNotSeen.WHEREABOUTS_UNKNOWN, "Nobody knows where they are"),
    (ReasonNotSeen.WORKER_SAFETY, "Not safe for me to stay"),
    (ReasonNotSeen.VISIT_CANCELLED, "The visit was cancelled"),
    (ReasonNotSeen.OTHER, "Another reason"),
    (ReasonNotSeenAlone.INAPPROPRIATE_AGE_UNDERSTANDING, "Too young to be seen alone"),
    (ReasonNotSeenAlone.UNABLE_NO_PRIVATE_SPACE, "No private space"),
    (ReasonNotSeenAlone.PARENT_CARER_PREVENTED, "Parent or carer prevented it"),
    (ReasonNotSeenAlone.COMMUNICATION_NEED_NO_INTERPRETER, "Needed an interpreter, none there"),
    (ReasonNotSeenAlone.CHILD_REFUSED, "The child did not want to"),
    (ReasonNotSeenAlone.CHILD_DISTRESSED, "The child was too upset"),
    (ReasonNotSeenAlone.OTHER, "Another reason"),
    (SeenAloneWhere.CHILD_BEDROOM, "Child's bedroom"),
    (SeenAloneWhere.OTHER_ROOM_HOME, "Another room at home"),
    (SeenAloneWhere.SCHOOL_NURSERY, "School or nursery"),
    (SeenAloneWhere.COMMUNITY_OR_CAR, "Out and about, or in the car"),
    (SeenAloneWhere.OFFICE, "At the office"),
    (SeenAloneWhere.OTHER, "Somewhere else"),
    (ChildCommunication.VERBAL_ENGLISH, "Talks (English)"),
    (ChildCommunication.VERBAL_OTHER_LANGUAGE, "Talks (another language)"),
    (ChildCommunication.PRE_VERBAL, "Not talking yet (pre-verbal)"),
    (ChildCommunication.NON_VERBAL_AAC, "Non-verbal (uses aids)"),
    (ChildCommunication.BSL, "British Sign Language"),
    (Interpreter.NOT_USED, "No interpreter"),
    (Interpreter.PROFESSIONAL, "A professional interpreter"),
    (Interpreter.FAMILY_MEMBER, "A family member"),
    (Interpreter.OTHER_ADULT, "Another adult, not family"),
    (ContactRestrictionType.SUPERVISED_ONLY, "Supervised contact only"),
    (ContactRestrictionType.NO_CONTACT, "No contact"),
    (ContactRestrictionType.CONDITIONS, "Contact on conditions"),
    (VoiceMethod.OBSERVATION_ONLY, "Observation only"),
    (VoiceMethod.ECOMAP_WITH_CHILD, "Ecomap with the child"),
    (VoiceMethod.CONVERSATION, "Conversation"),
    (VoiceMethod.THREE_HOUSES, "Three houses"),
    (VoiceMethod.WIZARD_AND_FAIRY, "Wizard and fairy"),
    (VoiceMethod.MY_WORLD_TRIANGLE, "My world triangle"),
    (VoiceMethod.IN_MY_WORLD, "In my world"),
    (VoiceMethod.SCALING, "Scaling questions"),
    (VoiceMethod.FEELINGS_FACES_CARDS, "Feelings faces or cards"),
    (VoiceMethod.DRAWING, "Drawing"),
    (VoiceMethod.PLAY, "Play"),
    (VoiceMethod.LIFE_STORY, "Life story work"),
    (VoiceMethod.DIGITAL_APP, "An app or online tool"),
    (VoiceMethod.OTHER, "Another way"),
    (SafeguardingConcernNow.NONE, "None"),
    (SafeguardingConcernNow.CONCERN_DISCUSSED_WITH_MANAGER, "Discussed with my manager"),
    (SafeguardingConcernNow.REFERRAL_MADE, "Referral made"),
    (SafeguardingConcernNow.IMMEDIATE_PROTECTION, "Immediate protection needed"),
    (SafeguardingConcernNow.POLICE_CALLED, "Police called"),
    (DARoutineEnquiry.ASKED_ALONE, "Asked, in private"),
    (DARoutineEnquiry.NOT_ASKED_OTHER_ADULT_PRESENT, "Not asked: another adult there"),
    (DARoutineEnquiry.NOT_ASKED_INTERPRETER_IS_FAMILY, "Not asked: interpreter is family"),
    (DARoutineEnquiry.NOT_ASKED_OTHER, "Not asked: another reason"),
    (Relationship.MOTHER, "Mother"),
    (Relationship.FATHER, "Father"),
    (Relationship.STEP_PARENT, "Step-parent"),
    (Relationship.SIBLING, "Brother or sister"),
    (Relationship.HALF_SIBLING, "Half-brother or half-sister"),
    (Relationship.GRANDPARENT, "Grandparent"),
    (Relationship.OTHER_RELATIVE, "Another relative"),
    (Relationship.FRIEND_OF_FAMILY, "Family friend"),
    (Relationship.LODGER, "Lodger"),
    (Relationship.FOSTER_CARER, "Foster carer"),
    (Relationship.CONNECTED_PERSON, "Family or friends carer"),
    (Relationship.PROFESSIONAL, "A professional"),
    (Relationship.INTERPRETER, "Interpreter"),
    (Relationship.UNKNOWN, "Not known yet"),
    (Relationship.MOTHER_PARTNER, "Mother's partner"),
    (Relationship.FATHER_PARTNER, "Father's partner"),
    (ParentalResponsibility.MOTHER, "Yes: birth mother"),
    (ParentalResponsibility.FATHER_MARRIED_AT_BIRTH, "Yes: father, married at birth"),
    (
        ParentalResponsibility.FATHER_REGISTERED_ON_BIRTH_CERT_POST_1_DEC_2003,
        ("Yes: father on birth certificate"),
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
    (CarerRole.NONE, "Does not care for the children"),
    (AssessedStatus.NOT_ASSESSED, "Not assessed"),
    (AssessedStatus.ASSESSMENT_IN_PROGRESS, "Assessment in progress"),
    (AssessedStatus.ASSESSED, "Assessed"),
    (ConcernChannel.IN_PERSON_AT_VISIT, "In person, at this visit"),
    (ConcernChannel.TEXT_EMAIL, "Text or email"),
    (ConcernChannel.PHONE, "By phone"),
    (ConcernChannel.LETTER, "By letter"),
    (EscalationMethod.PHONE, "Phone call"),
    (EscalationMethod.IN_PERSON, "In person"),
    (EscalationMethod.MESSAGE, "Message"),
    (EscalationMethod.EMAIL, "Email"),
    (EscalationMethod.OTHER, "Another way"),
    (ChildFlag.NOT_SEEN_LAST_VISIT, "Not seen last visit"),
    (ChildFlag.CONCERN_AWAITING_ACK, "Concern to acknowledge"),
    (ChildFlag.ESCALATION_PENDING, "Escalation not yet sent"),
    (ChildFlag.UNASSESSED_CARER, "Unassessed carer"),
    (ChildFlag.CONTACT_RESTRICTION, "Contact restriction"),
    (ChildFlag.OVERDUE, "Overdue"),
    # The central record's flags: one line each, what a practitioner would say.
    (FlagKind.CHILD_NOT_SEEN, "Not seen at the last visit"),
    (FlagKind.PREVENTED_FROM_SEEING_ALONE, "Prevented from seeing the child alone"),
    (FlagKind.SAFEGUARDING_CONCERN_NOW, "Safeguarding concern recorded at a visit"),
    (FlagKind.RESTRICTED_ADULT_CARING, "Restricted adult with the child"),
    (FlagKind.NOT_SEEN_ALONE, "Not seen alone for several visits"),
    (FlagKind.VISIT_OVERDUE, "Visit overdue"),
    (FlagKind.NOT_SEEN_OVERDUE, "Visited but not seen for too long"),
    (FlagKind.DECISION_DEADLINE_MISSED, "Not seen in time after a decision"),
    (FlagKind.ASSESSMENT_NEARING_LIMIT, "Assessment nearing its time limit"),
    (FlagKind.ASSESSMENT_PAST_LIMIT, "Assessment past its time limit"),
    (FlagKind.UNASSESSED_CARE, "Carer not assessed"),
    (FlagKind.CONCERN_UNACKNOWLEDGED, "Concern not acknowledged"),
    (FlagKind.LINKED_ADULT_SEEN, "Linked adult seen elsewhere"),
    (FlagKind.BABY_NOT_SEEN_AWAKE, "Baby not yet seen awake"),
    (Urgency.URGENT, "Urgent"),
    (Urgency.HIGH, "High"),
    (Urgency.ROUTINE, "Routine"),
    (ActBy.WORKER, "The allocated worker"),
    (ActBy.MANAGER, "The team manager"),
    (SyncState.PENDING, "Waiting to send"),
    (SyncState.SENT, "Sent, waiting for receipt"),
    (SyncState.ACKNOWLEDGED, "Acknowledged"),
    (SyncState.REJECTED, "Rejected"),
    (SyncState.CONFLICT, "Needs attention"),
]
label = Words(_WORDS_LIST)


def choices(enum: type[E], *, exclude: tuple[E, ...] = ()) -> list[tuple[str, str]]:
    """(code, words) pairs in the enum's order, for a dropdown or a set of radio buttons."""
    return [(str(member.value), label(member)) for member in enum if member not in exclude]


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """ "1 record", "2 records", "0 records": every count on a screen goes through here."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def waiting_words(number: int) -> str:
    """The caseload and the Sync screen say the same number in the same words."""
    return f"{counted(number, 'record')} waiting for the central record"


def restriction_words(r: ContactRestriction, who: str, child: str) -> str:
    """One restriction, said the same on the child's screen and in the recorder's warning:
    "Contact restriction on Dan Bell with Ana Bell: supervised contact only (court order, until
    01 June 2027)." """
    until = f"until {r.expires_on:%d %B %Y}" if r.expires_on else "with no end date"
    source = r.source.strip() or "source not recorded"
    kind = label(r.restriction_type).lower()
    return f"Contact restriction on {who} with {child}: {kind} ({source}, {until})."
