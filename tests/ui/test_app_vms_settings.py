"""The app's screens as plain Python over the real services: locking and resuming, amending, and
settings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from mobile.services.session import Session
from mobile.ui.viewmodels.app import AppViewModel, Screen
from mobile.ui.viewmodels.fields import FieldKind, Page
from models.rules import Step
from synthetic import SyntheticCaseload
from tests.services.conftest import Network, make_session
from tests.sync.helpers import World
from tests.ui.conftest import PASSPHRASE, SERVER, Clock, idle, unlocked_app
from tests.ui.journey import submit_one


# Locking and resuming ----------------------------------------------------------------------------
def test_idle_lock_flushes_the_draft_and_unlock_resumes_where_it_was(
    app: AppViewModel, session: Session, world: World, clock: Clock, load: SyntheticCaseload
) -> None:
    app.start_visit([load.children[0].child_id])
    rec = app.recorder
    assert rec is not None
    rec.go(Page(Step.CHILD, 0))
    rec.set("children.0.child_seen", "NO", FieldKind.YES_NO)
    rec.set("when.start", "9:6", FieldKind.TIME)  # not yet readable: kept as typed
    visit_id = rec.visit.visit_id
    clock.advance(2)
    app.tick()  # saves the paused draft
    assert not rec.dirty
    assert app.screen == Screen.VISIT
    idle(world)
    app.tick()
    assert app.screen == Screen.UNLOCK and app.recorder is None and app.services is None
    assert not session.is_unlocked
    assert "Locked" in app.message
    app.unlock.set_secret(PASSPHRASE)
    assert app.unlock.unlock()
    assert app.screen == Screen.VISIT and app.recorder is not None
    assert app.recorder.visit.visit_id == visit_id
    assert app.recorder.page == Page(Step.CHILD, 0)
    assert app.recorder.visit.children[0].child_seen == "NO"
    assert app.recorder.value("when.start") == "9:6"


def test_activity_keeps_the_app_unlocked(app: AppViewModel, world: World) -> None:
    idle(world, minutes=4)
    app.touch()
    idle(world, minutes=4)
    app.tick()
    assert app.screen == Screen.CASELOAD
    idle(world, minutes=2)
    app.tick()
    assert app.screen == Screen.UNLOCK


def test_after_a_crash_drafts_are_offered_on_the_caseload(
    app: AppViewModel, world: World, tmp_path: Path, clock: Clock, load: SyntheticCaseload
) -> None:
    app.start_visit([load.children[0].child_id])
    assert app.recorder is not None
    app.recorder.set("location_description", "Front room", FieldKind.TEXT)
    app.recorder.next()  # saved at the step change; then the app dies
    restarted = make_session(world, tmp_path / "device", Network())
    try:
        again = unlocked_app(restarted, clock)
        (visit_id, words), *_ = again.draft_lines()
        assert load.children[0].name in words
        again.open_draft(visit_id)
        assert again.recorder is not None
        assert again.recorder.visit.location_description == "Front room"
    finally:
        restarted.close()


def test_lock_now_from_settings(app: AppViewModel, session: Session) -> None:
    assert app.settings is not None
    app.settings.lock_now()
    assert app.screen == Screen.UNLOCK and not session.is_unlocked


# Amend and settings ------------------------------------------------------------------------------
def test_amend_needs_a_reason_keeps_the_old_value_and_syncs(
    app: AppViewModel, session: Session, load: SyntheticCaseload
) -> None:
    visit_id = submit_one(app, load)
    app.go_caseload()
    app.open_amend()
    amend = app.amend
    assert amend is not None and [v for v, _ in amend.summaries()] == [visit_id]
    amend.choose(visit_id)
    field = next(f for f in amend.fields() if f.path.endswith("practitioner_analysis"))
    assert field.old == "Seemed settled"
    amend.set_field(field.path, "Seemed settled; later said he was tired")
    assert not amend.save()
    assert "why" in amend.error
    amend.set_reason("Added what the child said at the door")
    assert amend.save(), amend.error
    assert amend.visit is not None and amend.visit.revision == 2
    assert amend.visit.children[0].voice.practitioner_analysis.endswith("he was tired")
    assert app.sync is not None
    app.sync.sync_now()
    assert {line.status for line in app.sync.lines()} == {"Acknowledged"}
    assert any(line.title.startswith("Amendment to visit ") for line in app.sync.lines())


def test_change_passphrase_and_about(
    app: AppViewModel, session: Session, world: World, clock: Clock
) -> None:
    settings = app.settings
    assert settings is not None
    settings.set_old("not my passphrase")
    settings.set_new("a brand new passphrase")
    settings.set_confirm("a brand new passphrase")
    assert not settings.change_passphrase()
    assert "not right" in settings.error
    assert settings.new == "a brand new passphrase"  # kept
    settings.set_old(PASSPHRASE)
    assert settings.change_passphrase(), settings.error
    about = dict(settings.about_lines())
    assert set(about) == {"Version", "Device", "Server", "Last sync"}
    assert about["Server"] == SERVER
    assert about["Device"] == str(session.about().device_id)
    assert about["Last sync"] != "Not synced yet"
    settings.lock_now()
    app.unlock.set_secret(PASSPHRASE)
    assert not app.unlock.unlock()
    app.unlock.set_secret("a brand new passphrase")
    assert app.unlock.unlock()


def test_about_says_when_the_last_sync_was(app: AppViewModel, world: World) -> None:
    world.clock.advance(timedelta(minutes=3))
    assert app.sync is not None and app.settings is not None
    app.sync.sync_now()
    about = dict(app.settings.about_lines())
    assert about["Last sync"] == f"{world.clock():%H:%M, %d %b %Y}"
