"""The enumerations of a home-visit record (shared/domain/visit-record.md).

Codes are stable strings: they travel on the wire and sit in both databases, so a value may be added
but never renamed.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "ArrangementSource",
    "ArrangementType",
    "AssessedStatus",
    "CarerRole",
    "ChildCommunication",
    "ConcernChannel",
    "ConsultationMechanism",
    "ContactRestrictionType",
    "DARoutineEnquiry",
    "Interpreter",
    "LocationType",
    "NoAccessAction",
    "ObservationCategory",
    "ParentalResponsibility",
    "PractitionerRole",
    "ReasonNotSeen",
    "ReasonNotSeenAlone",
    "RecordStatus",
    "Relationship",
    "SafeguardingConcernNow",
    "SeenAloneWhere",
    "ServiceContext",
    "VisitOutcome",
    "VisitPurpose",
    "VoiceMethod",
    "YesNo",
]


class YesNo(StrEnum):
    # "Unknown" is deliberately absent: a practitioner on the doorstep always knows (judgement).
    YES = "YES"
    NO = "NO"


class PractitionerRole(StrEnum):
    SOCIAL_WORKER = "SOCIAL_WORKER"
    HEALTH_VISITOR = "HEALTH_VISITOR"
    NURSERY_NURSE_DELEGATED = "NURSERY_NURSE_DELEGATED"
    FAMILY_SUPPORT = "FAMILY_SUPPORT"
    STUDENT = "STUDENT"
    MANAGER = "MANAGER"
    OTHER = "OTHER"


class ServiceContext(StrEnum):
    CP_PLAN = "CP_PLAN"
    CIN_PLAN = "CIN_PLAN"
    CLA = "CLA"
    PRIVATE_FOSTERING = "PRIVATE_FOSTERING"
    ASSESSMENT_S17 = "ASSESSMENT_S17"
    S47_ENQUIRY = "S47_ENQUIRY"
    EARLY_HELP = "EARLY_HELP"
    HCP_UNIVERSAL = "HCP_UNIVERSAL"
    HCP_UNIVERSAL_PLUS = "HCP_UNIVERSAL_PLUS"
    HCP_PARTNERSHIP_PLUS = "HCP_PARTNERSHIP_PLUS"


class VisitPurpose(StrEnum):
    STATUTORY_VISIT = "STATUTORY_VISIT"
    ASSESSMENT_VISIT = "ASSESSMENT_VISIT"
    S47_VISIT = "S47_VISIT"
    HCP_ANTENATAL = "HCP_ANTENATAL"
    HCP_NEW_BIRTH = "HCP_NEW_BIRTH"
    HCP_6_8_WEEK = "HCP_6_8_WEEK"
    HCP_12_MONTH = "HCP_12_MONTH"
    HCP_2_TO_2_5_YEAR = "HCP_2_TO_2_5_YEAR"
    ADDITIONAL_CONTACT = "ADDITIONAL_CONTACT"
    CORE_GROUP = "CORE_GROUP"  # a core group meeting is not a statutory visit [S11][S12]


class ConsultationMechanism(StrEnum):
    """NHS Data Dictionary CONSULTATION MECHANISM [S30]; only face to face counts as 'seen'."""

    FACE_TO_FACE = "01"
    TELEPHONE = "02"
    TALK_TYPE = "04"
    TEXT = "09"
    INSTANT_MESSAGING = "10"
    VIDEO = "11"
    OTHER = "98"


class LocationType(StrEnum):
    """NHS Activity Location Type [S31]."""

    PATIENT_HOME = "A01"
    CARER_HOME = "A02"
    OTHER_PATIENT_RELATED = "A04"
    CHILDRENS_CENTRE = "K01"
    SCHOOL = "L01"
    NURSERY = "L04"
    HEALTH_CENTRE = "B01"
    STREET_OR_PUBLIC = "N01"
    OTHER = "X01"

    @property
    def is_a_home(self) -> bool:
        return self in (LocationType.PATIENT_HOME, LocationType.CARER_HOME)


class VisitOutcome(StrEnum):
    COMPLETED = "COMPLETED"
    COMPLETED_NOT_ALL_CHILDREN_SEEN = "COMPLETED_NOT_ALL_CHILDREN_SEEN"
    NO_ACCESS_NO_ANSWER = "NO_ACCESS_NO_ANSWER"
    REFUSED_ENTRY = "REFUSED_ENTRY"
    FAMILY_NOT_AT_ADDRESS_OR_MOVED = "FAMILY_NOT_AT_ADDRESS_OR_MOVED"
    CANCELLED_BY_FAMILY = "CANCELLED_BY_FAMILY"
    CANCELLED_BY_SERVICE = "CANCELLED_BY_SERVICE"
    ABANDONED_WORKER_SAFETY = "ABANDONED_WORKER_SAFETY"
    CHILD_WAS_NOT_BROUGHT = "CHILD_WAS_NOT_BROUGHT"

    @property
    def is_no_access(self) -> bool:
        return self in (
            VisitOutcome.NO_ACCESS_NO_ANSWER,
            VisitOutcome.REFUSED_ENTRY,
            VisitOutcome.FAMILY_NOT_AT_ADDRESS_OR_MOVED,
            VisitOutcome.ABANDONED_WORKER_SAFETY,
        )


class NoAccessAction(StrEnum):
    LOOKED_FOR_MOVEMENT = "LOOKED_FOR_MOVEMENT"
    PHONED_FAMILY = "PHONED_FAMILY"
    KNOCKED_BACK_DOOR = "KNOCKED_BACK_DOOR"
    CARD_LEFT = "CARD_LEFT"  # never enough on its own [S18][S19]
    CHECKED_WITH_SCHOOL_OR_HV = "CHECKED_WITH_SCHOOL_OR_HV"
    POLICE_WELFARE_CHECK = "POLICE_WELFARE_CHECK"
    DISCUSSED_WITH_MANAGER = "DISCUSSED_WITH_MANAGER"


class SafeguardingConcernNow(StrEnum):
    NONE = "NONE"
    CONCERN_DISCUSSED_WITH_MANAGER = "CONCERN_DISCUSSED_WITH_MANAGER"
    REFERRAL_MADE = "REFERRAL_MADE"
    IMMEDIATE_PROTECTION = "IMMEDIATE_PROTECTION"
    POLICE_CALLED = "POLICE_CALLED"


class DARoutineEnquiry(StrEnum):
    ASKED_ALONE = "ASKED_ALONE"
    NOT_ASKED_OTHER_ADULT_PRESENT = "NOT_ASKED_OTHER_ADULT_PRESENT"
    NOT_ASKED_INTERPRETER_IS_FAMILY = "NOT_ASKED_INTERPRETER_IS_FAMILY"
    NOT_ASKED_OTHER = "NOT_ASKED_OTHER"


class ReasonNotSeen(StrEnum):
    NO_ACCESS = "NO_ACCESS"
    REFUSED_BY_PARENT_CARER = "REFUSED_BY_PARENT_CARER"
    CHILD_WITH_OTHER_CARER = "CHILD_WITH_OTHER_CARER"
    CHILD_AT_SCHOOL_OR_NURSERY = "CHILD_AT_SCHOOL_OR_NURSERY"
    CHILD_IN_HOSPITAL = "CHILD_IN_HOSPITAL"
    CHILD_ASLEEP_NOT_WOKEN = "CHILD_ASLEEP_NOT_WOKEN"
    CHILD_DECLINED = "CHILD_DECLINED"
    WHEREABOUTS_UNKNOWN = "WHEREABOUTS_UNKNOWN"
    WORKER_SAFETY = "WORKER_SAFETY"
    VISIT_CANCELLED = "VISIT_CANCELLED"
    OTHER = "OTHER"


class ReasonNotSeenAlone(StrEnum):
    CHILD_REFUSED = "CHILD_REFUSED"  # CPPCR reg 29(a)
    INAPPROPRIATE_AGE_UNDERSTANDING = "INAPPROPRIATE_AGE_UNDERSTANDING"  # 29(b)
    UNABLE_NO_PRIVATE_SPACE = "UNABLE_NO_PRIVATE_SPACE"  # 29(c)
    PARENT_CARER_PREVENTED = "PARENT_CARER_PREVENTED"  # must go to a manager [S12]
    COMMUNICATION_NEED_NO_INTERPRETER = "COMMUNICATION_NEED_NO_INTERPRETER"
    CHILD_DISTRESSED = "CHILD_DISTRESSED"
    OTHER = "OTHER"


class SeenAloneWhere(StrEnum):
    CHILD_BEDROOM = "CHILD_BEDROOM"
    OTHER_ROOM_HOME = "OTHER_ROOM_HOME"
    SCHOOL_NURSERY = "SCHOOL_NURSERY"
    COMMUNITY_OR_CAR = "COMMUNITY_OR_CAR"
    OFFICE = "OFFICE"
    OTHER = "OTHER"


class Interpreter(StrEnum):
    """Who interpreted for a child who talks another language: a family member is a prompt (the
    child may not speak freely in front of them), never a silent answer."""

    NOT_USED = "NOT_USED"
    PROFESSIONAL = "PROFESSIONAL"
    FAMILY_MEMBER = "FAMILY_MEMBER"
    OTHER_ADULT = "OTHER_ADULT"


class ChildCommunication(StrEnum):
    VERBAL_ENGLISH = "VERBAL_ENGLISH"
    VERBAL_OTHER_LANGUAGE = "VERBAL_OTHER_LANGUAGE"
    PRE_VERBAL = "PRE_VERBAL"
    NON_VERBAL_AAC = "NON_VERBAL_AAC"
    BSL = "BSL"

    @property
    def is_verbal(self) -> bool:
        return self in (
            ChildCommunication.VERBAL_ENGLISH,
            ChildCommunication.VERBAL_OTHER_LANGUAGE,
            ChildCommunication.BSL,
        )


class VoiceMethod(StrEnum):
    CONVERSATION = "CONVERSATION"
    THREE_HOUSES = "THREE_HOUSES"
    WIZARD_AND_FAIRY = "WIZARD_AND_FAIRY"
    MY_WORLD_TRIANGLE = "MY_WORLD_TRIANGLE"
    IN_MY_WORLD = "IN_MY_WORLD"
    SCALING = "SCALING"
    FEELINGS_FACES_CARDS = "FEELINGS_FACES_CARDS"
    DRAWING = "DRAWING"
    PLAY = "PLAY"
    LIFE_STORY = "LIFE_STORY"
    ECOMAP_WITH_CHILD = "ECOMAP_WITH_CHILD"
    DIGITAL_APP = "DIGITAL_APP"
    OBSERVATION_ONLY = "OBSERVATION_ONLY"
    OTHER = "OTHER"


class ObservationCategory(StrEnum):
    PRESENTATION_HYGIENE_CLOTHING = "PRESENTATION_HYGIENE_CLOTHING"
    INJURY_OR_MARK = "INJURY_OR_MARK"
    DEVELOPMENT = "DEVELOPMENT"
    EMOTIONAL_STATE = "EMOTIONAL_STATE"
    INTERACTION_WITH_CARER = "INTERACTION_WITH_CARER"  # one per carer present, names the person
    HOME_CONDITIONS = "HOME_CONDITIONS"
    SAFE_SLEEP = "SAFE_SLEEP"
    FOOD_AVAILABLE = "FOOD_AVAILABLE"
    HAZARDS = "HAZARDS"  # e.g. accessible drugs or medicines


class Relationship(StrEnum):
    MOTHER = "MOTHER"
    FATHER = "FATHER"
    STEP_PARENT = "STEP_PARENT"
    MOTHER_PARTNER = "MOTHER_PARTNER"
    FATHER_PARTNER = "FATHER_PARTNER"
    SIBLING = "SIBLING"
    HALF_SIBLING = "HALF_SIBLING"
    GRANDPARENT = "GRANDPARENT"
    OTHER_RELATIVE = "OTHER_RELATIVE"
    FRIEND_OF_FAMILY = "FRIEND_OF_FAMILY"
    LODGER = "LODGER"
    FOSTER_CARER = "FOSTER_CARER"
    CONNECTED_PERSON = "CONNECTED_PERSON"
    PROFESSIONAL = "PROFESSIONAL"
    INTERPRETER = "INTERPRETER"
    UNKNOWN = "UNKNOWN"


class ParentalResponsibility(StrEnum):
    MOTHER = "MOTHER"
    FATHER_MARRIED_AT_BIRTH = "FATHER_MARRIED_AT_BIRTH"
    FATHER_REGISTERED_ON_BIRTH_CERT_POST_1_DEC_2003 = (
        "FATHER_REGISTERED_ON_BIRTH_CERT_POST_1_DEC_2003"
    )
    PR_AGREEMENT_OR_ORDER = "PR_AGREEMENT_OR_ORDER"
    CHILD_ARRANGEMENTS_ORDER_LIVES_WITH = "CHILD_ARRANGEMENTS_ORDER_LIVES_WITH"
    SPECIAL_GUARDIAN = "SPECIAL_GUARDIAN"
    LA_SHARED_CARE_ORDER = "LA_SHARED_CARE_ORDER"
    NO_PR = "NO_PR"
    UNKNOWN = "UNKNOWN"


class CarerRole(StrEnum):
    PRIMARY_CARER = "PRIMARY_CARER"
    SHARED_CARER = "SHARED_CARER"
    OCCASIONAL_CARER = "OCCASIONAL_CARER"
    NONE = "NONE"


class ArrangementSource(StrEnum):
    PARENT_REPORT = "PARENT_REPORT"
    CHILD = "CHILD"
    THIRD_PARTY = "THIRD_PARTY"
    OBSERVED = "OBSERVED"


class ArrangementType(StrEnum):
    PARENT_WITH_PR = "PARENT_WITH_PR"
    PARENT_WITHOUT_PR = "PARENT_WITHOUT_PR"
    INFORMAL_KINSHIP = "INFORMAL_KINSHIP"
    PRIVATE_FOSTERING_SUSPECTED = "PRIVATE_FOSTERING_SUSPECTED"
    CONNECTED_PERSON_TEMP_APPROVED = "CONNECTED_PERSON_TEMP_APPROVED"
    FOSTER_PLACEMENT = "FOSTER_PLACEMENT"
    CHILDRENS_HOME = "CHILDRENS_HOME"
    OTHER = "OTHER"


class AssessedStatus(StrEnum):
    NOT_ASSESSED = "NOT_ASSESSED"
    ASSESSMENT_IN_PROGRESS = "ASSESSMENT_IN_PROGRESS"
    ASSESSED = "ASSESSED"


class ContactRestrictionType(StrEnum):
    SUPERVISED_ONLY = "SUPERVISED_ONLY"
    NO_CONTACT = "NO_CONTACT"
    CONDITIONS = "CONDITIONS"


class ConcernChannel(StrEnum):
    PHONE = "PHONE"
    IN_PERSON_AT_VISIT = "IN_PERSON_AT_VISIT"
    TEXT_EMAIL = "TEXT_EMAIL"
    LETTER = "LETTER"


class RecordStatus(StrEnum):
    """draft -> submitted (locked) -> synced; a synced or submitted record may be amended."""

    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    SYNCED = "SYNCED"
    AMENDED = "AMENDED"
