"""`seen loadtest` with tiny numbers: a short run that completes what it started passes, and a run
with nothing to do is a usage error (a real central record on 127.0.0.1; synthetic data only)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from seen_cli.main import cli

pytestmark = pytest.mark.slow


def _loadtest(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["loadtest", *args])
    return result.exit_code, result.output


def test_loadtest_cut_short_by_seconds_passes_when_everything_sent_was_stored() -> None:
    code, out = _loadtest("--devices", "2", "--visits", "60", "--seconds", "0.001")
    assert code == 0, out
    assert "Stopped at the --seconds limit: 40 of the 120 planned were sent." in out
    assert re.search(r"stored 40 \(expected 40\)", out) and "Nothing lost, nothing doubled." in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--devices", "0"), "Nothing ran: --devices 0 gives nothing to send"),
        (("--visits", "0"), "Nothing ran: --visits 0 gives nothing to send"),
        (("--seconds", "0"), "Nothing ran: --seconds 0 leaves no time"),
    ],
)
def test_loadtest_with_zero_devices_visits_or_seconds_is_a_usage_error(
    args: tuple[str, ...], words: str
) -> None:
    code, out = _loadtest(*args)
    assert code == 2 and words in out
    assert "Nothing lost" not in out
