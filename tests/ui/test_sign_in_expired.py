"""An expired sign-in, as the practitioner meets it: the Sync screen offers a new enrolment code,
and entering one keeps everything on the device (issue 8, item 9)."""

from __future__ import annotations

from datetime import timedelta

from mobile.services.session import Session
from mobile.ui.viewmodels.app import AppViewModel, Screen
from synthetic import SyntheticCaseload
from tests.sync.helpers import World
from tests.ui.conftest import PASSPHRASE
from tests.ui.journey import submit_one


def test_an_expired_sign_in_offers_a_new_code_on_the_sync_screen_and_keeps_the_outbox(
    app: AppViewModel, session: Session, load: SyntheticCaseload, world: World
) -> None:
    sync = app.sync
    assert sync is not None
    world.clock.advance(timedelta(days=100))  # left in a drawer past its sign-in's life
    session.lock()
    session.unlock(PASSPHRASE)
    submit_one(app, load)
    sync.sync_now()
    assert sync.needs_new_code and sync.pending == 1
    assert "expired" in sync.summary()

    app.enter_new_code()
    enrol = app.enrol
    assert app.screen == Screen.ENROL and enrol is not None
    assert enrol.heading == "Enter a new enrolment code" and "stays" in enrol.guidance
    assert enrol.on_cancel is not None
    enrol.on_cancel()  # "Not now": back where the practitioner was, nothing changed
    assert app.screen == Screen.SYNC and sync.pending == 1

    app.enter_new_code()
    enrol = app.enrol
    assert enrol is not None
    enrol.set_code(world.code_for(world.worker))
    assert enrol.next(), enrol.error
    assert app.screen == Screen.SYNC and app.enrol is None

    sync.sync_now()
    assert not sync.needs_new_code and sync.pending == 0
    assert sync.summary() == "Everything is acknowledged by the central record."
