"""The wrong-PIN counter, kept where it cannot simply be rolled back, and timed by a clock the
practitioner's settings cannot move.

Two attacks on the counter in keyring.json, and what answers each:
- Moving the device clock forward would skip the waits. Each failure also records a reading of
  the boot clock (seconds since the phone started, which no setting changes); the time waited is
  the smaller of what the wall clock and the boot clock say. After a restart the boot clock starts
  again from zero: the current wait then starts over (`restarted`).
- Restoring an old keyring.json would reset the count. Where the platform has a keystore (the
  phone's secure storage, the same place as the platform secret) the counter is kept there too,
  and the stricter of the two copies wins: the larger count, a lockout in either.
Without a keystore, someone holding the files can rewrite them at will: there the strength of the
passphrase is what protects the records (docs/security.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

__all__ = ["Keystore", "LockoutState", "boot_seconds", "elapsed_seconds", "restarted", "stricter"]


@dataclass(frozen=True)
class LockoutState:
    failed_attempts: int = 0
    last_failure_at: datetime | None = None  # the wall clock at the last wrong PIN
    last_failure_boot: float | None = None  # the boot clock then (None: not recorded)
    locked_out: bool = False


class Keystore(Protocol):
    """The platform's secure storage, holding this device's copy of the counter (an app's keystore
    entry is not in its files, so restoring a backup of the files does not restore it)."""

    def load_lockout(self, device_id: UUID) -> LockoutState | None: ...

    def save_lockout(self, device_id: UUID, state: LockoutState) -> None: ...


def boot_seconds() -> float:
    """Seconds since the device started, counting sleep (CLOCK_BOOTTIME on Linux and Android);
    elsewhere the process's monotonic clock."""
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return time.clock_gettime(boottime)
    return time.monotonic()


def stricter(a: LockoutState, b: LockoutState | None) -> LockoutState:
    """The copy that allows fewer guesses: the larger count (at equal counts, the later failure),
    and locked out if either says so."""
    if b is None:
        return a
    if (b.failed_attempts, _stamp(b)) > (a.failed_attempts, _stamp(a)):
        a, b = b, a
    if b.locked_out and not a.locked_out:
        return LockoutState(a.failed_attempts, a.last_failure_at, a.last_failure_boot, True)
    return a


def restarted(state: LockoutState, boot_now: float | None) -> bool:
    """True when the boot clock is behind the last failure's reading: the device has restarted."""
    last = state.last_failure_boot
    return last is not None and boot_now is not None and boot_now < last


def elapsed_seconds(state: LockoutState, now: datetime, boot_now: float | None) -> float:
    """How long since the last wrong PIN, trusting neither clock alone: a wall clock moved forward
    is capped by the boot clock, a wall clock moved back counts as no time at all."""
    if state.last_failure_at is None:
        return 0.0
    wall = max(0.0, (now - state.last_failure_at).total_seconds())
    last = state.last_failure_boot
    if last is None or boot_now is None:
        return wall
    if boot_now < last:
        return 0.0  # restarted since: the wait starts over (see `restarted`)
    return min(wall, boot_now - last)


def _stamp(state: LockoutState) -> float:
    return state.last_failure_at.timestamp() if state.last_failure_at else float("-inf")
