"""The one place in the project that imports cryptography. Written against the 43.x API (phones).

Primitives
- Records: AES-256-GCM under one random 256-bit data key (DEK), 96-bit random nonces, zlib
  compress-then-encrypt. Blob = b"\\x01" | key_version (2 bytes) | nonce (12) | ciphertext+tag.
  The AAD is the header plus `table|record_id|revision|key_version`: a blob moved to another
  record, table or revision fails authentication.
- Key wrap: KEK = HKDF-SHA256(KDF(passphrase, salt) || platform_secret, salt, info="dek-wrap/v1");
  wrapped = nonce | AESGCM(KEK).encrypt(DEK).
- KDF: Argon2id m=64 MiB, t=3, p=4 where the installed cryptography has it (44+); otherwise scrypt
  n=2**17, r=8, p=1 (128 MiB; OWASP's scrypt minimum; ~0.4 s on the 2-core reference machine,
  Argon2id ~0.1 s there). Parameters are stored PHC-style beside the wrapped key, so they can be
  raised later or calibrated per device.
- Recovery: the DEK sealed to the organisation's X25519 public key (ephemeral X25519 + HKDF-SHA256 +
  AES-256-GCM), bound to the device id. `open_recovery_wrap` is the organisation's side.

Python cannot zeroise memory reliably: the DEK lives in a bytearray that `DataKey.wipe()`
overwrites, and the AEAD object holding its own copy is dropped (best effort).
"""

from __future__ import annotations

import base64
import os
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from mobile.store.errors import KdfUnavailable

try:  # Argon2id arrived in cryptography 44; phones ship 43.
    from cryptography.hazmat.primitives.kdf import argon2 as _argon2
except ImportError:  # pragma: no cover - depends on the installed cryptography
    _argon2 = None  # type: ignore[assignment]

__all__ = [
    "ARGON2_AVAILABLE",
    "DataKey",
    "KdfParams",
    "OpenFailed",
    "default_kdf_params",
    "derive_kek",
    "generate_recovery_keypair",
    "open_recovery_wrap",
    "recovery_wrap",
    "unwrap_key",
    "wrap_key",
]

ARGON2_AVAILABLE: bool = _argon2 is not None
KEY_BYTES = 32
NONCE_BYTES = 12
SALT_BYTES = 16
_BLOB_FORMAT = b"\x01"
_RECOVERY_FORMAT = b"\x01"
_WRAP_INFO = b"dek-wrap/v1"
_RECOVERY_INFO = b"seen-recovery/v1"


class OpenFailed(ValueError):
    """A blob or wrapped key did not authenticate or decode (wrong key, tampered, moved, damaged)."""


@dataclass(frozen=True)
class KdfParams:
    """Passphrase-stretching parameters. Use `argon2id()` / `scrypt()`; small values only in tests."""

    algorithm: Literal["argon2id", "scrypt"]
    memory_kib: int = 0  # argon2id m
    iterations: int = 0  # argon2id t
    lanes: int = 0  # argon2id p
    log2_n: int = 0  # scrypt: n = 2**log2_n
    block_size: int = 0  # scrypt r
    parallelism: int = 0  # scrypt p

    @classmethod
    def argon2id(cls, *, memory_kib: int = 65536, iterations: int = 3, lanes: int = 4) -> KdfParams:
        return cls("argon2id", memory_kib=memory_kib, iterations=iterations, lanes=lanes)

    @classmethod
    def scrypt(cls, *, log2_n: int = 17, block_size: int = 8, parallelism: int = 1) -> KdfParams:
        return cls("scrypt", log2_n=log2_n, block_size=block_size, parallelism=parallelism)

    def to_phc(self, salt: bytes) -> str:
        encoded = _b64(salt)
        if self.algorithm == "argon2id":
            return (
                f"$argon2id$v=19$m={self.memory_kib},t={self.iterations},p={self.lanes}${encoded}"
            )
        return f"$scrypt$ln={self.log2_n},r={self.block_size},p={self.parallelism}${encoded}"

    @classmethod
    def from_phc(cls, text: str) -> tuple[KdfParams, bytes]:
        """Parse a PHC-style string into (params, salt); ValueError if it is not one of ours."""
        parts = text.split("$")
        if parts[0] != "" or len(parts) not in (4, 5):
            raise ValueError("not a PHC string")
        algorithm, fields, salt = parts[1], parts[-2], _unb64(parts[-1])
        values = {k: int(v) for k, v in (item.split("=", 1) for item in fields.split(","))}
        if algorithm == "argon2id":
            return cls.argon2id(
                memory_kib=values["m"], iterations=values["t"], lanes=values["p"]
            ), salt
        if algorithm == "scrypt":
            params = cls.scrypt(
                log2_n=values["ln"], block_size=values["r"], parallelism=values["p"]
            )
            return params, salt
        raise ValueError(f"unknown KDF {algorithm!r}")


def default_kdf_params() -> KdfParams:
    """The production parameters: Argon2id where available, else scrypt (see the module doc)."""
    return KdfParams.argon2id() if ARGON2_AVAILABLE else KdfParams.scrypt()


def require_kdf(params: KdfParams) -> None:
    """KdfUnavailable if this installation cannot run `params` (Argon2id on cryptography 43)."""
    if params.algorithm == "argon2id" and _argon2 is None:
        raise KdfUnavailable("argon2id")


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def derive_kek(
    passphrase: str, *, salt: bytes, params: KdfParams, platform_secret: bytes | None
) -> bytes:
    """The key-encryption key: the stretched passphrase combined with the platform secret."""
    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    require_kdf(params)
    if params.algorithm == "argon2id":
        stretched = _argon2.Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=params.iterations,
            lanes=params.lanes,
            memory_cost=params.memory_kib,
        ).derive(secret)
    else:
        stretched = Scrypt(
            salt=salt,
            length=KEY_BYTES,
            n=2**params.log2_n,
            r=params.block_size,
            p=params.parallelism,
        ).derive(secret)
    ikm = stretched + (platform_secret or b"")
    return HKDF(hashes.SHA256(), KEY_BYTES, salt=salt, info=_WRAP_INFO).derive(ikm)


class DataKey:
    """The DEK while the store is unlocked: seals and opens record blobs."""

    def __init__(self, key: bytes | bytearray, *, version: int) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        self._key = bytearray(key)
        self.version = version
        self._aead: AESGCM | None = AESGCM(self._key)

    @classmethod
    def generate(cls, *, version: int = 1) -> DataKey:
        return cls(os.urandom(KEY_BYTES), version=version)

    @property
    def material(self) -> bytearray:
        """The key bytes (for wrapping). Do not keep a reference beyond the call."""
        if self._aead is None:
            raise ValueError("this key has been wiped")
        return self._key

    def seal(self, aad: bytes, plaintext: bytes) -> bytes:
        aead = self._cipher()
        header = _BLOB_FORMAT + self.version.to_bytes(2, "big")
        nonce = os.urandom(NONCE_BYTES)
        return header + nonce + aead.encrypt(nonce, zlib.compress(plaintext, 6), header + aad)

    def open(self, aad: bytes, blob: bytes) -> bytes:
        aead = self._cipher()
        header, nonce, sealed = blob[:3], blob[3 : 3 + NONCE_BYTES], blob[3 + NONCE_BYTES :]
        if len(blob) < 3 + NONCE_BYTES + 16 or header[:1] != _BLOB_FORMAT:
            raise OpenFailed("not a sealed blob")
        if int.from_bytes(header[1:3], "big") != self.version:
            raise OpenFailed("sealed under another key version")
        try:
            return zlib.decompress(aead.decrypt(nonce, sealed, header + aad))
        except (InvalidTag, zlib.error) as exc:
            raise OpenFailed("blob failed authentication") from exc

    def wipe(self) -> None:
        for index in range(len(self._key)):
            self._key[index] = 0
        self._aead = None

    def _cipher(self) -> AESGCM:
        if self._aead is None:
            raise ValueError("this key has been wiped")
        return self._aead


def wrap_key(kek: bytes, key: bytes | bytearray, *, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, bytes(key), aad)


def unwrap_key(kek: bytes, wrapped: bytes, *, aad: bytes) -> bytearray:
    try:
        return bytearray(AESGCM(kek).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], aad))
    except (InvalidTag, ValueError) as exc:
        raise OpenFailed("wrong key") from exc


def recovery_wrap(public_key: bytes, key: bytes | bytearray, *, device_id: UUID) -> bytes:
    """Seal the DEK to the organisation's X25519 recovery public key, bound to this device."""
    recipient = X25519PublicKey.from_public_bytes(public_key)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    header = _RECOVERY_FORMAT + device_id.bytes + ephemeral_public
    wrapping = _recovery_kek(ephemeral.exchange(recipient), ephemeral_public, public_key)
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + AESGCM(wrapping).encrypt(nonce, bytes(key), header)


def recovery_wrap_device_id(blob: bytes) -> UUID:
    return UUID(bytes=blob[1:17])


def open_recovery_wrap(private_key: bytes, blob: bytes) -> bytes:
    """The organisation's side of recovery (it holds the private key, in a KMS in production)."""
    if len(blob) < 1 + 16 + 32 + NONCE_BYTES + 16 or blob[:1] != _RECOVERY_FORMAT:
        raise OpenFailed("not a recovery wrap")
    header, nonce, sealed = blob[:49], blob[49 : 49 + NONCE_BYTES], blob[49 + NONCE_BYTES :]
    me = X25519PrivateKey.from_private_bytes(private_key)
    ephemeral_public = header[17:49]
    shared = me.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    wrapping = _recovery_kek(shared, ephemeral_public, me.public_key().public_bytes_raw())
    try:
        return AESGCM(wrapping).decrypt(nonce, sealed, header)
    except InvalidTag as exc:
        raise OpenFailed("recovery wrap failed authentication") from exc


def generate_recovery_keypair() -> tuple[bytes, bytes]:
    """(private, public) raw X25519 keys: the organisation's tooling and the tests use this."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), private.public_key().public_bytes_raw()


def is_recovery_public_key(value: Any) -> bool:
    if not isinstance(value, bytes) or len(value) != 32:
        return False
    try:
        X25519PublicKey.from_public_bytes(value)
    except ValueError:
        return False
    return True


def _recovery_kek(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(
        hashes.SHA256(), KEY_BYTES, salt=ephemeral_public + recipient_public, info=_RECOVERY_INFO
    ).derive(shared)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))
