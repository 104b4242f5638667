"""The organisation's recovery key pair (X25519), made by the admin tool. The central record keeps
only the public key; the private key goes to a file the organisation keeps offline or in its KMS,
and is what opens a locked-out device's recovery wrap. The key maths is the device store's own
(mobile/store/crypto.py), so both ends agree by construction."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from mobile.store.crypto import generate_recovery_keypair

__all__ = ["new_recovery_key_file"]


def new_recovery_key_file(path: Path) -> str:
    """Write a new private key to `path` (created 0600, never overwritten); return the public
    key, base64, for the central record."""
    private, public = generate_recovery_keypair()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(base64.b64encode(private) + b"\n")
    return base64.b64encode(public).decode()
