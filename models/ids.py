"""Identifiers made on the device: UUIDv7 (RFC 9562), time-ordered, so the server never assigns ids.

stdlib uuid.uuid7 arrives only in Python 3.14; this is the small helper the design asks for.
"""

from __future__ import annotations

import os
import time
from uuid import UUID

__all__ = ["new_id", "uuid7"]


def uuid7(*, unix_ms: int | None = None, random_bytes: bytes | None = None) -> UUID:
    ms = time.time_ns() // 1_000_000 if unix_ms is None else unix_ms
    rand = os.urandom(10) if random_bytes is None else random_bytes
    if len(rand) != 10:
        raise ValueError("uuid7 needs exactly 10 random bytes")
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | int.from_bytes(rand, "big")
    value = value & ~(0xF << 76) | (0x7 << 76)  # version 7
    value = value & ~(0x3 << 62) | (0x2 << 62)  # RFC 4122 variant
    return UUID(int=value)


def new_id() -> UUID:
    return uuid7()
