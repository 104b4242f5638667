"""Enrol and unlock: plain words, typed input kept, wrong-PIN delays."""

from __future__ import annotations

from mobile.ui.viewmodels.enrol import EnrolStage, EnrolViewModel
from mobile.ui.viewmodels.unlock import UnlockViewModel
from tests.ui.fakes import PIN, FakeSession


def test_enrol_asks_for_server_and_code_in_plain_words(session: FakeSession) -> None:
    vm = EnrolViewModel(session=session, on_enrolled=lambda: None)
    assert not vm.next()
    assert "server address" in vm.error
    vm.set_server_url("central.example")
    assert not vm.next()
    assert "https://" in vm.error
    vm.set_server_url("https://central.example.invalid")
    assert not vm.next()
    assert "enrolment code" in vm.error
    vm.set_code("GOOD-CODE")
    assert vm.next()
    assert vm.stage == EnrolStage.PASSPHRASE


def test_enrol_from_a_scanned_code_fills_both_fields(session: FakeSession) -> None:
    vm = EnrolViewModel(session=session, on_enrolled=lambda: None)
    vm.set_scanned("https://central.example.invalid#ABC-123")
    assert (vm.server_url, vm.code) == ("https://central.example.invalid", "ABC-123")


def test_enrol_weak_or_mismatched_passphrase_is_explained(session: FakeSession) -> None:
    vm = EnrolViewModel(session=session, on_enrolled=lambda: None)
    vm.set_server_url("https://central.example.invalid")
    vm.set_code("GOOD-CODE")
    vm.next()
    vm.set_passphrase("short")
    assert not vm.enrol()
    assert "at least 8" in vm.error
    vm.set_passphrase("a long enough one")
    vm.set_confirm("a long enough 1")
    assert not vm.enrol()
    assert "different" in vm.error
    assert vm.passphrase == "a long enough one"  # never thrown away


def test_enrol_with_a_bad_code_goes_back_keeping_what_was_typed(session: FakeSession) -> None:
    session.is_enrolled = False
    done: list[bool] = []
    vm = EnrolViewModel(session=session, on_enrolled=lambda: done.append(True))
    vm.set_server_url("https://central.example.invalid")
    vm.set_code("BAD")
    vm.next()
    vm.set_passphrase("a long enough one")
    vm.set_confirm("a long enough one")
    assert not vm.enrol()
    assert vm.stage == EnrolStage.DEVICE
    assert "enrolment code did not work" in vm.error
    assert vm.code == "BAD" and vm.server_url.startswith("https://")
    vm.set_code("GOOD-CODE")
    vm.next()
    assert vm.enrol()
    assert done == [True]
    assert session.is_enrolled


def test_unlock_wrong_pin_says_tries_left_and_how_long_to_wait(session: FakeSession, clock) -> None:
    opened: list[bool] = []
    vm = UnlockViewModel(session=session, on_unlocked=lambda: opened.append(True), clock=clock)
    assert not vm.unlock()
    assert vm.error == "Type your PIN or passphrase."
    vm.set_secret("1234")
    assert not vm.unlock()
    assert vm.remaining_attempts == 4
    assert vm.wait_seconds() == 2
    assert "4 tries left" in vm.status() and "2 seconds" in vm.status()
    assert vm.secret == "1234"  # kept, to correct a typo
    assert not vm.can_try
    vm.set_secret(PIN)
    assert not vm.unlock()  # still waiting: the service is not even asked
    assert session.wrong == 1
    clock.advance(2)
    assert vm.can_try
    assert vm.unlock()
    assert opened == [True]
    assert vm.secret == ""


def test_unlock_locked_out_stops_trying(session: FakeSession, clock) -> None:
    from mobile.services.errors import LockedOutError

    def locked(_: str) -> None:
        raise LockedOutError("Too many wrong tries: the app is locked.")

    session.unlock = locked  # type: ignore[method-assign]
    vm = UnlockViewModel(session=session, on_unlocked=lambda: None, clock=clock)
    vm.set_secret("anything")
    assert not vm.unlock()
    assert vm.locked_out and not vm.can_try
    assert "Too many wrong tries" in vm.status()
