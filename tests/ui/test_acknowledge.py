"""Acknowledging a concern from a child's screen, on the real services: what was done is required,
the acknowledgement is confirmed before it is recorded, and the concern then stays in the child's
history as acknowledged by whom and when. Nothing typed is lost on a failure; bad text is refused
in words and nothing is queued."""

from __future__ import annotations

import pytest

from mobile.services.caseload import CaseloadService
from mobile.services.session import Session
from mobile.ui.viewmodels.app import AppViewModel
from mobile.ui.viewmodels.child import ChildViewModel
from models.ids import new_id
from sync.protocol_concerns import MAX_CONCERN_TEXT
from synthetic import SyntheticCaseload
from tests.ui.conftest import PASSPHRASE


@pytest.fixture
def child(app: AppViewModel, load: SyntheticCaseload) -> ChildViewModel:
    app.open_child(load.concerns[0].children_concerned[0])
    assert app.child is not None
    return app.child


def _waiting(app: AppViewModel) -> int:
    assert app.services is not None
    return app.services.caseload.records_waiting()


def test_acknowledging_needs_what_was_done_and_sends_nothing_without_it(
    app: AppViewModel, child: ChildViewModel
) -> None:
    [line] = child.concerns()
    before = _waiting(app)
    assert not child.ask_acknowledge(line.concern_id)
    assert "Say what you did" in child.action_errors[line.concern_id]
    assert child.confirming is None
    child.set_action_taken(line.concern_id, "   ")
    assert not child.ask_acknowledge(line.concern_id)
    assert not child.acknowledge(line.concern_id)  # not confirmed: never recorded
    assert _waiting(app) == before and [c.concern_id for c in child.concerns()] == [line.concern_id]


def test_it_is_confirmed_first_and_not_yet_keeps_what_was_typed(
    app: AppViewModel, child: ChildViewModel
) -> None:
    [line] = child.concerns()
    before = _waiting(app)
    child.set_action_taken(line.concern_id, "Phoned the grandmother back")
    assert child.ask_acknowledge(line.concern_id)
    assert child.confirming == line.concern_id and line.concern_id not in child.action_errors
    assert _waiting(app) == before  # asking is not recording
    child.cancel_acknowledge()
    assert child.confirming is None
    assert child.action_taken[line.concern_id] == "Phoned the grandmother back"
    assert child.concerns() and _waiting(app) == before


def test_once_acknowledged_it_stays_in_the_history_by_whom_and_when(
    app: AppViewModel, child: ChildViewModel, load: SyntheticCaseload
) -> None:
    [line] = child.concerns()
    before = _waiting(app)
    child.set_action_taken(line.concern_id, "  Phoned the grandmother back  ")
    child.ask_acknowledge(line.concern_id)
    assert child.acknowledge(line.concern_id), child.error
    assert child.concerns() == [] and child.confirming is None
    [done] = child.concerns_acknowledged()
    assert done.concern_id == line.concern_id and done.text == line.text
    assert done.acknowledged.startswith("Acknowledged by you on ")
    assert done.acknowledged.endswith("What was done: Phoned the grandmother back")
    assert _waiting(app) == before + 1
    # Reopened later, it is still there.
    app.go_caseload()
    app.open_child(load.concerns[0].children_concerned[0])
    assert app.child is not None
    assert [c.concern_id for c in app.child.concerns_acknowledged()] == [line.concern_id]


def test_acknowledged_by_someone_else_says_a_colleague(
    app: AppViewModel, child: ChildViewModel, session: Session
) -> None:
    [line] = child.concerns()
    other = CaseloadService(
        store=session._store,  # the same device store, seen as another practitioner
        clock=lambda: app.services.escalations.now(),  # type: ignore[union-attr]
        practitioner_id=new_id(),
    )
    assert app.services is not None
    app.services.caseload.acknowledge_concern(line.concern_id, action_taken="Called back")
    detail = other.child(child.row.child_id)
    [done] = detail.concerns_acknowledged
    assert not done.by_me


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Phoned\x00back", "NUL character"),
        ("Phoned \ud800 back", "broken character"),
        ("x" * (MAX_CONCERN_TEXT + 1), "too long"),
    ],
)
def test_unstorable_or_oversized_text_is_refused_in_words_and_nothing_queued(
    app: AppViewModel, child: ChildViewModel, text: str, words: str
) -> None:
    [line] = child.concerns()
    before = _waiting(app)
    child.set_action_taken(line.concern_id, text)
    assert not child.ask_acknowledge(line.concern_id)
    assert words in child.action_errors[line.concern_id]
    assert app.services is not None
    with pytest.raises(Exception) as raised:  # the service refuses it too, whoever calls
        app.services.caseload.acknowledge_concern(line.concern_id, action_taken=text)
    assert words in str(raised.value) and "x" * 50 not in str(raised.value)
    assert _waiting(app) == before and child.concerns()
    assert child.action_taken[line.concern_id] == text  # kept to fix, never thrown away


def test_a_failure_to_record_keeps_what_was_typed(
    app: AppViewModel, child: ChildViewModel, session: Session
) -> None:
    [line] = child.concerns()
    child.set_action_taken(line.concern_id, "Phoned the grandmother back")
    assert child.ask_acknowledge(line.concern_id)
    session.lock()
    assert not child.acknowledge(line.concern_id)
    assert child.error and child.action_taken[line.concern_id] == "Phoned the grandmother back"
    session.unlock(PASSPHRASE)
    assert child.acknowledge(line.concern_id), child.error
    assert child.concerns_acknowledged()
