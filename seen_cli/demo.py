"""`seen demo`: the central record and the app, each in its own process group, over a synthetic
caseload already on an enrolled, encrypted device. Everything stays on 127.0.0.1; no CDN.

    <data_dir>/server/     the central record's embedded SQLite file (`seen server`)
    <data_dir>/device/     the device's encrypted store (`seen app --web`)
    <data_dir>/logs/       server.log and app.log
    <data_dir>/demo.json   what was set up (no secrets beyond the published demo passphrase);
                           written last, so a data dir without it is set up again from clean

Re-running with the same data dir reuses it; `fresh=True` starts clean. For tests and benchmarks:
`server_process()` and `app_process()` start one part each (stop and start them separately),
`prepare()` seeds, enrols and syncs, and `start_demo()` does all three.
"""

from __future__ import annotations

import contextlib
import logging
import select
import shutil
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from seen_cli.demo_setup import (
    CHILDREN,
    DEMO_CONSOLE_PASSWORD,
    DEMO_CONSOLE_USERNAME,
    DEMO_ORG,
    DEMO_PASSPHRASE,
    HOUSEHOLDS,
    SEED,
    STATE_FILE,
    DemoError,
    DemoState,
    prepare,
)
from seen_cli.processes import HOST, Background, app_process, seen_command, server_process, tail

if TYPE_CHECKING:
    from mobile.store import KdfParams

__all__ = [
    "CHILDREN",
    "DEMO_CONSOLE_PASSWORD",
    "DEMO_CONSOLE_USERNAME",
    "DEMO_ORG",
    "DEMO_PASSPHRASE",
    "HOUSEHOLDS",
    "SEED",
    "RunningDemo",
    "run_demo",
    "seen_command",
    "start_demo",
]

log = logging.getLogger(__name__)


@dataclass
class RunningDemo:
    root: Path
    server: Background
    app: Background
    state: DemoState
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def server_url(self) -> str:
        return f"http://{HOST}:{self.state.server_port}"

    def stop(self) -> None:
        self.app.stop()
        self.server.stop()


def reusable_state(root: Path) -> DemoState | None:
    """The demo set up in `root` by an earlier run, if it finished setting up."""
    from mobile.store import DeviceStore

    state = DemoState.load(root)
    if state is None or not state.console_username or not DeviceStore.is_set_up(root / "device"):
        return None  # (a demo from before the manager's sign-in is set up again)
    return state


def clear(root: Path) -> None:
    """Remove what the demo made in `root` (only that: `root` may hold other things)."""
    for name in ("server", "device", "logs"):
        shutil.rmtree(root / name, ignore_errors=True)
    (root / STATE_FILE).unlink(missing_ok=True)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def start_demo(
    root: Path,
    *,
    port: int,
    server_port: int,
    fresh: bool = False,
    kdf_params: KdfParams | None = None,
    on_progress: Callable[[str], None] = lambda _line: None,
) -> RunningDemo:
    """Both processes started, the caseload on the device: ready to unlock in a browser."""
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    state = None if fresh else reusable_state(root)
    if state is None:
        clear(root)
    elif state.server_port != server_port:
        on_progress(
            f"This demo's device knows the central record at port {state.server_port}: using it "
            "(start with a fresh data dir to change it)."
        )
        server_port = state.server_port
    for what, wanted in (("app", port), ("central record", server_port)):
        if not _port_free(wanted):
            raise DemoError(
                f"Port {wanted} (for the {what}) is in use: stop whatever uses it, or choose "
                "another port (seen demo --port / --server-port)."
            )
    server = server_process(root, server_port).start()
    app = app_process(root, port).start()  # boots while the device is set up; opened later
    try:
        server.wait_ready()
        if state is None:
            on_progress("Setting up the synthetic caseload and the demo device...")
            state = prepare(root, server_url=f"http://{HOST}:{server_port}", kdf_params=kdf_params)
        else:
            on_progress(f"Reusing the demo in {root}.")
        app.wait_ready()
    except BaseException:
        app.stop()
        server.stop()
        raise
    return RunningDemo(root, server, app, state, port)


class _Keys:
    """Enter on the demo's terminal (or a line on its standard input). At the end of input
    (/dev/null, say) nothing is ever pressed again."""

    def __init__(self) -> None:
        self.online = True
        self.watching = sys.stdin is not None and not sys.stdin.closed

    def pressed(self, timeout: float) -> bool:
        if not self.watching:
            time.sleep(timeout)
            return False
        ready, _, _ = select.select([sys.stdin], [], [], timeout)
        if not ready:
            return False
        if sys.stdin.readline() == "":  # end of input: stop watching
            self.watching = False
            return False
        return True


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Ctrl+C, SIGTERM and SIGHUP stop both process groups. (SIGINT too is set here: a shell
    starting the demo in the background leaves it ignored.)"""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, interrupt) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_demo(*, data_dir: str, port: int, server_port: int, fresh: bool = False) -> None:
    started = time.monotonic()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is noise here
    with _stop_on_signals():
        try:
            demo = start_demo(
                Path(data_dir), port=port, server_port=server_port, fresh=fresh,
                on_progress=click.echo,
            )  # fmt: skip
        except KeyboardInterrupt:
            click.echo("Stopped.")
            return
        try:
            click.echo(
                f"\nSeen & Heard demo: ready in {time.monotonic() - started:.1f} s\n"
                f"  Open {demo.url} in a browser\n"
                f"  Passphrase: {demo.state.passphrase}\n"
                f"  Manager's console: {demo.server_url}/console/ (organisation {DEMO_ORG}, "
                f"username {demo.state.console_username}, password "
                f"{demo.state.console_password})\n"
                f"  Central record: {demo.server_url} (SQLite in {demo.root / 'server'})\n"
                f"  Synthetic caseload: {demo.state.children} children in "
                f"{demo.state.households} households; logs in {demo.root / 'logs'}\n"
                f"  seen admin beside it: add --data-dir {demo.root / 'server'}\n"
                "Press Enter to take the central record down (the app carries on offline), and "
                "Enter again to bring it back.\nPress Ctrl+C to stop both.",
            )
            keys = _Keys()
            while demo.app.running and (demo.server.running or not keys.online):
                if keys.pressed(0.5):
                    keys.online = not keys.online
                    if keys.online:
                        demo.server.start().wait_ready()
                        click.echo("The central record is back: the app syncs when it next tries.")
                    else:
                        demo.server.stop()
                        click.echo("The central record is down: record visits offline, then "
                                   "press Enter to bring it back.")  # fmt: skip
            gone = demo.server if not demo.server.running else demo.app
            raise DemoError(
                f"The {gone.name} stopped. The end of {gone.log_path}:\n{tail(gone.log_path)}"
            )
        except KeyboardInterrupt:
            click.echo("\nStopping the app and the central record...")
        finally:
            demo.stop()
