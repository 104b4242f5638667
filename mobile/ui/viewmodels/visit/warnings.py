"""Warnings the recorder shows at once, in words: an adult under a contact restriction recorded
present, caring or with a child. Whether a sighting goes against a restriction is the oversight
rule's (models.oversight.against_restriction), the same one that raises the flag centrally."""

from __future__ import annotations

from uuid import UUID

from mobile.ui.viewmodels.fields import FieldKind, FieldSpec, PageContext
from mobile.ui.viewmodels.labels import restriction_words
from models.caseload import ContactRestriction
from models.oversight import (
    Restriction,
    Sighting,
    SightingRole,
    against_restriction,
    local_day,
    sightings_of,
)
from models.visit import Visit

__all__ = ["restriction_warnings"]

_ROLE_WORDS = {
    SightingRole.PRESENT: "recorded as here",
    SightingRole.CARING: "recorded as caring for the children",
    SightingRole.STAYING: "recorded as living or staying here",
    SightingRole.WITH_CHILD: "recorded as the carer a child is with",
}


def restriction_warnings(
    visit: Visit, ctx: PageContext, person_id: UUID, who: str
) -> list[FieldSpec]:
    """One field per restriction in force on `person_id`, if this visit records them: a WARNING
    when what is recorded goes against it, else a HINT saying what it allows."""
    held = [r for r in ctx.restrictions if r.person_id == person_id]
    if not held:
        return []
    sighting = next((s for s in sightings_of(visit) if s.person_id == person_id), None)
    if sighting is None:
        return []
    children = [c.child_id for c in visit.children]
    out = []
    for r in held:
        rule = _restriction(r)
        if not rule.in_force(local_day(sighting.at)):
            continue
        against = any(against_restriction(rule, sighting, child) for child in children)
        out.append(_field(r, sighting, ctx, who, against))
    return out


def _restriction(r: ContactRestriction) -> Restriction:
    return Restriction(
        restriction_id=r.restriction_id,
        person_id=r.person_id,
        child_id=r.child_id,
        restriction_type=str(r.restriction_type),
        expires_on=r.expires_on,
    )


def _field(
    r: ContactRestriction, s: Sighting, ctx: PageContext, who: str, against: bool
) -> FieldSpec:
    child = ctx.child_names.get(r.child_id, "a child on your caseload")
    what = restriction_words(r, who, child)
    path = f"restriction.{r.restriction_id}"
    if against:
        return FieldSpec(
            path,
            f"{what} {who} is {_ROLE_WORDS[s.role]}: this goes against it. Make sure {child} is "
            "safe now and tell your manager today.",
            FieldKind.WARNING,
        )
    return FieldSpec(path, f"{what} {who} is {_ROLE_WORDS[s.role]}.", FieldKind.HINT)
