"""The composition root: builds the session (and through it the store, services and sync client)
and hands it to the UI. Nothing imports this module except the entry points that run it.

Data directory: FLET_APP_STORAGE_DATA (set in packaged apps and under `flet run`), else the
directory given to `seen app --data-dir`, else SEEN_DATA_DIR, else ~/.local/share/seen-and-heard.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `flet run mobile/main.py` / flet build: make `mobile.` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flet as ft

from mobile.ui.viewmodels.app import AppViewModel
from mobile.ui.viewmodels.ports import SessionPort
from mobile.ui.views.shell import Shell

__all__ = ["ASSETS_DIR", "build_session", "make_main", "resolve_data_dir"]

log = logging.getLogger("mobile")
ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
AUTO_SYNC_S = 60.0


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


def build_session(data_dir: Path) -> SessionPort:
    import httpx

    from mobile.services.session import Session
    from sync.client import SyncClient

    def connect(server_url: str, credential: str | None) -> SyncClient:
        return SyncClient(httpx.Client(base_url=server_url), credential=credential)

    session = Session(data_dir=data_dir, clock=lambda: datetime.now(UTC), connect=connect)
    return session  # type: ignore[return-value]  # structurally a SessionPort


def make_main(
    data_dir: Path, *, session_factory: Callable[[Path], SessionPort] = build_session
) -> Callable[[ft.Page], None]:
    """One session per process (one device), shared by every window or browser tab."""
    lock = threading.Lock()
    holder: dict[str, Any] = {}

    def session() -> SessionPort:
        with lock:
            if "session" not in holder:
                holder["session"] = session_factory(data_dir)
            return holder["session"]  # type: ignore[no-any-return]

    def main(page: ft.Page) -> None:
        app = AppViewModel(session=session(), auto_sync_s=AUTO_SYNC_S)
        Shell(page, app).start()

    return main


if __name__ == "__main__":
    ft.run(make_main(resolve_data_dir()), assets_dir=str(ASSETS_DIR))
