"""`seen`: the single entry point. Each subcommand lives in its own module and imports lazily,
so `seen --help` stays fast and a server host never imports flet."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

__all__ = ["cli"]


class _OneLineErrors(click.Group):
    """Usage errors as one plain line and exit code 2 (click prints a usage block by default)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "seen"
            click.echo(f"{where}: {exc.format_message()} (see '{where} --help')", err=True)
            sys.exit(2)
        except click.exceptions.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log more (never personal data).")
def cli(verbose: bool) -> None:
    """Seen & Heard: record home visits offline, encrypted, and sync them to the central record."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@cli.command()
@click.option(
    "--data-dir", type=click.Path(file_okay=False), default="data/demo", show_default=True
)
@click.option("--port", type=int, default=8550, show_default=True, help="Port of the app (web).")
@click.option("--server-port", type=int, default=8740, show_default=True)
@click.option("--fresh", is_flag=True, help="Throw away the demo data dir and start again.")
def demo(data_dir: str, port: int, server_port: int, fresh: bool) -> None:
    """Start the central record on a SQLite file and the app with a synthetic caseload."""
    from seen_cli.demo import run_demo

    run_demo(data_dir=data_dir, port=port, server_port=server_port, fresh=fresh)


@cli.command()
@click.option(
    "--db", envvar="SEEN_DATABASE_URL", help="Database URL (default: SQLite in --data-dir)."
)
@click.option(
    "--data-dir", type=click.Path(file_okay=False), default="data/server", show_default=True
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8740, show_default=True)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    envvar="SEEN_TRUSTED_PROXIES",
    help="Address or network of a reverse proxy whose X-Forwarded-For is believed (repeatable).",
)
@click.option(
    "--request-timeout",
    type=float,
    default=None,
    help="Seconds for a request's headers, and again for its body, to arrive (default 10 and 30).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes sharing the port (use PostgreSQL for more than one).",
)
def server(
    db: str | None,
    data_dir: str,
    host: str,
    port: int,
    trusted_proxies: tuple[str, ...],
    request_timeout: float | None,
    workers: int,
) -> None:
    """Run the central-record API."""
    from seen_cli.server import run_server

    run_server(
        db=db, data_dir=data_dir, host=host, port=port, trusted_proxies=trusted_proxies,
        request_timeout=request_timeout, workers=workers,
    )  # fmt: skip


@cli.command()
@click.option("--web", is_flag=True, help="Serve in a browser (offline assets, no CDN).")
@click.option("--port", type=int, default=8550, show_default=True)
@click.option("--data-dir", type=click.Path(file_okay=False), default=None)
def app(web: bool, port: int, data_dir: str | None) -> None:
    """Run the practitioner app."""
    from seen_cli.app import run_app

    run_app(web=web, port=port, data_dir=data_dir)


@cli.group()
def admin() -> None:
    """Administer the central record: migrations, enrolment, revocation."""


@cli.command()
@click.option("--quick", is_flag=True, help="Fewer repetitions (a smoke run, figures less stable).")
@click.option(
    "--only",
    multiple=True,
    help="Run only these benchmark groups (store, sync, app, oversight; large, never by default).",
)
@click.option(
    "--json", "json_path", type=click.Path(dir_okay=False), help="Also write results here."
)
@click.option(
    "--peer",
    is_flag=True,
    help="Run the peer (PouchDB, needs Node.js) beside each sync push figure, with the ratio.",
)
def bench(quick: bool, only: tuple[str, ...], json_path: str | None, peer: bool) -> None:
    """Measure the figures the issues set targets for, and print them."""
    from benchmarks.runner import run_benchmarks

    run_benchmarks(quick=quick, only=only, json_path=json_path, peer=peer)


@cli.command()
@click.option("--devices", type=int, default=20, show_default=True)
@click.option("--visits", type=int, default=50, show_default=True, help="Visits per device.")
@click.option(
    "--seconds",
    type=float,
    default=60.0,
    show_default=True,
    help="Stop starting new visits after this long.",
)
@click.option("--faults", is_flag=True, help="Cut connections, kill the server and devices, etc.")
@click.option("--seed", type=int, default=1, show_default=True, help="Where the faults fall.")
@click.option("--server", "server_url", help="A central record already running (needs --db).")
@click.option("--db", help="Database URL (PostgreSQL) for the server (default: SQLite, temp dir).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object of the results.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes for the server this run starts (seen server --workers; PostgreSQL).",
)
def loadtest(
    devices: int,
    visits: int,
    seconds: float,
    faults: bool,
    seed: int,
    server_url: str | None,
    db: str | None,
    as_json: bool,
    workers: int,
) -> None:
    """Many simulated devices recording and syncing with a central record on 127.0.0.1."""
    from seen_cli.loadtest import Options, run_loadtest

    run_loadtest(
        Options(
            devices=devices, visits=visits, seconds=seconds, faults=faults, seed=seed,
            server=server_url, db=db, as_json=as_json, workers=workers,
        )
    )  # fmt: skip


def _register_admin_commands() -> None:
    from seen_cli import admin_console, admin_oversight
    from seen_cli.admin import register

    register(admin)
    admin_oversight.register(admin)
    admin_console.register(admin)


_register_admin_commands()
