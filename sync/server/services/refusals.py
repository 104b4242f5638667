"""Refusals of callers the central record does not (yet) trust, audited without letting a flood
fill the audit log.

Every 401 (missing, unknown, expired, revoked or retiring credential), every refused enrolment
and a push naming another device's id leave an audit row: `action` says where ("auth.refused",
"enrol.refused", "push.refused"), `outcome` the stable code, and the row names the organisation,
practitioner and device when they are known (never what was presented: no credential, no code,
nor any hash or part of one).

Bounded: at most one row per (action, code, client address) per minute; what a minute held beyond
that is counted and written as `<code> +<n>` when that window closes. Past MAX_ROWS_PER_MINUTE
distinct rows in a minute, further addresses share one window per code ("*"). So a flood writes at
most MAX_ROWS_PER_MINUTE plus a few rows a minute, per server process. The client address is used
only as a key here and never stored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sync.server.db import Database
from sync.server.services.common import AuditLog

__all__ = ["MAX_ROWS_PER_MINUTE", "RefusalAudit"]

MAX_ROWS_PER_MINUTE = 60
WINDOW = timedelta(minutes=1)


@dataclass
class _Window:
    opened: datetime
    org_id: str | None
    practitioner_id: UUID | None
    device_id: UUID | None
    more: int = 0  # refusals after the first, not written yet


class RefusalAudit:
    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str, str], _Window] = {}
        self._minute_started: datetime | None = None
        self._rows_this_minute = 0

    def record(
        self,
        *,
        action: str,
        code: str,
        client: str,
        org_id: str | None = None,
        practitioner_id: UUID | None = None,
        device_id: UUID | None = None,
    ) -> None:
        now = self._clock()
        rows: list[tuple[str, str, _Window, int]] = []
        with self._lock:
            for key, window in list(self._windows.items()):
                if now - window.opened >= WINDOW:
                    del self._windows[key]
                    if window.more:
                        rows.append((key[0], key[1], window, window.more))
            if self._minute_started is None or now - self._minute_started >= WINDOW:
                self._minute_started, self._rows_this_minute = now, 0
            key = (action, code, client)
            if key not in self._windows and self._rows_this_minute >= MAX_ROWS_PER_MINUTE:
                key = (action, code, "*")
            open_window = self._windows.get(key)
            if open_window is not None:
                open_window.more += 1
            else:
                first = _Window(now, org_id, practitioner_id, device_id)
                self._windows[key] = first
                self._rows_this_minute += 1
                rows.append((action, code, first, 0))
        if rows:
            self._write(now, rows)

    def _write(self, now: datetime, rows: list[tuple[str, str, _Window, int]]) -> None:
        with self._db.write() as s:
            audit = AuditLog(s, now)
            for action, code, w, more in rows:
                audit.add(
                    action,
                    outcome=f"{code} +{more}" if more else code,
                    org_id=w.org_id,
                    practitioner_id=w.practitioner_id,
                    device_id=w.device_id,
                )
            audit.flush()
