"""The enrolment rate limiter: wrong enrolment codes per client address, over a sliding minute.

One per app (built by create_app), in memory: a second process counts its own.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from sync import protocol
from sync.server.services import Refusal

__all__ = ["EnrolLimiter"]


class EnrolLimiter:
    """Failed enrolment attempts per client address, over a sliding minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        with self._lock:
            window = self._failures.get(client)
            now = time.monotonic()
            while window and now - window[0] > 60:
                window.popleft()
            if window and len(window) >= self.per_minute:
                wait = int(60 - (now - window[0])) + 1
                raise Refusal(
                    protocol.RATE_LIMITED,
                    "Too many wrong enrolment codes: wait a minute and try again.",
                    headers={"Retry-After": str(wait)},
                )

    def failed(self, client: str) -> None:
        with self._lock:
            self._failures.setdefault(client, deque()).append(time.monotonic())
