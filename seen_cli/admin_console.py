"""`seen admin create-staff`: a console sign-in for a manager or duty worker already on the
caseload. The password (typed, or generated and printed once) is stored only as its Argon2id
hash; with --totp the authenticator app's enrolment address is printed once, never again."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import click

from seen_cli.admin_common import call, database_options

__all__ = ["register"]


def register(group: click.Group) -> None:
    """Attach the console subcommands to `group`."""

    @group.command("create-staff")
    @click.option("--org-id", required=True)
    @click.option("--practitioner-id", type=click.UUID, required=True)
    @click.option("--username", required=True)
    @click.option(
        "--ask-password/--generate-password",
        default=False,
        help="Type the password (asked twice) instead of generating one.",
    )
    @click.option(
        "--totp/--no-totp", default=False, help="Enrol a sign-in code app and require it."
    )
    @database_options
    def create_staff(
        database: Any,
        settings: Any,
        org_id: str,
        practitioner_id: UUID,
        username: str,
        ask_password: bool,
        totp: bool,
    ) -> None:
        """Give a manager or duty worker a console sign-in."""
        from sync.server.console import auth

        password = None
        if ask_password:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        made = call(
            lambda: auth.create_staff(
                database,
                org_id=org_id,
                practitioner_id=practitioner_id,
                username=username,
                password=password,
                totp=totp,
                now=settings.clock(),
            )
        )
        click.echo(f"Console account {made.account_id} for {username.strip().lower()}.")
        if made.password:
            click.echo(f"Password (shown once, pass it on safely): {made.password}")
        if made.otpauth_uri:
            click.echo("Add this to the authenticator app (shown once):")
            click.echo(made.otpauth_uri)
