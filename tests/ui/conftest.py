"""View-model fixtures: a small synthetic caseload behind in-memory services (tests/ui/fakes.py)."""

from __future__ import annotations

import pytest

from models.synthetic import SyntheticCaseload, generate_caseload
from tests.ui.fakes import FakeSession


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def load() -> SyntheticCaseload:
    return generate_caseload(seed=11, children=8, households=3)


@pytest.fixture
def session(load: SyntheticCaseload) -> FakeSession:
    return FakeSession(load)
