"""`seen admin ...`: migrate, organisations, teams, practitioners, devices, allocation, demo data.

Every command takes --db (or SEEN_DATABASE_URL) and --data-dir, like `seen server`.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any
from uuid import UUID

import click

from seen_cli.admin_common import call, database_options, fail, may_be_empty

__all__ = ["register"]

ROLES = {
    "social-worker": "SOCIAL_WORKER",
    "health-visitor": "HEALTH_VISITOR",
    "manager": "MANAGER",
    "admin": "ADMIN",
}


def register(group: click.Group) -> None:
    """Attach the admin subcommands to `group`."""

    @group.command()
    @database_options
    @may_be_empty
    def migrate(database: Any, settings: Any) -> None:
        """Bring the central record's schema up to date (also done when the server starts)."""
        click.echo("Schema is up to date.")

    @group.command("create-org")
    @click.option("--org-id", required=True)
    @click.option("--name", required=True)
    @database_options
    @may_be_empty
    def create_org(database: Any, settings: Any, org_id: str, name: str) -> None:
        """Add an organisation (a local authority or health provider)."""
        from sync.server import services

        call(
            lambda: services.create_organisation(
                db=database, org_id=org_id, name=name, now=settings.clock()
            )
        )
        click.echo(f"Organisation {org_id} created.")

    @group.command("create-team")
    @click.option("--org-id", required=True)
    @click.option("--name", required=True)
    @database_options
    def create_team(database: Any, settings: Any, org_id: str, name: str) -> None:
        """Add a team; prints its id."""
        from sync.server import services

        team = call(
            lambda: services.create_team(
                db=database, org_id=org_id, name=name, now=settings.clock()
            )
        )
        click.echo(str(team))

    @group.command("create-practitioner")
    @click.option("--org-id", required=True)
    @click.option("--name", required=True, help="Display name.")
    @click.option("--role", type=click.Choice(sorted(ROLES)), required=True)
    @click.option("--team", "team_id", type=click.UUID, default=None)
    @database_options
    def create_practitioner(
        database: Any, settings: Any, org_id: str, name: str, role: str, team_id: UUID | None
    ) -> None:
        """Add a practitioner; prints their id."""
        from sync.server import services

        pid = call(
            lambda: services.create_practitioner(
                db=database,
                org_id=org_id,
                display_name=name,
                role=services.StaffRole(ROLES[role]),
                team_id=team_id,
                now=settings.clock(),
            )
        )
        click.echo(str(pid))

    @group.command("enrol-device")
    @click.option("--practitioner", "practitioner_id", type=click.UUID, required=True)
    @click.option(
        "--server-url", envvar="SEEN_SERVER_URL", default="http://127.0.0.1:8740", show_default=True
    )
    @click.option(
        "--hours", type=float, default=72.0, show_default=True, help="How long the code lasts."
    )
    @click.option("--no-qr", is_flag=True, help="Print the code as text only.")
    @database_options
    def enrol_device(
        database: Any,
        settings: Any,
        practitioner_id: UUID,
        server_url: str,
        hours: float,
        no_qr: bool,
    ) -> None:
        """Issue a one-time enrolment code for a practitioner's device (text and QR code)."""
        from sync.server import services

        code, expires = call(
            lambda: services.issue_enrolment_code(
                db=database,
                practitioner_id=practitioner_id,
                now=settings.clock(),
                ttl=timedelta(hours=hours),
            )
        )
        click.echo(f"Enrolment code: {code}")
        click.echo(f"Valid until:    {expires:%Y-%m-%d %H:%M} UTC (one use only)")
        if not no_qr:
            import segno

            payload = f"seenandheard://enrol?server={server_url}&code={code}"
            segno.make(payload, error="m").terminal(out=sys.stdout, compact=True)

    @group.command("recovery-key")
    @click.option("--org-id", required=True)
    @click.option(
        "--out",
        required=True,
        type=click.Path(dir_okay=False, writable=True),
        help="Where to write the private key (kept offline or in your KMS; never on the server).",
    )
    @database_options
    def recovery_key(database: Any, settings: Any, org_id: str, out: str) -> None:
        """Make the organisation's recovery key: devices enrolled from now on can be recovered
        after a forgotten PIN without losing unsynced visits."""
        from pathlib import Path

        from seen_cli.recovery_key import new_recovery_key_file
        from sync.server import services

        if Path(out).exists():
            fail(f"{out} exists: choose a new file (an old recovery key must not be lost).")
        public = new_recovery_key_file(Path(out))
        call(
            lambda: services.set_recovery_key(
                db=database, org_id=org_id, public_key=public, now=settings.clock()
            )
        )
        click.echo(f"Recovery public key for {org_id} recorded. Private key: {out} (keep it safe).")

    @group.command("revoke-device")
    @click.option("--device", "device_id", type=click.UUID, default=None)
    @click.option(
        "--practitioner", "practitioner_id", type=click.UUID, default=None, help="Every device of."
    )
    @click.option(
        "--retire",
        "retire",
        is_flag=True,
        help="(The default.) The device sends what it holds, then erases itself.",
    )
    @click.option(
        "--lost", is_flag=True, help="Lost or stolen: refused at once and erased at next contact."
    )
    @click.option(
        "--confirm-unsent-lost",
        is_flag=True,
        help="With --lost: you accept that records the device has not sent are lost.",
    )
    @database_options
    def revoke_device(
        database: Any,
        settings: Any,
        device_id: UUID | None,
        practitioner_id: UUID | None,
        retire: bool,
        lost: bool,
        confirm_unsent_lost: bool,
    ) -> None:
        """Revoke a device: retire it (it sends what it holds, then wipes) or, if lost or
        stolen, refuse it at once (it wipes at its next contact; unsent records are lost)."""
        from sync.server import services

        if (device_id is None) == (practitioner_id is None):
            fail("Give exactly one of --device or --practitioner.")
        if retire and lost:
            fail("Give one of --retire or --lost, not both.")
        if lost and not confirm_unsent_lost:
            fail(
                "A lost or stolen device is refused at once: visits it has not sent yet are lost. "
                "Add --confirm-unsent-lost if that is what you want, or use --retire."
            )
        mode = services.RevokeMode.LOST if lost else services.RevokeMode.RETIRE
        targets = (
            [device_id]
            if device_id
            else [
                d.device_id
                for d in services.list_devices(db=database, practitioner_id=practitioner_id)
            ]
        )

        def revoke(target: UUID) -> bool:
            return bool(
                call(
                    lambda: services.revoke_device(
                        db=database,
                        device_id=target,
                        now=settings.clock(),
                        mode=mode,
                        confirm_unsent_lost=confirm_unsent_lost,
                    )
                )
            )

        revoked = [d for d in targets if d and revoke(d)]
        if not revoked:
            fail("No such device.")
        for d in revoked:
            if lost:
                click.echo(f"Revoked {d} as lost: refused now, wiped at its next contact.")
            else:
                click.echo(f"Retiring {d}: it sends what it holds, then wipes itself.")

    @group.command("list-devices")
    @click.option("--practitioner", "practitioner_id", type=click.UUID, default=None)
    @database_options
    def list_devices(database: Any, settings: Any, practitioner_id: UUID | None) -> None:
        """List enrolled devices."""
        from sync.server import services

        for d in services.list_devices(db=database, practitioner_id=practitioner_id):
            state = f"revoked {d.revoked_at:%Y-%m-%d}" if d.revoked_at else "active"
            if d.revoked_at and d.revoke_mode:
                state += f" ({d.revoke_mode})"
            click.echo(f"{d.device_id}  practitioner {d.practitioner_id}  {state}  {d.label}")

    @group.command()
    @click.option("--child", "child_id", type=click.UUID, required=True)
    @click.option(
        "--practitioner",
        "practitioner_id",
        type=click.UUID,
        default=None,
        help="Omit to unallocate.",
    )
    @database_options
    def allocate(
        database: Any, settings: Any, child_id: UUID, practitioner_id: UUID | None
    ) -> None:
        """Allocate a child to a practitioner (the previous holder's device purges the child)."""
        from sync.server import services

        call(
            lambda: services.allocate_child(
                db=database,
                child_id=child_id,
                practitioner_id=practitioner_id,
                now=settings.clock(),
            )
        )
        click.echo("Allocated." if practitioner_id else "Unallocated.")

    @group.command("seed-demo")
    @click.option("--org-id", default="ORG-DEMO", show_default=True)
    @click.option("--children", type=int, default=12, show_default=True)
    @click.option("--households", type=int, default=5, show_default=True)
    @click.option("--seed", type=int, default=7, show_default=True)
    @click.option(
        "--role", type=click.Choice(["social-worker", "health-visitor"]), default="social-worker"
    )
    @database_options
    @may_be_empty
    def seed_demo(
        database: Any,
        settings: Any,
        org_id: str,
        children: int,
        households: int,
        seed: int,
        role: str,
    ) -> None:
        """Load a synthetic, obviously fictitious caseload: an organisation, a team, a practitioner
        holding the caseload and their manager. Prints their ids."""
        from models.enums import PractitionerRole
        from sync.server import services
        from sync.server.tables import OrganisationRow
        from synthetic import generate_caseload
        from synthetic.load import load_synthetic_caseload

        now = settings.clock()
        load = generate_caseload(
            seed=seed,
            children=children,
            households=households,
            organisation_id=org_id,
            practitioner_role=PractitionerRole(ROLES[role]),
        )
        with database.read() as s:
            exists = s.get(OrganisationRow, org_id) is not None
        if not exists:
            services.create_organisation(
                db=database, org_id=org_id, name="Demo organisation (synthetic)", now=now
            )
        team = services.create_team(
            db=database, org_id=org_id, name=f"Demo team {seed} (synthetic)", now=now
        )
        worker = call(
            lambda: services.create_practitioner(
                db=database,
                org_id=org_id,
                display_name=f"Demo {role.replace('-', ' ')} (synthetic)",
                role=services.StaffRole(ROLES[role]),
                team_id=team,
                practitioner_id=load.practitioner_id,
                now=now,
            )
        )
        manager = services.create_practitioner(
            db=database,
            org_id=org_id,
            display_name="Demo team manager (synthetic)",
            role=services.StaffRole.MANAGER,
            team_id=team,
            now=now,
        )
        rows = load_synthetic_caseload(db=database, load=load, now=now)
        click.echo(f"organisation {org_id}")
        click.echo(f"team         {team}")
        click.echo(f"practitioner {worker}")
        click.echo(f"manager      {manager}")
        click.echo(
            f"Loaded {len(load.children)} children, {len(load.households)} households ({rows} change rows)."
        )

    @group.command("compact-changes")
    @click.option("--org-id", required=True)
    @database_options
    def compact_changes(database: Any, settings: Any, org_id: str) -> None:
        """Drop superseded rows from the change log (safe for every device's cursor)."""
        from sync.server import services

        deleted = call(
            lambda: services.compact_changes(db=database, org_id=org_id, now=settings.clock())
        )
        click.echo(f"Deleted {deleted} superseded rows.")

    @group.command("reset-cursors")
    @click.option("--org-id", required=True)
    @database_options
    def reset_cursors(database: Any, settings: Any, org_id: str) -> None:
        """Make every device of the organisation push its outbox and download again."""
        from sync.server import services

        call(lambda: services.reset_cursors(db=database, org_id=org_id, now=settings.clock()))
        click.echo("Every device will download its caseload again at its next sync.")
