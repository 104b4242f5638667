"""Fixtures for the store tests, and the small builders the contract tests share. Files live under
tmp_path; data comes only from synthetic."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from mobile.store import DeviceStore, KdfParams
from models.amendment import Amendment, FieldChange
from models.canonical import canonical_text
from models.ids import new_id
from models.receipt import CaseloadChange, Receipt, ReceiptStatus
from models.visit import Visit
from synthetic import SyntheticCaseload, generate_caseload
from tests.conftest import FakeClock
from tests.store.device import Device, device_of
from tests.store.fake_uow import FakeUnitOfWork

# Small KDF parameters keep most tests fast; test_keys.py and the benchmark use the real ones.
FAST_KDF = KdfParams.scrypt(log2_n=8, block_size=8, parallelism=1)
PASSPHRASE = "lantern orbit cobble meadow"  # 12+ characters: fine without a platform secret
PIN = "480215"  # only with a platform secret
PLATFORM_SECRET = bytes(range(32))


@pytest.fixture
def clock(fixed_now: datetime) -> FakeClock:
    return FakeClock(fixed_now)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "device"


@pytest.fixture
def device_store(store_dir: Path, clock: FakeClock) -> Iterator[DeviceStore]:
    store = DeviceStore.create(store_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock)
    yield store
    store.close()


@pytest.fixture(params=["fake", "sqlite"])
def repo(request: pytest.FixtureRequest, store_dir: Path, clock: FakeClock) -> Iterator[Device]:
    """The same workflows over two units of work: the fake's dictionaries and the SQLite store."""
    if request.param == "fake":
        yield Device(FakeUnitOfWork(clock=clock), clock)
        return
    store = DeviceStore.create(store_dir, passphrase=PASSPHRASE, kdf_params=FAST_KDF, clock=clock)
    yield device_of(store, clock)
    store.close()


def caseload_changes(load: SyntheticCaseload, *, version: int = 1) -> list[CaseloadChange]:
    """The synthetic caseload as the central record would send it."""
    changes = [
        CaseloadChange(
            kind="household", entity_id=h.household_id, version=version,
            data=h.model_dump(mode="json"),
        )
        for h in load.households
    ]  # fmt: skip
    changes += [
        CaseloadChange(
            kind="person", entity_id=p.person_id, version=version, data=p.model_dump(mode="json")
        )
        for p in load.people
    ]
    changes += [
        CaseloadChange(
            kind="child", entity_id=c.child_id, version=version, child_id=c.child_id,
            data=c.model_dump(mode="json"),
        )
        for c in load.children
    ]  # fmt: skip
    changes += [
        CaseloadChange(
            kind="restriction", entity_id=r.restriction_id, version=version, child_id=r.child_id,
            data=r.model_dump(mode="json"),
        )
        for r in load.restrictions
    ]  # fmt: skip
    changes += [
        CaseloadChange(
            kind="concern", entity_id=c.concern_id, version=version,
            child_id=c.children_concerned[0], data=c.model_dump(mode="json"),
        )
        for c in load.concerns
    ]  # fmt: skip
    return changes


@pytest.fixture
def to_changes() -> Callable[..., list[CaseloadChange]]:
    return caseload_changes


@pytest.fixture
def big_caseload() -> SyntheticCaseload:
    return generate_caseload(seed=11, children=12, households=5, visits_per_child=2, concerns=4)


@pytest.fixture
def more_visits(caseload: SyntheticCaseload) -> Callable[[int], list[Visit]]:
    """n more complete synthetic visits for the caseload (drafts until submitted)."""
    from synthetic import synthetic_visit

    def make(n: int, seed: int = 3) -> list[Visit]:
        rng = random.Random(seed)
        return [synthetic_visit(rng, caseload, caseload.children[i % 6]) for i in range(n)]

    return make


Changes = Callable[..., list[CaseloadChange]]


def canonical(body: object) -> bytes:
    """The canonical JSON the central record hashes (models.canonical, for a plain dict)."""
    return canonical_text(body).encode()


def _submit(repo: Device, visit: Visit) -> Visit:
    repo.save_draft(visit)
    return repo.submit_visit(visit.visit_id)


def _accept(item_id: object, revision: int = 1, seq: int = 1) -> Receipt:
    return Receipt(
        record_id=item_id, revision=revision, status=ReceiptStatus.ACCEPTED, server_seq=seq
    )


def _amendment(visit: Visit, *, base: int | None = None) -> Amendment:
    return Amendment(
        amendment_id=new_id(),
        amends_visit_id=visit.visit_id,
        amends_revision=visit.revision if base is None else base,
        changes=[
            FieldChange(
                field_path="announced", old_value=visit.announced, new_value=not visit.announced
            )
        ],
        reason="Recorded the wrong answer on the doorstep (synthetic).",
        author_id=visit.practitioner_id,
        at=visit.submitted_at or visit.created_on_device_at,
    )
