"""What a PIN or passphrase must be, and how wrong PINs are slowed down and then stopped.

With a platform secret (the phone's keystore) copied files are useless without the phone, and
the lockout below guards the on-device path, so a 6-digit PIN that is not a repeat or a sequence
is enough.

Without one (web, desktop) the files alone protect the records: whoever copies them can guess
offline, as fast as their hardware runs the KDF, and no lockout applies. So the passphrase must
be hard to guess, not merely long: its strength is estimated with zxcvbn (dictionaries of common
passwords, names and words, keyboard patterns, dates, repeats, l33t), and it must need at least
MIN_GUESSES = 10**12 guesses. Why that floor: at the default KDF cost (Argon2id 64 MiB, 3 passes,
~0.1 s a guess on one core; scrypt N=2**17 ~0.4 s) memory-hard hashing holds a well-equipped
attacker to the order of 10**3 guesses a second per GPU, so 10**12 guesses is about 30 GPU-years
(thousands of core-years) for the whole space, half that on average. zxcvbn's own "score 4"
(10**10) would fall in months. A 6-digit PIN is ~10**4 by the same measure; "password1234" and
"qwertyuiopas" ~10**4; three or four unrelated words ~10**14 to 10**21. docs/security.md says
what remains possible on such a device.
"""

from __future__ import annotations

import itertools
from typing import Any

__all__ = [
    "FREE_ATTEMPTS",
    "MAX_ATTEMPTS",
    "MIN_GUESSES",
    "MIN_PASSPHRASE_LENGTH",
    "MIN_PIN_LENGTH",
    "delay_after",
    "passphrase_policy",
]

MAX_ATTEMPTS = 10  # wrong PINs before the app locks until online recovery (Cyber Essentials <= 10)
FREE_ATTEMPTS = 3  # wrong PINs before delays start
MIN_PIN_LENGTH = 6
MIN_PASSPHRASE_LENGTH = 12
MIN_GUESSES = 10**12  # zxcvbn's estimate, without a platform secret (see above)
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; a prefix's strength is a lower bound
# Words anyone guessing would try first on this app.
_APP_WORDS = ["seen", "heard", "seenandheard", "social", "worker", "visit", "child", "children"]
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
    return _too_guessable(text)


def _too_guessable(text: str) -> str | None:
    from zxcvbn import zxcvbn  # imported when first needed: its word lists are large

    result: dict[str, Any] = zxcvbn(text[:_ZXCVBN_MAX], user_inputs=_APP_WORDS)
    if float(result["guesses"]) >= MIN_GUESSES:
        return None
    feedback = result.get("feedback") or {}
    hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    words = " ".join(_PLAIN.get(h, h) for h in hints if h and _PLAIN.get(h, h))
    return (
        "That passphrase would be too easy to guess for someone who copied this device's files. "
        + (words + " " if words else "")
        + "Try three or four unrelated words, not a saying, a name or a date."
    )


# zxcvbn's feedback in the app's words ("" drops advice that does not help here).
_PLAIN = {
    "This is a top-10 common password.": "It is one of the most common passwords.",
    "This is a top-100 common password.": "It is one of the most common passwords.",
    "This is a very common password.": "It is a very common password.",
    "This is similar to a commonly used password.": "It is close to a common password.",
    "Capitalization doesn't help very much.": "Capital letters do not make it much harder.",
    "Use a longer keyboard pattern with more turns.": "",
    "No need for symbols, digits, or uppercase letters.": "",
    "Add another word or two. Uncommon words are better.": "",  # the closing advice says it
}


def _is_run(text: str) -> bool:
    """True for straight sequences such as 123456, 654321 or abcdefghijkl."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})
