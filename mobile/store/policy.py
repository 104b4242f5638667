"""What a PIN or passphrase must be, and how wrong PINs are slowed down and then stopped.

Why a passphrase where there is no platform secret (web, desktop): the files alone then protect
the records. At the measured KDF cost (~0.1 s per Argon2id guess, ~0.4 s per scrypt guess on the
reference machine) a 6-digit PIN (10**6 values) falls to a single core in one to five days. Twelve or more
characters drawn from at least six different ones (three or four unrelated words, say) put an
exhaustive search at well over 2**44 guesses: thousands of core-years. With a platform secret
(the phone's keystore) copied files are useless without the phone, and the lockout below guards
the on-device path, so a 6-digit PIN is enough.
"""

from __future__ import annotations

import itertools

__all__ = [
    "FREE_ATTEMPTS",
    "MAX_ATTEMPTS",
    "MIN_PASSPHRASE_LENGTH",
    "MIN_PIN_LENGTH",
    "delay_after",
    "passphrase_policy",
]

MAX_ATTEMPTS = 10  # wrong PINs before the app locks until online recovery (Cyber Essentials <= 10)
FREE_ATTEMPTS = 3  # wrong PINs before delays start
MIN_PIN_LENGTH = 6
MIN_PASSPHRASE_LENGTH = 12
_MIN_DISTINCT = 6
# Seconds to wait after the n-th consecutive wrong PIN (n = 3..9); 10 locks.
_DELAYS = {3: 30, 4: 60, 5: 300, 6: 900, 7: 1800, 8: 3600, 9: 3600}


def delay_after(failures: int) -> int:
    """The wait enforced after `failures` consecutive wrong PINs (0 below FREE_ATTEMPTS)."""
    if failures < FREE_ATTEMPTS:
        return 0
    return _DELAYS.get(failures, _DELAYS[9])


def passphrase_policy(passphrase: str, *, has_platform_secret: bool) -> str | None:
    """None if `passphrase` is acceptable; otherwise what is wrong with it, in plain words."""
    text = passphrase.strip()
    if has_platform_secret:
        if len(text) < MIN_PIN_LENGTH:
            return f"Use at least {MIN_PIN_LENGTH} digits or characters."
        if len(set(text)) == 1 or _is_run(text):
            return "Choose a PIN that is harder to guess than a repeated digit or a sequence."
        return None
    if text.isdigit():
        return (
            "On this device a PIN of numbers alone is not safe enough, because there is no secure "
            f"storage to protect it. Use a passphrase of at least {MIN_PASSPHRASE_LENGTH} "
            "characters, for example three or four unrelated words."
        )
    if len(text) < MIN_PASSPHRASE_LENGTH:
        return (
            f"Use at least {MIN_PASSPHRASE_LENGTH} characters, for example three or four unrelated "
            "words: on this device the passphrase alone protects the records."
        )
    if len({c.lower() for c in text}) < _MIN_DISTINCT or _is_run(text.lower()):
        return "That passphrase repeats itself too much: use three or four unrelated words."
    return None


def _is_run(text: str) -> bool:
    """True for straight sequences such as 123456, 654321 or abcdefghijkl."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})
