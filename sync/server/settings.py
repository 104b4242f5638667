"""The central record's settings: built by the caller (CLI, tests), never read at import time."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync.protocol import FUTURE_ALLOWANCE, MAX_BODY_BYTES
from sync.server.db import sqlite_url_for

__all__ = ["HELD_PER_DEVICE_PER_DAY", "Settings", "utc_now"]

# Items one device may leave held (rejected or in conflict) in a day; beyond it an item is refused
# (sync.quarantine_full) and stays on the device. A working device holds a few at most.
HELD_PER_DEVICE_PER_DAY = 500


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Settings:
    database_url: str
    migrate_on_start: bool = True
    credential_ttl: timedelta = timedelta(days=90)
    enrol_code_ttl: timedelta = timedelta(hours=72)
    max_body_bytes: int = MAX_BODY_BYTES
    enrol_failures_per_minute: int = 10
    # Seconds for a request's headers, then its body, to arrive (408 after): a 1 MiB batch over a
    # poor mobile link (~35 KB/s) still fits; a slow or half-sent request is cut off.
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    # Addresses (or networks) of the reverse proxies whose X-Forwarded-For is believed; empty:
    # none, the peer's own address is the client's.
    trusted_proxies: tuple[str, ...] = ()
    future_allowance: timedelta = FUTURE_ALLOWANCE  # how far ahead of now a visit may be dated
    held_per_device_per_day: int = HELD_PER_DEVICE_PER_DAY
    clock: Callable[[], datetime] = utc_now

    def __post_init__(self) -> None:
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(
                    f"trusted proxy {entry!r} is not an IP address or network"
                ) from None

    @classmethod
    def for_data_dir(cls, data_dir: str | Path, *, db: str | None = None, **kw: object) -> Settings:
        """PostgreSQL (or any URL) when `db` is given, else the embedded SQLite file."""
        return cls(database_url=db or sqlite_url_for(data_dir), **kw)  # type: ignore[arg-type]
