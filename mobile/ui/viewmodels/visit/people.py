"""The people and concerns pages: who is here and who cares; concerns raised by others."""

from __future__ import annotations

from mobile.ui.viewmodels.fields import YES_NO_BOOL, FieldKind, FieldSpec, PageContext
from mobile.ui.viewmodels.labels import choices
from mobile.ui.viewmodels.visit.warnings import restriction_warnings
from models.enums import (
    AssessedStatus,
    CarerRole,
    ConcernChannel,
    ParentalResponsibility,
    Relationship,
    SafeguardingConcernNow,
)
from models.flags import escalates
from models.visit import PersonPresent, Visit

__all__ = ["concern_fields", "people_fields", "person_name"]

F = FieldKind


def person_name(person: PersonPresent, index: int) -> str:
    return person.name.strip() or ("New person" if person.is_new else f"Person {index + 1}")


def people_fields(visit: Visit, ctx: PageContext) -> list[FieldSpec]:
    present = {p.person_id for p in visit.persons_present}
    out: list[FieldSpec] = []
    absent = [(pid, name) for pid, name in ctx.known_people if pid not in present]
    if absent:
        out.append(FieldSpec("people.known", "People on record for these children", F.HINT))
        out += [FieldSpec(f"add_known.{pid}", f"{name} is here", F.ACTION) for pid, name in absent]
    out.append(FieldSpec("add_new", "Add someone not on the list", F.ACTION))
    for n, person in enumerate(visit.persons_present):
        out += _person_fields(visit, n, person, ctx)
    return out


def _person_fields(
    visit: Visit, n: int, person: PersonPresent, ctx: PageContext
) -> list[FieldSpec]:
    who = person_name(person, n)
    p = f"persons_present.{n}"
    out = [FieldSpec(f"{p}.header", who, F.HEADER)]
    if not person.is_new:
        out += restriction_warnings(visit, ctx, person.person_id, who)
    if person.is_new:
        out += [
            FieldSpec(f"{p}.name", "Their name", F.TEXT, help="A new adult: always record them."),
            FieldSpec(
                f"{p}.unidentified_description", "If they will not give a name, describe them",
                F.TEXT,
            ),
        ]  # fmt: skip
    index_of = {c.child_id: k for k, c in enumerate(visit.children)}
    for r, rel in enumerate(person.relationships):
        k = index_of.get(rel.child_id)
        child = ctx.child_name(visit, k) if k is not None else "the child"
        out += [
            FieldSpec(
                f"{p}.relationships.{r}.relationship", f"Who they are to {child}", F.CHOICE,
                tuple(choices(Relationship)),
            ),
            FieldSpec(
                f"{p}.relationships.{r}.parental_responsibility",
                f"Parental responsibility for {child}", F.CHOICE,
                tuple(choices(ParentalResponsibility)),
            ),
        ]  # fmt: skip
    out += [
        FieldSpec(f"{p}.lives_in_household", f"Does {who} live here?", F.YES_NO, YES_NO_BOOL),
        FieldSpec(
            f"{p}.stays_overnight_regularly", f"Does {who} stay overnight?", F.YES_NO, YES_NO_BOOL
        ),
        FieldSpec(f"{p}.role_in_care", "Part in caring for the children", F.CHOICE,
                  tuple(choices(CarerRole))),
    ]  # fmt: skip
    cares = person.role_in_care not in (None, CarerRole.NONE) or person.stays_overnight_regularly
    if cares:
        for rel in person.relationships:
            k = index_of.get(rel.child_id)
            if k is None:
                continue
            child = ctx.child_name(visit, k)
            c = f"care.{person.person_id}.{rel.child_id}"
            out += [
                FieldSpec(
                    f"{c}.pattern", f"Pattern of care for {child}", F.TEXT,
                    help="For example: Wed-Fri nights, every other weekend.",
                ),
                FieldSpec(
                    f"{c}.assessed", f"Has their care of {child} been assessed?", F.CHOICE,
                    tuple(choices(AssessedStatus)),
                ),
            ]  # fmt: skip
    out.append(FieldSpec(f"remove_person.{n}", f"{who} is not here: remove", F.ACTION))
    return out


def concern_fields(visit: Visit, ctx: PageContext) -> list[FieldSpec]:
    out = [
        FieldSpec(
            "concerns.hint",
            "Concerns raised by anyone else (relatives, neighbours, other services): record "
            "each one, even if you have heard it before.",
            F.HINT,
        )
    ]
    kids = tuple((str(c.child_id), ctx.child_name(visit, k)) for k, c in enumerate(visit.children))
    for k in range(len(visit.concerns_received)):
        p = f"concerns_received.{k}"
        out += [
            FieldSpec(f"{p}.header", f"Concern {k + 1}", F.HEADER),
            FieldSpec(f"{p}.reporter.name", "Who raised it", F.TEXT),
            FieldSpec(
                f"{p}.reporter.relationship", "Who they are to the children", F.CHOICE,
                tuple(choices(Relationship)),
            ),
            FieldSpec(
                f"{p}.reporter.relationship_notes", "More about who they are", F.TEXT,
                help="For example: paternal grandmother.",
            ),
            FieldSpec(f"{p}.channel", "How it reached you", F.CHOICE, tuple(choices(ConcernChannel))),
            FieldSpec(f"concern_date.{k}", "When it was received", F.DATE),
            FieldSpec(
                f"{p}.content", "What they said", F.MULTILINE, help="In their words where possible."
            ),
            FieldSpec(f"{p}.children_concerned", "Which children it is about", F.MULTI, kids),
            FieldSpec(f"remove_concern.{k}", f"Remove concern {k + 1}", F.ACTION),
        ]  # fmt: skip
    out += [
        FieldSpec("add_concern", "Add a concern raised by someone else", F.ACTION),
        FieldSpec("escalation.header", "Immediate concern or escalation", F.HEADER),
        FieldSpec(
            "safeguarding_concern_now", "Is there a safeguarding concern now?", F.CHOICE,
            tuple(choices(SafeguardingConcernNow)),
        ),
    ]  # fmt: skip
    if escalates(visit):
        out.append(
            FieldSpec(
                "escalation_notes",
                "What you did and who you told",
                F.MULTILINE,
                help="This goes to your manager the moment there is a signal.",
            )
        )
    return out
