"""The composition root: builds the session (and through it the store, services and sync client)
and hands it to the UI. Nothing imports this module except the entry points that run it.

Data directory: FLET_APP_STORAGE_DATA (set in packaged apps and under `flet run`), else the
directory given to `seen app --data-dir`, else SEEN_DATA_DIR, else ~/.local/share/seen-and-heard.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import flet as ft

from mobile.ui.viewmodels.app import AppViewModel
from mobile.ui.views.shell import Shell

if TYPE_CHECKING:
    from mobile.services.session import Session

__all__ = ["ASSETS_DIR", "build_session", "make_main", "resolve_data_dir", "run"]

log = logging.getLogger("mobile")
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
AUTO_SYNC_S = 60.0
SYNC_ATTEMPTS = 4  # per sync: with no signal, "Sync now" answers within a few seconds


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    chosen = (
        os.environ.get("FLET_APP_STORAGE_DATA")
        or (str(explicit) if explicit else None)
        or os.environ.get("SEEN_DATA_DIR")
        or str(Path.home() / ".local" / "share" / "seen-and-heard")
    )
    path = Path(chosen)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def build_session(data_dir: Path) -> Session:
    import httpx

    from mobile.services.session import Session
    from mobile.store.lockout import boot_seconds
    from sync.client import SyncClient

    clients: dict[str, httpx.Client] = {}  # one connection pool per server, for the process
    lock = threading.Lock()

    def connect(server_url: str, credential: str | None) -> SyncClient:
        with lock:
            http = clients.get(server_url)
            if http is None:
                http = clients[server_url] = httpx.Client(base_url=server_url)
        return SyncClient(http, credential=credential, max_attempts=SYNC_ATTEMPTS)

    # No platform keystore plugin yet: the counter lives in keyring.json alone (docs/security.md).
    return Session(
        data_dir=data_dir, clock=lambda: datetime.now(UTC), connect=connect, boot_clock=boot_seconds
    )


def make_main(
    data_dir: Path, *, session_factory: Callable[[Path], Session] = build_session
) -> Callable[[ft.Page], None]:
    """One session per process (one device), shared by every window or browser tab."""
    lock = threading.Lock()
    holder: dict[str, Session] = {}

    def session() -> Session:
        with lock:
            if "session" not in holder:
                holder["session"] = session_factory(data_dir)
            return holder["session"]

    def main(page: ft.Page) -> None:
        app = AppViewModel(session=session(), auto_sync_s=AUTO_SYNC_S)
        Shell(page, app).start()

    return main


def run() -> None:
    """Run the app (desktop, or web where there is no display): `python -m mobile.main`, or a
    packaged build's entry module."""
    ft.run(make_main(resolve_data_dir()), assets_dir=str(ASSETS_DIR))


if __name__ == "__main__":
    run()
