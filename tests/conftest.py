"""Shared fixtures. Unit tests touch neither disk nor network; the fixtures that do are named so."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from synthetic import SyntheticCaseload, generate_caseload

FIXED_NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)  # a Monday


class FakeClock:
    """A clock the test moves by hand: advance(seconds) or advance(timedelta)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: float | timedelta) -> None:
        self.now += by if isinstance(by, timedelta) else timedelta(seconds=by)


@pytest.fixture
def fixed_now() -> datetime:
    return FIXED_NOW


@pytest.fixture
def caseload() -> SyntheticCaseload:
    return generate_caseload(seed=7, children=6, households=3)


def require_or_skip(flag: str, reason: str) -> None:
    """Skip with `reason`, unless the environment demands the test runs (CI sets `flag`=1)."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} ({flag}=1 demands this test runs)")
    pytest.skip(reason)
