"""`seen admin ...`: filled in by the central-record work (migrate, enrol-device, revoke-device)."""

from __future__ import annotations

import click

__all__ = ["register"]


def register(group: click.Group) -> None:
    """Attach the admin subcommands to `group`."""
