"""`seen admin` verbs for oversight: the sweep that raises and clears flags by the passing of time.
Like every admin verb they call services (sync.server.services), never routes."""

from __future__ import annotations

from typing import Any

import click

from seen_cli.admin import _database_options

__all__ = ["register"]


def register(group: click.Group) -> None:
    """Attach the oversight subcommands to `group`."""

    @group.command("run-checks")
    @click.option("--org-id", help="One organisation (default: every one).")
    @click.option(
        "--at", "at", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
        help="Check as of this day or time, UTC (default: now).",
    )  # fmt: skip
    @_database_options
    def run_checks(database: Any, settings: Any, org_id: str | None, at: Any) -> None:
        """Raise and clear flags by the passing of time (run it from cron or a timer)."""
        from datetime import UTC

        from sync.server.services.oversight.sweep import run_checks as sweep

        now = at.replace(tzinfo=UTC) if at is not None else settings.clock()
        for r in sweep(db=database, now=now, org_id=org_id):
            click.echo(f"{r.org_id}: {r.children} children checked, {r.changed} flags changed.")
