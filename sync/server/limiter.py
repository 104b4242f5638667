"""The enrolment rate limiter: wrong enrolment codes per client address, over a sliding minute.

Kept in the database (enrol_failure), so every server process behind a load balancer counts the
same attempts. An address is stored as its hash, never in plain text, and only for the minute
(a hash of an IPv4 address could be reversed by trying them all): older rows are deleted as new
ones are written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa

from sync import protocol
from sync.server.db import Database
from sync.server.services import Refusal
from sync.server.tables import EnrolFailureRow, table_of

__all__ = ["EnrolLimiter"]

WINDOW = timedelta(minutes=1)
_T = table_of(EnrolFailureRow)


def _key(client: str) -> str:
    return hashlib.sha256(client.encode("utf-8", "surrogatepass")).hexdigest()


class EnrolLimiter:
    """Failed enrolment attempts per client address, over a sliding minute."""

    def __init__(self, db: Database, per_minute: int, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.per_minute = per_minute
        self.clock = clock

    def check(self, client: str) -> None:
        now = self.clock()
        with self.db.read() as s:
            times = list(
                s.execute(
                    sa.select(_T.c.at)
                    .where(_T.c.client_key == _key(client), _T.c.at > now - WINDOW)
                    .order_by(_T.c.at)
                ).scalars()
            )
        if len(times) >= self.per_minute:
            wait = int((times[0] + WINDOW - now).total_seconds()) + 1
            raise Refusal(
                protocol.RATE_LIMITED,
                "Too many wrong enrolment codes: wait a minute and try again.",
                headers={"Retry-After": str(max(wait, 1))},
            )

    def failed(self, client: str) -> None:
        now = self.clock()
        with self.db.write() as s:
            s.execute(sa.delete(_T).where(_T.c.at <= now - WINDOW))
            s.execute(sa.insert(_T).values(client_key=_key(client), at=now))
