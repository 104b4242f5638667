"""The organisation's recovery key pair (X25519). The central record keeps only the public key;
the private key goes to a file the organisation keeps offline or in its KMS, and is what opens a
locked-out device's recovery wrap (mobile/store/crypto.py seals to it)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

__all__ = ["new_recovery_key_file"]


def new_recovery_key_file(path: Path) -> str:
    """Write a new private key to `path` (created 0600, never overwritten); return the public
    key, base64, for the central record."""
    private = X25519PrivateKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(base64.b64encode(private.private_bytes_raw()) + b"\n")
    return base64.b64encode(private.public_key().public_bytes_raw()).decode()
