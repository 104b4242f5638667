"""The record's life cycle: draft -> submitted (locked) -> synced; corrections are amendments.

submit(visit)            checks the recording rules, locks the record (revision 1)
ensure_editable(visit)   raises RecordLocked unless the visit is still a draft
check_amendment(...)     every reason an amendment cannot be made
apply_amendment(...)     the amended visit: a new revision, the original kept by the caller
prune_hidden(visit)      without answers a later choice made irrelevant (done before locking)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from models.amendment import Amendment
from models.canonical import parse_record
from models.enums import ChildCommunication, Interpreter, ReasonNotSeen, RecordStatus, YesNo
from models.errors import AmendmentRejected, RecordError, RecordLocked, SubmissionBlocked
from models.paths import walk as walk_path
from models.rules import Check, Problem, Step, check_visit
from models.visit import ChildVoice, Visit

__all__ = [
    "IDENTITY_FIELDS",
    "IDENTITY_LEAVES",
    "apply_amendment",
    "changed_visit",
    "check_amendment",
    "ensure_editable",
    "identity_of",
    "mark_synced",
    "prune_hidden",
    "submit",
]

# Fields that say which record this is, whose, and where it came from: never amendable.
IDENTITY_FIELDS = frozenset(
    {
        "visit_id",
        "organisation_id",
        "practitioner_id",
        "practitioner_role",
        "device_id",
        "app_version",
        "created_on_device_at",
        "status",
        "revision",
        "submitted_at",
    }
)
# Fields, at any depth, that say who a part of the record is about: never amendable either, not
# even by replacing a whole subtree (`children`, `persons_present.0`): see identity_of.
IDENTITY_LEAVES = frozenset(
    {"child_id", "person_id", "concern_id", "carer_person_id", "children_concerned"}
)
_LOCKED = (RecordStatus.SUBMITTED, RecordStatus.SYNCED, RecordStatus.AMENDED)


def ensure_editable(visit: Visit) -> None:
    if visit.status in _LOCKED:
        raise RecordLocked()


def submit(visit: Visit, *, at: datetime, child_labels: Mapping[UUID, str] | None = None) -> Visit:
    ensure_editable(visit)
    check = check_visit(visit, child_labels=child_labels, now=at)
    if not check.ok:
        raise SubmissionBlocked(check)
    return visit.model_copy(
        update={"status": RecordStatus.SUBMITTED, "revision": 1, "submitted_at": at}
    )


def prune_hidden(visit: Visit) -> Visit:
    """A copy without answers to questions no longer asked (a child marked seen after 'why not'
    was answered), so the locked record does not contradict itself."""
    pruned = visit.model_copy(deep=True)
    for child in pruned.children:
        if child.child_seen == YesNo.YES:
            child.reason_not_seen = None
            child.reason_not_seen_other = ""
        elif child.child_seen == YesNo.NO:
            child.seen_alone = None
            child.reason_not_seen_alone = None
            child.reason_not_seen_alone_other = ""
            child.seen_alone_where = None
        if child.seen_alone == YesNo.YES:
            child.reason_not_seen_alone = None
            child.reason_not_seen_alone_other = ""
        elif child.seen_alone == YesNo.NO:
            child.seen_alone_where = None
        if child.reason_not_seen != ReasonNotSeen.CHILD_WITH_OTHER_CARER:
            child.other_carer_person_id = None
            child.other_carer_address = ""
        if child.other_carer_person_id is None or not child.other_carer_is_new:
            child.other_carer_is_new = False
            child.other_carer_name = ""
            child.other_carer_relationship = None
        if child.child_awake is not False:
            child.not_awake_reason = ""
            child.see_awake_by = None
        _prune_voice(child.voice)
    return pruned


def _prune_voice(voice: ChildVoice) -> None:
    if voice.communication != ChildCommunication.VERBAL_OTHER_LANGUAGE:
        voice.language = ""
        voice.interpreter = None
    if voice.interpreter in (None, Interpreter.NOT_USED):
        voice.interpreter_notes = ""
    if voice.interpreter not in (Interpreter.FAMILY_MEMBER, Interpreter.OTHER_ADULT):
        voice.interpreter_person_id = None


def mark_synced(visit: Visit) -> Visit:
    if visit.status == RecordStatus.DRAFT:
        raise RecordError("A draft cannot be marked synced: submit it first.")
    if visit.status == RecordStatus.AMENDED:
        return visit
    return visit.model_copy(update={"status": RecordStatus.SYNCED})


def check_amendment(visit: Visit, amendment: Amendment) -> Check:
    return Check(tuple(_amendment_problems(visit, amendment)))


def apply_amendment(visit: Visit, amendment: Amendment) -> Visit:
    check = check_amendment(visit, amendment)
    if not check.ok:
        raise AmendmentRejected(check)
    data = visit.model_dump(mode="json")
    for change in amendment.changes:
        _set_path(data, change.field_path, change.new_value)
    data["revision"] = visit.revision + 1
    data["status"] = RecordStatus.AMENDED.value
    return parse_record(Visit, data)


def _amendment_problems(visit: Visit, amendment: Amendment) -> Iterator[Problem]:
    def problem(field: str, message: str) -> Problem:
        return Problem(field, message, Step.VISIT)

    if visit.status == RecordStatus.DRAFT:
        yield problem(
            "status", "This visit is still a draft: change it directly, no amendment needed."
        )
        return
    if amendment.amends_visit_id != visit.visit_id:
        yield problem("amends_visit_id", "This amendment is for a different visit.")
        return
    if amendment.amends_revision != visit.revision:
        yield problem(
            "amends_revision",
            "The visit has changed since this amendment was started: reopen it and amend the "
            "latest version.",
        )
    if not amendment.reason.strip():
        yield problem("reason", "Say why the record is being amended.")
    if not amendment.changes:
        yield problem("changes", "An amendment must change at least one thing.")
    current = visit.model_dump(mode="json")
    for index, change in enumerate(amendment.changes):
        parts = change.field_path.split(".")
        field = f"changes.{index}.field_path"
        if parts[0] in IDENTITY_FIELDS or parts[-1] in IDENTITY_LEAVES:
            yield problem(
                field,
                f"'{change.field_path}' identifies the record and cannot be amended. If the "
                "record is about the wrong child or visit, tell your manager.",
            )
            continue
        try:
            old = _get_path(current, change.field_path)
        except LookupError:
            yield problem(field, f"'{change.field_path}' is not a field of this visit.")
            continue
        if old != change.old_value:
            yield problem(
                f"changes.{index}.old_value",
                f"'{change.field_path}' has changed since this amendment was started: check it "
                "again.",
            )
    # The amended record must still satisfy the recording rules.
    yield from _amended_result_problems(visit, amendment)


def identity_of(data: dict[str, Any]) -> dict[str, Any]:
    """Every identity value of a visit's JSON form, by its path: the top-level IDENTITY_FIELDS
    and each IDENTITY_LEAVES field at any depth. An amendment must leave all of it as it was."""
    found: dict[str, Any] = {name: data.get(name) for name in IDENTITY_FIELDS}

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                where = f"{path}.{key}" if path else key
                if key in IDENTITY_LEAVES:
                    found[where] = value
                elif not (path == "" and key in IDENTITY_FIELDS):
                    walk(value, where)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}.{index}")

    walk(data, "")
    return found


def changed_visit(visit: Visit, amendment: Amendment) -> Visit:
    """The visit with the amendment's changes made, before any check (the central record checks
    the scope of what it would become first). LookupError or RecordError when it does not fit."""
    data = visit.model_dump(mode="json")
    for change in amendment.changes:
        _set_path(data, change.field_path, change.new_value)
    return parse_record(Visit, data)


def _amended_result_problems(visit: Visit, amendment: Amendment) -> Iterator[Problem]:
    before = visit.model_dump(mode="json")
    try:
        amended = changed_visit(visit, amendment)
    except (LookupError, RecordError) as exc:
        yield Problem("changes", f"The new value does not fit the record: {exc}", Step.VISIT)
        return
    # Compared on the parsed result, so a whole subtree replaced (children, persons_present)
    # cannot add, drop, reorder or swap a child or a person either.
    was, now = identity_of(before), identity_of(amended.model_dump(mode="json"))
    changed = sorted(path for path in was.keys() | now.keys() if was.get(path) != now.get(path))
    if changed:
        yield Problem(
            "changes",
            f"This amendment would change who the record is about ('{changed[0]}'), which "
            "cannot be amended. If the record is about the wrong child or person, tell your "
            "manager.",
            Step.VISIT,
        )
        return
    yield from check_visit(amended).problems


def _get_path(data: dict[str, Any], path: str) -> Any:
    return walk_path(data, path.split("."))


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    container = walk_path(data, parents)
    if isinstance(container, list) and leaf.isdigit() and int(leaf) < len(container):
        container[int(leaf)] = value
    elif isinstance(container, dict) and leaf in container:
        container[leaf] = value
    else:
        raise LookupError(leaf)
