"""The real Flet UI over the in-memory services of tests/ui/fakes.py, served for the browser.

Until `seen demo` runs the real store and server, this lets the browser journey run: sync counts
as online while something listens on --server-port (the test starts and stops a plain HTTP server
there, so "the server is down" is a real refused connection).

    python tests/e2e/fake_app.py --port 8571 --server-port 8771
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import flet as ft  # noqa: E402

from mobile.services.errors import AppError  # noqa: E402
from mobile.ui.viewmodels.app import AppViewModel  # noqa: E402
from mobile.ui.views.shell import Shell  # noqa: E402
from models.synthetic import generate_caseload  # noqa: E402
from tests.ui.fakes import FakeSession, FakeSync  # noqa: E402


class PortSync(FakeSync):
    def __init__(self, visits, port: int) -> None:  # type: ignore[no-untyped-def]
        super().__init__(visits)
        self.port = port

    def sync_now(self):  # type: ignore[no-untyped-def]
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                pass
        except OSError as exc:
            raise AppError(
                "No connection to the central record: your visits are safe on this device "
                "and will be sent when there is a signal.",
                code="sync.offline",
            ) from exc
        return super().sync_now()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--server-port", type=int, required=True)
    args = parser.parse_args()
    load = generate_caseload(seed=5, children=12, households=5)
    session = FakeSession(load)
    services = session._services
    services.sync = PortSync(services.visits, args.server_port)

    def app_main(page: ft.Page) -> None:
        Shell(page, AppViewModel(session=session, auto_sync_s=3600)).start()

    os.environ["FLET_FORCE_WEB_SERVER"] = "1"
    print(f"ready on http://127.0.0.1:{args.port}/", flush=True)
    ft.run(
        app_main,
        view=ft.AppView.WEB_BROWSER,
        host="127.0.0.1",
        port=args.port,
        no_cdn=True,
        assets_dir=str(ROOT / "assets"),
    )


if __name__ == "__main__":
    main()
