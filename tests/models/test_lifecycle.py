"""The record's life cycle: submit locks, amendments need a reason and never touch identity."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from models.amendment import Amendment, FieldChange
from models.enums import ReasonNotSeen, RecordStatus, YesNo
from models.errors import AmendmentRejected, RecordError, RecordLocked, SubmissionBlocked
from models.lifecycle import (
    apply_amendment,
    check_amendment,
    ensure_editable,
    mark_synced,
    prune_hidden,
    submit,
)
from tests.models.helpers import complete_visit


def submitted(fixed_now):
    return submit(complete_visit(), at=fixed_now)


def amendment_for(visit, fixed_now, *changes: FieldChange, reason="Typed the wrong time"):
    return Amendment(
        amendment_id=uuid4(),
        amends_visit_id=visit.visit_id,
        amends_revision=visit.revision,
        changes=list(changes),
        reason=reason,
        author_id=visit.practitioner_id,
        at=fixed_now,
    )


def test_submit_locks_the_record_at_revision_one(fixed_now):
    visit = submitted(fixed_now)
    assert visit.status == RecordStatus.SUBMITTED
    assert visit.revision == 1
    assert visit.submitted_at == fixed_now


def test_submit_when_already_submitted_raises_record_locked(fixed_now):
    with pytest.raises(RecordLocked, match="add an amendment with a reason"):
        submit(submitted(fixed_now), at=fixed_now)


def test_submitted_record_cannot_be_edited(fixed_now):
    with pytest.raises(RecordLocked):
        ensure_editable(submitted(fixed_now))
    ensure_editable(complete_visit())  # a draft can


def test_submit_with_problems_raises_submission_blocked_listing_them(fixed_now):
    visit = complete_visit()
    visit.children[1].child_seen = None
    with pytest.raises(SubmissionBlocked) as caught:
        submit(visit, at=fixed_now)
    assert caught.value.check.fields() == {"children.1.child_seen"}
    assert "Say whether Child 2 was seen." in str(caught.value)


def test_draft_may_be_incomplete_but_submission_may_not(fixed_now):
    draft = complete_visit().model_copy(update={"visit_outcome": None})
    assert draft.status == RecordStatus.DRAFT  # an incomplete draft is a valid record
    with pytest.raises(SubmissionBlocked):
        submit(draft, at=fixed_now)


def test_mark_synced_needs_a_submitted_record(fixed_now):
    with pytest.raises(RecordError):
        mark_synced(complete_visit())
    assert mark_synced(submitted(fixed_now)).status == RecordStatus.SYNCED


def test_amendment_changes_a_field_and_keeps_the_old_value(fixed_now):
    visit = submitted(fixed_now)
    assert visit.ended_at is not None
    new_end = visit.ended_at + timedelta(minutes=10)
    change = FieldChange(
        field_path="ended_at",
        old_value=visit.ended_at.isoformat().replace("+00:00", "Z"),
        new_value=new_end.isoformat(),
    )
    amended = apply_amendment(visit, amendment_for(visit, fixed_now, change))
    assert amended.ended_at == new_end
    assert amended.revision == 2
    assert amended.status == RecordStatus.AMENDED
    assert visit.ended_at != new_end  # the original is untouched


def test_amendment_needs_a_reason(fixed_now):
    visit = submitted(fixed_now)
    change = FieldChange(field_path="announced", old_value=visit.announced, new_value=True)
    check = check_amendment(visit, amendment_for(visit, fixed_now, change, reason="  "))
    assert check.fields() == {"reason"}
    assert check.problems[0].message == "Say why the record is being amended."


@pytest.mark.parametrize(
    "path",
    [
        "visit_id",
        "practitioner_id",
        "organisation_id",
        "created_on_device_at",
        "children.0.child_id",
    ],
)
def test_amendment_cannot_change_identity_fields(fixed_now, path):
    visit = submitted(fixed_now)
    change = FieldChange(field_path=path, old_value=None, new_value=str(uuid4()))
    with pytest.raises(AmendmentRejected, match="identifies the record"):
        apply_amendment(visit, amendment_for(visit, fixed_now, change))


def test_amendment_on_a_stale_revision_is_refused(fixed_now):
    visit = submitted(fixed_now)
    change = FieldChange(field_path="announced", old_value=visit.announced, new_value=True)
    stale = amendment_for(visit, fixed_now, change).model_copy(update={"amends_revision": 5})
    assert "amends_revision" in check_amendment(visit, stale).fields()


def test_amendment_whose_old_value_no_longer_matches_is_refused(fixed_now):
    visit = submitted(fixed_now)
    change = FieldChange(field_path="announced", old_value=not visit.announced, new_value=True)
    assert check_amendment(visit, amendment_for(visit, fixed_now, change)).fields() == {
        "changes.0.old_value"
    }


def test_amendment_to_an_unknown_field_is_refused(fixed_now):
    visit = submitted(fixed_now)
    change = FieldChange(field_path="colour_of_door", old_value=None, new_value="blue")
    assert (
        "changes.0.field_path"
        in check_amendment(visit, amendment_for(visit, fixed_now, change)).fields()
    )


def test_amendment_that_would_break_a_recording_rule_is_refused(fixed_now):
    visit = submitted(fixed_now)
    change = FieldChange(field_path="children.0.child_seen", old_value="YES", new_value="NO")
    check = check_amendment(visit, amendment_for(visit, fixed_now, change))
    assert "children.0.reason_not_seen" in check.fields()


def test_amendment_of_a_draft_is_refused_edit_it_directly(fixed_now):
    draft = complete_visit()
    change = FieldChange(field_path="announced", old_value=draft.announced, new_value=True)
    amendment = amendment_for(submitted(fixed_now), fixed_now, change).model_copy(
        update={"amends_visit_id": draft.visit_id}
    )
    check = check_amendment(draft, amendment)
    assert check.fields() == {"status"}


def test_amendment_can_add_a_missing_seen_reason(fixed_now):
    visit = submitted(fixed_now)
    changes = [
        FieldChange(
            field_path="visit_outcome",
            old_value="COMPLETED",
            new_value="COMPLETED_NOT_ALL_CHILDREN_SEEN",
        ),
        FieldChange(field_path="children.1.child_seen", old_value="YES", new_value="NO"),
        FieldChange(
            field_path="children.1.reason_not_seen", old_value=None, new_value="CHILD_IN_HOSPITAL"
        ),
    ]
    amended = apply_amendment(visit, amendment_for(visit, fixed_now, *changes))
    assert amended.children[1].child_seen == YesNo.NO


def test_prune_hidden_clears_why_not_seen_once_the_child_is_seen_and_returns_a_copy():
    visit = complete_visit()
    child = visit.children[0]
    child.child_seen = YesNo.YES
    child.reason_not_seen = ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY
    child.reason_not_seen_other = "Left over from an earlier answer (synthetic)"
    pruned = prune_hidden(visit)
    assert pruned.children[0].reason_not_seen is None
    assert pruned.children[0].reason_not_seen_other == ""
    assert visit.children[0].reason_not_seen == ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY


def test_prune_hidden_clears_seen_alone_answers_once_the_child_is_not_seen():
    visit = complete_visit()
    child = visit.children[0]
    child.child_seen, child.seen_alone = YesNo.NO, YesNo.NO
    child.reason_not_seen = ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY
    kept = prune_hidden(visit).children[0]
    assert (kept.seen_alone, kept.reason_not_seen_alone, kept.seen_alone_where) == (
        None,
        None,
        None,
    )
    assert kept.reason_not_seen == ReasonNotSeen.CHILD_AT_SCHOOL_OR_NURSERY
