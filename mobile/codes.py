"""The app's one catalogue of error codes, and the words a practitioner sees for the app's own.

Every error the app shows carries one code from here, the same from the layer that raises it up
to the screen: the store raises store.wrong_pin and the unlock screen is told store.wrong_pin. A
code from the central record (or the sync client) is sync.protocol's, carried unchanged. A code
may be added, never renamed.

Words: WORDS holds the words for every code the app raises itself. The store's errors bring their
own words (they name specifics: attempts left, a record's reference), as do the domain's (what a
visit still needs) and the central record's (`detail`). mobile/services/errors.py `app_error` is
the one place an error becomes the words on the screen.

Imports nothing of the app: the store, the services and the screens all read it.
"""

from __future__ import annotations

from sync import protocol

# --- Raised by the store (mobile/store/errors.py; its messages are the words) -------------------
STORE_ERROR = "store.error"
NOT_SET_UP = "store.not_set_up"
ALREADY_SET_UP = "store.already_set_up"
LOCKED = "store.locked"  # locked, idle or by hand: the services say so in WORDS' words
WRONG_PIN = "store.wrong_pin"
TRY_AGAIN_LATER = "store.try_again_later"  # too soon after wrong PINs
LOCKED_OUT = "store.locked_out"  # too many wrong PINs: only online recovery unlocks
PLATFORM_SECRET_MISSING = "store.platform_secret_missing"  # noqa: S105 (a code, not a secret)
WEAK_PASSPHRASE = "store.weak_passphrase"  # noqa: S105 (a code); checked before enrolling too
RECOVERY_UNAVAILABLE = "store.recovery_unavailable"
RECOVERY_FAILED = "store.recovery_failed"
DEVICE_WIPED = "store.device_wiped"  # found erased: the device was revoked earlier
KEYRING_DAMAGED = "store.keyring_damaged"
KDF_UNAVAILABLE = "store.kdf_unavailable"
SCHEMA_TOO_NEW = "store.schema_too_new"
NOT_FOUND = "store.not_found"
ALREADY_ACKNOWLEDGED = "store.already_acknowledged"
ALREADY_WAITING = "store.already_waiting"  # a newer one of the same record waits to be sent
CORRUPT_RECORD = "store.corrupt_record"
FROM_STORE = frozenset(
    {
        STORE_ERROR, NOT_SET_UP, ALREADY_SET_UP, LOCKED, WRONG_PIN, TRY_AGAIN_LATER, LOCKED_OUT,
        PLATFORM_SECRET_MISSING, WEAK_PASSPHRASE, RECOVERY_UNAVAILABLE, RECOVERY_FAILED,
        DEVICE_WIPED, KEYRING_DAMAGED, KDF_UNAVAILABLE, SCHEMA_TOO_NEW, NOT_FOUND,
        ALREADY_ACKNOWLEDGED, ALREADY_WAITING, CORRUPT_RECORD,
    }
)  # fmt: skip

# --- A visit refused by the recording rules (models.errors; its messages are the words) ---------
VISIT_INCOMPLETE = "visit.incomplete"  # SubmissionBlocked: .check lists what to do first
VISIT_LOCKED = "visit.locked"  # RecordLocked: a submitted visit is amended, never edited
VISIT_INVALID = "visit.invalid"  # any other: a malformed record, an amendment refused

# --- Raised by the services themselves ----------------------------------------------------------
NO_CHILDREN = "visit.no_children"
CONCERN_ACTION_NEEDED = (
    "concern.action_needed"  # acknowledging says what was done (the rule's words)
)
TASK_NOTE_NEEDED = "task.note_needed"  # marking a task done says what was done (the rule's words)
BAD_SERVER_URL = "session.bad_server_url"
OTHER_PRACTITIONER = "session.other_practitioner"  # a re-enrolment code in someone else's name
ENROLMENT_INCOMPLETE = "session.enrolment_incomplete"
OFFLINE = "app.offline"  # the sync client got no usable answer, after retrying
UNEXPECTED = "app.unexpected"  # none of ours: its type goes to the log, never its text

# --- The central record withdrew this device, which erased itself (sync.protocol's codes) -------
DEVICE_REVOKED = protocol.DEVICE_REVOKED  # lost or stolen
DEVICE_RETIRING = protocol.DEVICE_RETIRING  # retired: everything it held was sent first

WORDS: dict[str, str] = {
    LOCKED: "The app locked to keep records safe. Unlock to carry on: nothing was lost.",
    NO_CHILDREN: "Choose at least one child for this visit.",
    BAD_SERVER_URL: (
        "The server address should start with https:// (ask your team manager for it)."
    ),
    OTHER_PRACTITIONER: "This code is for someone else. Ask for a code in your own name.",
    ENROLMENT_INCOMPLETE: (
        "Setting up this device did not finish. Enrol it again with a new code from your "
        "team manager; records already on it are kept."
    ),
    OFFLINE: (
        "No connection to the central record. Your records are safe here and will be sent when "
        "there is a signal."
    ),
    UNEXPECTED: (
        "Something went wrong. What you entered is kept on this device; try again, and if it "
        "keeps happening, tell support the time it happened."
    ),
    DEVICE_REVOKED: (
        "Your organisation has withdrawn this device, so its records were erased. "
        "Contact your team manager."
    ),
    DEVICE_RETIRING: (
        "Your organisation has retired this device. Every record it held was sent to the central "
        "record first, then the device was erased."
    ),
}
