"""View-model and view fixtures on the real services: a Session over a real encrypted store (small
KDF parameters) in tmp_path, enrolled with the real central record in-process (tests/sync/helpers
make_world), holding the synthetic caseload of world.worker after a first sync."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from mobile.services.session import Session
from mobile.ui.viewmodels.app import AppViewModel
from mobile.ui.views.shell import Shell
from synthetic import SyntheticCaseload
from tests.services.conftest import PASSPHRASE, SERVER, Network, make_session
from tests.sync.helpers import World, make_world
from tests.ui.flet_harness import Harness

__all__ = ["PASSPHRASE", "SERVER", "Clock", "unlocked_app"]


class Clock:
    """The view-models' monotonic clock (debounce, wrong-PIN countdown), moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = make_world(f"sqlite:///{tmp_path / 'central.sqlite3'}")
    yield w
    w.db.dispose()


@pytest.fixture
def load(world: World) -> SyntheticCaseload:
    assert world.worker.load is not None
    return world.worker.load


@pytest.fixture
def network() -> Network:
    return Network()


@pytest.fixture
def session(world: World, tmp_path: Path, network: Network) -> Iterator[Session]:
    """An enrolled device that has synced its caseload once, now locked (as at every start)."""
    s = make_session(world, tmp_path / "device", network)
    s.enrol(server_url=SERVER, code=world.code_for(world.worker), passphrase=PASSPHRASE)
    progress = s.services().sync.sync_now()
    assert progress.last_error == ""
    s.lock()
    yield s
    s.close()


def unlocked_app(session: Session, clock: Clock) -> AppViewModel:
    app = AppViewModel(session=session, clock=clock, auto_sync_s=None)
    app.start()
    app.unlock.set_secret(PASSPHRASE)
    assert app.unlock.unlock(), app.unlock.error
    return app


@pytest.fixture
def app(session: Session, clock: Clock) -> AppViewModel:
    return unlocked_app(session, clock)


@pytest.fixture
def unlocked_ui(session: Session, clock: Clock) -> Iterator[tuple[Harness, Shell]]:
    """The real views in-process (tests/ui/flet_harness.py), unlocked at the caseload."""
    h = Harness()
    app = AppViewModel(session=session, clock=clock, auto_sync_s=None)
    shell = Shell(h.page, app, background=lambda fn: fn(), tick_s=None)
    shell.start()
    h.type(h.field("PIN or passphrase"), PASSPHRASE)
    h.click(h.button("Unlock"))
    yield h, shell
    h.close()


def idle(world: World, minutes: float = 6) -> None:
    """Time passes on the device (the store's clock) with nobody touching it."""
    world.clock.advance(timedelta(minutes=minutes))


@pytest.fixture
def ui(session: Session, clock: Clock) -> Iterator[tuple[Harness, Shell]]:
    """The real Shell on a Harness page, locked; routes it pushes are recorded in h.routes."""
    h = Harness()
    app = AppViewModel(session=session, clock=clock, auto_sync_s=None)
    shell = Shell(h.page, app, background=lambda fn: fn(), tick_s=None, navigate=h.routes.append)
    shell.start()
    yield h, shell
    h.close()
