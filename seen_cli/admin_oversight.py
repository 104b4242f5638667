"""`seen admin set-plan`, `record-decision` and `run-checks`: a child's plan and the decisions staff
record, through the same services as the API (sync.server.services.oversight), audited; and the
sweep that raises and clears flags by the passing of time. `set-org-settings`: the organisation's
own timescales, closures and limits, sent to every practitioner's devices."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import click

from seen_cli.admin_common import call, database_options, fail

__all__ = ["register"]


def _households(values: tuple[str, ...]) -> list[dict[str, str]]:
    out = []
    for value in values:
        household, _, how = value.partition(":")
        how = how or "lives"
        try:
            UUID(household)
        except ValueError:
            raise click.BadParameter(
                f"{value!r}: give a household id, then :lives or :stays", param_hint="--household"
            ) from None
        if how not in ("lives", "stays"):
            raise click.BadParameter(
                f"{value!r}: say :lives or :stays after the household id", param_hint="--household"
            )
        out.append({"household_id": household, "how": how})
    return out


def register(group: click.Group) -> None:
    """Attach the oversight subcommands to `group`."""

    @group.command("set-plan")
    @click.option("--child", "child_id", type=click.UUID, required=True)
    @click.option("--context", required=True, help="Service context, e.g. CP_PLAN.")
    @click.option("--rule", default=None, help="Visiting rule if not the context's own.")
    @click.option("--start", type=click.DateTime(["%Y-%m-%d"]), required=True)
    @click.option("--household", "households", multiple=True, help="ID:lives or ID:stays.")
    @database_options
    def set_plan(
        database: Any,
        settings: Any,
        child_id: UUID,
        context: str,
        rule: str | None,
        start: datetime,
        households: tuple[str, ...],
    ) -> None:
        """Set a child's plan; prints when the next statutory visit is due."""
        from sync.server.services.oversight import plans

        answer = call(
            lambda: plans.set_plan(
                db=database,
                actor=None,
                child_id=child_id,
                service_context=context,
                rule=rule,
                started_on=start.date(),
                households=_households(households),
                now=settings.clock(),
            )
        )
        due = answer.next_visit_due
        click.echo(f"Plan set: {answer.rule_description}.")
        click.echo(f"Next statutory visit due: {due:%Y-%m-%d}" if due else "No visit is due.")

    @group.command("record-decision")
    @click.option("--child", "child_id", type=click.UUID, required=True)
    @click.option("--kind", required=True, help="e.g. DECISION_TO_ASSESS, CONTEXT_CHANGED.")
    @click.option("--on", "made_on", type=click.DateTime(["%Y-%m-%d"]), required=True)
    @click.option("--outcome", default="", help="CONTEXT_CHANGED: the new context.")
    @click.option("--reason", default="")
    @click.option("--by", "by", type=click.UUID, required=True, help="Who made the decision.")
    @database_options
    def record_decision(
        database: Any,
        settings: Any,
        child_id: UUID,
        kind: str,
        made_on: datetime,
        outcome: str,
        reason: str,
        by: UUID,
    ) -> None:
        """Record a decision about a child; prints its id."""
        from sync.server.services.oversight import decisions

        answer = call(
            lambda: decisions.record_decision(
                db=database,
                actor=None,
                child_id=child_id,
                kind=kind,
                made_on=made_on.date(),
                outcome=outcome,
                reason=reason,
                by=by,
                now=settings.clock(),
            )
        )
        click.echo(str(answer.decision_id))

    @group.command("run-checks")
    @click.option("--org-id", help="One organisation (default: every one).")
    @click.option(
        "--at", "at", type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
        help="Check as of this day or time, UTC (default: now).",
    )  # fmt: skip
    @database_options
    def run_checks(database: Any, settings: Any, org_id: str | None, at: Any) -> None:
        """Raise and clear flags by the passing of time (run it from cron or a timer)."""
        from datetime import UTC

        from sync.server.services.oversight.sweep import run_checks as sweep

        now = at.replace(tzinfo=UTC) if at is not None else settings.clock()
        for r in sweep(db=database, now=now, org_id=org_id):
            click.echo(f"{r.org_id}: {r.children} children checked, {r.changed} flags changed.")

    @group.command("set-org-settings")
    @click.option("--org-id", required=True)
    @click.option(
        "--file", "path", type=click.Path(exists=True, dir_okay=False), required=True,
        help='JSON: {"timescales": ..., "closures": [...], "limits": {...}}; {} for the defaults.',
    )  # fmt: skip
    @database_options
    def set_org_settings(database: Any, settings: Any, org_id: str, path: str) -> None:
        """Set the organisation's timescales, closures and limits; every device gets them."""
        import json
        from pathlib import Path

        from sync.server.services.org_settings import set_org_settings as store

        try:
            given = json.loads(Path(path).read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            fail(f"{path} is not JSON: give the settings as a JSON object.")
        if not isinstance(given, dict):
            fail(f"{path} must hold one JSON object of settings.")
        from sync.server.services.oversight.sweep import run_checks as sweep

        now = settings.clock()
        told = call(lambda: store(db=database, org_id=org_id, oversight=given, now=now))
        click.echo(f"Settings saved; sent to {told} practitioners' devices.")
        # The central record's flags follow at once, as each device's estimate does.
        for r in sweep(db=database, now=now, org_id=org_id):
            click.echo(f"{r.children} children checked, {r.changed} flags changed.")
