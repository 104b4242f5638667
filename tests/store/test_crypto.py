"""The sealing primitives and the passphrase policy (no disk)."""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path
from uuid import UUID

import pytest

from mobile.store import crypto, passphrase_policy
from mobile.store.crypto import DataKey, KdfParams, OpenFailed
from mobile.store.policy import delay_after


def test_seal_then_open_returns_the_plaintext_and_compresses_it() -> None:
    key = DataKey.generate()
    plaintext = b"synthetic note " * 200
    blob = key.seal(b"visit|id|1|1", plaintext)
    assert key.open(b"visit|id|1|1", blob) == plaintext
    assert len(blob) < len(plaintext) // 4
    assert key.seal(b"visit|id|1|1", plaintext) != blob  # fresh nonce every time


@pytest.mark.parametrize("aad", [b"visit|other|1|1", b"visit|id|2|1", b"caseload|id|1|1"])
def test_open_with_other_associated_data_fails(aad: bytes) -> None:
    key = DataKey.generate()
    blob = key.seal(b"visit|id|1|1", b"synthetic")
    with pytest.raises(OpenFailed):
        key.open(aad, blob)


def test_open_under_another_key_or_tampered_fails() -> None:
    key = DataKey.generate()
    blob = key.seal(b"a", b"synthetic")
    with pytest.raises(OpenFailed):
        DataKey.generate().open(b"a", blob)
    for index in (0, 1, 5, len(blob) - 1):
        tampered = bytearray(blob)
        tampered[index] ^= 0x80
        with pytest.raises(OpenFailed):
            key.open(b"a", bytes(tampered))
    with pytest.raises(OpenFailed):
        key.open(b"a", blob[:10])


def test_wiped_key_is_zeroed_and_refuses_to_work() -> None:
    key = DataKey(os.urandom(32), version=1)
    material = key.material
    key.wipe()
    assert material == bytearray(32)
    with pytest.raises(ValueError, match="wiped"):
        key.seal(b"a", b"b")


@pytest.mark.parametrize(
    "params",
    [KdfParams.argon2id(), KdfParams.scrypt(), KdfParams.scrypt(log2_n=15)],
)
def test_kdf_parameters_round_trip_through_a_phc_string(params: KdfParams) -> None:
    salt = os.urandom(16)
    text = params.to_phc(salt)
    assert KdfParams.from_phc(text) == (params, salt)


def test_kek_depends_on_passphrase_salt_and_platform_secret() -> None:
    params, salt = KdfParams.scrypt(log2_n=8), os.urandom(16)
    base = crypto.derive_kek("passphrase one!", salt=salt, params=params, platform_secret=None)
    assert base == crypto.derive_kek(
        "passphrase one!", salt=salt, params=params, platform_secret=None
    )
    assert base != crypto.derive_kek(
        "passphrase two!", salt=salt, params=params, platform_secret=None
    )
    assert base != crypto.derive_kek(
        "passphrase one!", salt=os.urandom(16), params=params, platform_secret=None
    )
    assert base != crypto.derive_kek(
        "passphrase one!", salt=salt, params=params, platform_secret=b"s" * 32
    )


def test_recovery_wrap_opens_only_with_the_organisation_private_key() -> None:
    private, public = crypto.generate_recovery_keypair()
    other, _ = crypto.generate_recovery_keypair()
    key = os.urandom(32)
    device = crypto.recovery_wrap_device_id(crypto.recovery_wrap(public, key, device_id=_uuid()))
    blob = crypto.recovery_wrap(public, key, device_id=device)
    assert crypto.open_recovery_wrap(private, blob) == key
    assert crypto.recovery_wrap_device_id(blob) == device
    with pytest.raises(OpenFailed):
        crypto.open_recovery_wrap(other, blob)
    moved = blob[:1] + _uuid().bytes + blob[17:]  # the device id is bound to the wrap
    with pytest.raises(OpenFailed):
        crypto.open_recovery_wrap(private, moved)


def _uuid() -> UUID:
    from models.ids import new_id

    return new_id()


@pytest.mark.parametrize(
    ("passphrase", "has_secret", "ok"),
    [
        ("480215", True, True),
        ("123456", True, False),
        ("111111", True, False),
        ("4802", True, False),
        ("480215", False, False),
        ("8301947265019384", False, False),  # long but numbers only
        ("short words", False, False),
        ("aaaaaaaaaaaaaaaa", False, False),
        ("abcdefghijklmn", False, False),
        ("lantern orbit cobble meadow", False, True),
    ],
)
def test_passphrase_policy(passphrase: str, has_secret: bool, ok: bool) -> None:
    problem = passphrase_policy(passphrase, has_platform_secret=has_secret)
    assert (problem is None) is ok
    if problem:
        assert problem.endswith(".") and len(problem) < 300


def test_lockout_delays_start_after_three_and_never_shrink() -> None:
    delays = [delay_after(n) for n in range(12)]
    assert delays[:3] == [0, 0, 0]
    assert all(b >= a for a, b in itertools.pairwise(delays))


def test_only_the_crypto_module_imports_cryptography() -> None:
    root = Path(__file__).resolve().parents[2]
    importers = sorted(
        str(path.relative_to(root))
        for folder in ("mobile", "models", "sync", "seen_cli", "benchmarks")
        for path in (root / folder).rglob("*.py")
        if re.search(r"^\s*(from|import)\s+cryptography\b", path.read_text(), re.MULTILINE)
    )
    assert importers == ["mobile/store/crypto.py"]
