"""Which fields each page of the visit journey shows, given what has been answered so far."""

from __future__ import annotations

from mobile.ui.viewmodels.fields import (
    REVIEW,
    YES_NO,
    YES_NO_BOOL,
    FieldKind,
    FieldSpec,
    Page,
    PageContext,
)
from mobile.ui.viewmodels.labels import choices
from mobile.ui.viewmodels.visit.language import language_fields
from mobile.ui.viewmodels.visit.paths import NEW_CARER
from mobile.ui.viewmodels.visit.people import concern_fields, people_fields, person_name
from mobile.ui.viewmodels.visit.warnings import restriction_warnings
from models.enums import (
    CarerRole,
    ChildCommunication,
    ConsultationMechanism,
    DARoutineEnquiry,
    LocationType,
    NoAccessAction,
    ObservationCategory,
    ReasonNotSeen,
    ReasonNotSeenAlone,
    Relationship,
    SeenAloneWhere,
    VisitOutcome,
    VisitPurpose,
    VoiceMethod,
    YesNo,
)
from models.rules import BABY_AGE_MONTHS, HEALTH_CONTEXTS, Step, is_baby
from models.visit import PersonPresent, Visit

__all__ = ["fields_for", "pages_for", "title_for"]

F = FieldKind


def pages_for(visit: Visit) -> list[Page]:
    pages = [Page(Step.VISIT)]
    for index, child in enumerate(visit.children):
        pages.append(Page(Step.CHILD, index))
        if child.child_seen != YesNo.NO:
            pages += [Page(Step.VOICE, index), Page(Step.OBSERVATIONS, index)]
    return [*pages, Page(Step.PEOPLE), Page(Step.CONCERNS), Page(REVIEW)]


def title_for(page: Page, visit: Visit, ctx: PageContext) -> str:
    name = ctx.child_name(visit, page.child_index) if page.child_index is not None else ""
    return {
        Step.VISIT: "The visit",
        Step.CHILD: f"{name}: seen?",
        Step.VOICE: f"{name}: their voice",
        Step.OBSERVATIONS: f"{name}: what you saw",
        Step.PEOPLE: "Who is here and who cares",
        Step.CONCERNS: "Concerns and escalation",
        REVIEW: "Check and submit",
    }[page.step]


def fields_for(page: Page, visit: Visit, ctx: PageContext) -> list[FieldSpec]:
    if page.step == Step.VISIT:
        return _visit_fields(visit, ctx)
    if page.step == Step.CHILD and page.child_index is not None:
        return _child_fields(visit, page.child_index, ctx)
    if page.step == Step.VOICE and page.child_index is not None:
        return _voice_fields(visit, page.child_index, ctx)
    if page.step == Step.OBSERVATIONS and page.child_index is not None:
        return _observation_fields(visit, page.child_index, ctx)
    if page.step == Step.PEOPLE:
        return people_fields(visit, ctx)
    if page.step == Step.CONCERNS:
        return concern_fields(visit, ctx)
    return []


def _visit_fields(visit: Visit, ctx: PageContext) -> list[FieldSpec]:
    out = [
        FieldSpec("when.date", "Date of the visit", F.DATE),
        FieldSpec("when.start", "Started at", F.TIME),
        FieldSpec("when.end", "Ended at", F.TIME),
        FieldSpec(
            "visit_purpose", "What the visit was for", F.CHOICE, tuple(choices(VisitPurpose))
        ),
        FieldSpec(
            "consultation_mechanism",
            "How you met",
            F.CHOICE,
            tuple(choices(ConsultationMechanism)),
            "Only face to face counts as the child being seen.",
        ),
        FieldSpec("announced", "Was the visit announced?", F.YES_NO, YES_NO_BOOL),
        FieldSpec("location_type", "Where it took place", F.CHOICE, tuple(choices(LocationType))),
    ]
    if visit.location_type is not None and visit.location_type.is_a_home:
        out.append(FieldSpec("location_household_id", "Whose home", F.CHOICE, ctx.households))
    elif visit.location_type is not None:
        out.append(FieldSpec("location_description", "Where exactly (optional)", F.TEXT))
    out.append(FieldSpec("visit_outcome", "Outcome", F.CHOICE, tuple(choices(VisitOutcome))))
    if visit.visit_outcome is not None and visit.visit_outcome.is_no_access:
        out += [
            FieldSpec(
                "no_access_actions",
                "What you did to find the children",
                F.MULTI,
                tuple(choices(NoAccessAction)),
                "Leaving a card is never enough on its own.",
            ),
            FieldSpec("no_access_notes", "Anything else you did", F.MULTILINE),
        ]
    out.append(FieldSpec("next_visit_due", "Next visit due", F.DATE))
    if visit.service_context in HEALTH_CONTEXTS:
        out.append(
            FieldSpec(
                "da_routine_enquiry",
                "Routine domestic abuse question",
                F.CHOICE,
                tuple(choices(DARoutineEnquiry)),
            )
        )
        if visit.da_routine_enquiry is not None and visit.da_routine_enquiry.startswith(
            "NOT_ASKED"
        ):
            out.append(FieldSpec("da_follow_up_date", "Date to ask it in private", F.DATE))
    return out


def _who_choices(visit: Visit, ctx: PageContext) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {str(pid): name for pid, name in ctx.known_people}
    for index, person in enumerate(visit.persons_present):
        seen.setdefault(str(person.person_id), person_name(person, index))
    return tuple(seen.items())


def _other_carer_fields(visit: Visit, i: int, ctx: PageContext) -> list[FieldSpec]:
    """Who the child is with, where: someone on record, or someone new, never marked as here."""
    child = visit.children[i]
    name = ctx.child_name(visit, i)
    p = f"children.{i}"
    out = [
        FieldSpec(
            f"other_carer.{i}",
            f"Who is {name} with?",
            F.CHOICE,
            (*_who_choices(visit, ctx), (NEW_CARER, "Someone not on the list")),
            "Not on the list? Choose 'Someone not on the list': they are not recorded as here.",
        )
    ]
    if child.other_carer_is_new:
        out += [
            FieldSpec(f"{p}.other_carer_name", "Their name", F.TEXT),
            FieldSpec(
                f"{p}.other_carer_relationship", f"Who they are to {name}", F.CHOICE,
                tuple(choices(Relationship)),
            ),
        ]  # fmt: skip
    elif child.other_carer_person_id is not None:
        who = dict(_who_choices(visit, ctx)).get(str(child.other_carer_person_id), "They")
        out += restriction_warnings(visit, ctx, child.other_carer_person_id, who)
    out.append(FieldSpec(f"{p}.other_carer_address", f"Where is {name} staying?", F.TEXT))
    return out


def _child_fields(visit: Visit, i: int, ctx: PageContext) -> list[FieldSpec]:
    child = visit.children[i]
    name = ctx.child_name(visit, i)
    p = f"children.{i}"
    out = [FieldSpec(f"{p}.child_seen", f"Was {name} seen?", F.YES_NO, YES_NO)]
    if child.child_seen == YesNo.NO:
        out.append(
            FieldSpec(f"{p}.reason_not_seen", "Why not?", F.CHOICE, tuple(choices(ReasonNotSeen)))
        )
        if child.reason_not_seen == ReasonNotSeen.OTHER:
            out.append(FieldSpec(f"{p}.reason_not_seen_other", "Say why in a few words", F.TEXT))
        if child.reason_not_seen == ReasonNotSeen.CHILD_WITH_OTHER_CARER:
            out += _other_carer_fields(visit, i, ctx)
        return out
    if child.child_seen != YesNo.YES:
        return out
    out.append(FieldSpec(f"{p}.seen_alone", f"Was {name} seen alone?", F.YES_NO, YES_NO))
    if child.seen_alone == YesNo.NO:
        out.append(
            FieldSpec(
                f"{p}.reason_not_seen_alone",
                "Why not alone?",
                F.CHOICE,
                tuple(choices(ReasonNotSeenAlone)),
            )
        )
        if child.reason_not_seen_alone == ReasonNotSeenAlone.OTHER:
            out.append(
                FieldSpec(f"{p}.reason_not_seen_alone_other", "Say why in a few words", F.TEXT)
            )
    elif child.seen_alone == YesNo.YES:
        out.append(
            FieldSpec(f"{p}.seen_alone_where", "Where?", F.CHOICE, tuple(choices(SeenAloneWhere)))
        )
    baby = is_baby(child, visit)
    out.append(
        FieldSpec(
            f"{p}.child_awake",
            f"Was {name} awake when you saw them?",
            F.YES_NO,
            YES_NO_BOOL,
            f"Under {BABY_AGE_MONTHS} months: a baby must be seen awake." if baby else "",
        )
    )
    if baby and child.child_awake is False:
        out += [
            FieldSpec(f"{p}.not_awake_reason", f"Why was {name} not seen awake?", F.TEXT),
            FieldSpec(
                f"{p}.see_awake_by", f"When will {name} be seen awake?", F.DATE,
                help="On or after the day of this visit: it becomes a follow-up.",
            ),
        ]  # fmt: skip
    out.append(
        FieldSpec(f"{p}.bedroom_seen", f"Did you see where {name} sleeps?", F.YES_NO, YES_NO_BOOL)
    )
    return out


def _voice_fields(visit: Visit, i: int, ctx: PageContext) -> list[FieldSpec]:
    name = ctx.child_name(visit, i)
    p = f"children.{i}.voice"
    comm = visit.children[i].voice.communication
    out = [
        FieldSpec(
            f"{p}.communication", f"How does {name} communicate?", F.CHOICE,
            tuple(choices(ChildCommunication)),
        )
    ]  # fmt: skip
    if comm == ChildCommunication.PRE_VERBAL:
        out += [
            FieldSpec(
                f"{p}.observation_only",
                f"Observation only: {name} is not talking yet. Describe what you saw of how they "
                "feel, and look at how they are with each carer on the next page.",
                F.HINT,
            ),
            FieldSpec(f"{p}.wishes_and_feelings", f"What you saw of how {name} feels", F.MULTILINE),
        ]
    elif comm is not None:
        if comm == ChildCommunication.VERBAL_OTHER_LANGUAGE:
            out += language_fields(visit, i, ctx)
        out += [
            FieldSpec(
                f"quotes.{i}",
                f"What {name} said, in their own words",
                F.MULTILINE,
                help="Their exact words, one quote per line. Don't tidy or paraphrase.",
            ),
            FieldSpec(
                f"{p}.methods", "How you found out their views", F.MULTI,
                tuple(choices(VoiceMethod, exclude=(VoiceMethod.OBSERVATION_ONLY,))),
            ),
            FieldSpec(f"{p}.wishes_and_feelings", f"{name}'s wishes and feelings", F.MULTILINE),
        ]  # fmt: skip
    out.append(
        FieldSpec(
            f"{p}.practitioner_analysis",
            "Your analysis",
            F.MULTILINE,
            help="Your view, kept apart from the child's own words.",
        )
    )
    return out


def _carers_of(visit: Visit, child_index: int) -> list[tuple[int, PersonPresent]]:
    child_id = visit.children[child_index].child_id
    return [
        (n, person)
        for n, person in enumerate(visit.persons_present)
        if person.role_in_care not in (None, CarerRole.NONE)
        and any(r.child_id == child_id for r in person.relationships)
    ]


def _observation_fields(visit: Visit, i: int, ctx: PageContext) -> list[FieldSpec]:
    name = ctx.child_name(visit, i)
    o = f"obs.{i}"
    cat = ObservationCategory
    out = [
        FieldSpec(
            f"{o}.{cat.PRESENTATION_HYGIENE_CLOTHING}",
            f"How {name} presented",
            F.MULTILINE,
            help="Appearance, clothing, hygiene.",
        )
    ]
    carers = _carers_of(visit, i)
    for n, person in carers:
        who = person_name(person, n)
        out.append(
            FieldSpec(
                f"{o}.{cat.INTERACTION_WITH_CARER}.{person.person_id}",
                f"How {name} was with {who}",
                F.MULTILINE,
            )
        )
    if not carers:
        out.append(
            FieldSpec(
                f"{o}.no_carers",
                "No carer recorded as present yet. Once you add who is here, describe how "
                f"{name} was with each carer.",
                F.HINT,
            )
        )
    out += [
        FieldSpec(f"{o}.{cat.HOME_CONDITIONS}", "The home", F.MULTILINE),
        FieldSpec(
            f"{o}.{cat.HAZARDS}", "Hazards", F.MULTILINE,
            help="For example medicines or drugs within reach.",
        ),
        FieldSpec(f"{o}.{cat.SAFE_SLEEP}", "Safe sleep", F.MULTILINE),
        FieldSpec(f"{o}.{cat.INJURY_OR_MARK}", "Any injury or mark", F.MULTILINE),
    ]  # fmt: skip
    return out
