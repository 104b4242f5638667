"""The app's one error catalogue (mobile/codes.py) and the one place errors become words
(mobile/services/errors.py): a condition keeps its code from the store up to the screen."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import mobile
from mobile import codes
from mobile.services.errors import (
    AppError,
    DeviceWipedError,
    LockedOutError,
    SessionLockedError,
    WrongPinError,
    app_error,
    app_errors,
)
from mobile.store import errors as store_errors
from mobile.ui.viewmodels.base import plain_words
from sync import client as sync_errors
from sync import protocol
from synthetic.caseloads import FIRST_NAMES, STREETS, SURNAMES

MOBILE = Path(mobile.__file__).parent


def _store_error_classes() -> list[type[store_errors.StoreError]]:
    found, todo = [], [store_errors.StoreError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_view_models_load_neither_cryptography_nor_httpx() -> None:
    """errors.py maps by code, so a screen's view-model never loads the store or the client."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import mobile.ui.viewmodels as vms\n"
        "for m in pkgutil.walk_packages(vms.__path__, 'mobile.ui.viewmodels.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(n for n in ('cryptography', 'httpx', 'mobile.store', 'sync.client')"
        " if n in sys.modules))\n"
        "print('mobile.ui.viewmodels.visit.recorder' in sys.modules)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert ran.stdout.split("\n")[:2] == ["[]", "True"]


def test_every_store_error_code_is_in_the_catalogue() -> None:
    assert {cls.code for cls in _store_error_classes()} == codes.FROM_STORE


def test_every_code_written_in_the_app_is_a_catalogue_code() -> None:
    """No layer makes up a code: every `code=` the app writes names a catalogue code."""
    catalogue = {v for k, v in vars(codes).items() if k.isupper() and isinstance(v, str)}
    written = set()
    for path in MOBILE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "code"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                written.add((path.name, node.value.value))
    assert {(name, code) for name, code in written if code not in catalogue} == set()
    assert set(codes.WORDS) <= catalogue


@pytest.mark.parametrize(
    ("error", "shown_as", "code"),
    [
        (store_errors.WrongPin(remaining_attempts=7, delay_seconds=30), WrongPinError, "store.wrong_pin"),
        (store_errors.TryAgainLater(wait_seconds=60, remaining_attempts=5), WrongPinError, "store.try_again_later"),
        (store_errors.LockedOut(), LockedOutError, "store.locked_out"),
        (store_errors.StoreLocked(), SessionLockedError, "store.locked"),
        (store_errors.DeviceWiped(), DeviceWipedError, "store.device_wiped"),
        (store_errors.WeakPassphrase("Too short."), AppError, "store.weak_passphrase"),
        (store_errors.RecordNotFound("visit", "v1"), AppError, "store.not_found"),
        (sync_errors.DeviceRevoked(protocol.DEVICE_REVOKED, "Wipe."), AppError, "device.revoked"),
        (sync_errors.TransportFailed(protocol.TRANSPORT_NETWORK, "Offline."), AppError, "transport.network"),
    ],
)  # fmt: skip
def test_a_condition_keeps_its_code_from_the_store_to_the_screen(
    error: Exception, shown_as: type[AppError], code: str
) -> None:
    shown = app_error(error)
    assert type(shown) is shown_as and shown.code == code == error.code  # type: ignore[attr-defined]


def test_wrong_pin_and_try_again_later_say_how_long_to_wait() -> None:
    wrong = app_error(store_errors.WrongPin(remaining_attempts=7, delay_seconds=30))
    later = app_error(store_errors.TryAgainLater(wait_seconds=60, remaining_attempts=5))
    assert isinstance(wrong, WrongPinError) and isinstance(later, WrongPinError)
    assert (wrong.remaining_attempts, wrong.retry_after_seconds) == (7, 30)
    assert (later.remaining_attempts, later.retry_after_seconds) == (5, 60)
    assert wrong.message == str(store_errors.WrongPin(remaining_attempts=7, delay_seconds=30))


def test_the_screen_shows_the_words_app_error_gives_and_never_an_exceptions_text() -> None:
    assert plain_words(store_errors.StoreLocked()) == codes.WORDS[codes.LOCKED]
    assert plain_words(AppError.of(codes.NO_CHILDREN)) == codes.WORDS[codes.NO_CHILDREN]
    who = f"{FIRST_NAMES[0]} {SURNAMES[0]}, 3 {STREETS[0]}"  # synthetic: never a real person
    shown = plain_words(ValueError(who))
    assert shown == codes.WORDS[codes.UNEXPECTED] and FIRST_NAMES[0] not in shown
    assert app_error(KeyError("x")).code == codes.UNEXPECTED


def test_one_helper_turns_whatever_fails_into_an_app_error() -> None:
    with pytest.raises(SessionLockedError) as locked, app_errors():
        raise store_errors.StoreLocked()
    assert locked.value.__cause__ is None and locked.value.__suppress_context__

    @app_errors()
    def read() -> None:
        raise RuntimeError(f"{FIRST_NAMES[0]} {SURNAMES[0]}")

    with pytest.raises(AppError) as caught:
        read()
    assert caught.value.code == codes.UNEXPECTED and FIRST_NAMES[0] not in caught.value.message
