"""`seen admin ...` end to end on a SQLite data dir (synthetic data only)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from click.testing import CliRunner

from seen_cli.main import cli
from sync.client import DeviceRevoked, SyncClient
from sync.server import Settings, create_app
from tests.sync.helpers import TestClient


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_enrol_pull_and_revoke(tmp_path: Path) -> None:
    data = str(tmp_path / "server")
    out = _run("admin", "seed-demo", "--data-dir", data, "--children", "4", "--households", "2")
    worker = re.search(r"^practitioner (\S+)", out, re.M)
    assert worker and "Loaded 4 children" in out
    enrol = _run("admin", "enrol-device", "--data-dir", data, "--practitioner", worker.group(1))
    code = re.search(r"Enrolment code: (\S+)", enrol)
    assert code and "█" in enrol  # the QR code, drawn in the terminal
    app = create_app(Settings.for_data_dir(data))
    with TestClient(app) as http:
        device = SyncClient(http, credential=None, timeout=None)
        device.enrol(code.group(1), device_id=uuid.uuid4())
        pulled = [c for page in device.iter_changes(None) for c in page.changes]
        assert sum(1 for c in pulled if c.kind == "child") == 4
        listed = _run("admin", "list-devices", "--data-dir", data)
        device_id = listed.split()[0]
        _run("admin", "revoke-device", "--data-dir", data, "--device", device_id)
        try:
            device.changes(None)
            raise AssertionError("a revoked device was served")
        except DeviceRevoked as exc:
            assert "Wipe" in exc.detail


def test_create_org_team_practitioner_and_migrate(tmp_path: Path) -> None:
    data = str(tmp_path / "server")
    _run("admin", "migrate", "--data-dir", data)
    _run(
        "admin",
        "create-org",
        "--data-dir",
        data,
        "--org-id",
        "ORG-TEST",
        "--name",
        "Test org (synthetic)",
    )
    team = _run(
        "admin", "create-team", "--data-dir", data, "--org-id", "ORG-TEST", "--name", "T"
    ).strip()
    pid = _run(
        "admin", "create-practitioner", "--data-dir", data, "--org-id", "ORG-TEST",
        "--name", "Manager (synthetic)", "--role", "manager", "--team", team,
    ).strip()  # fmt: skip
    assert uuid.UUID(team) and uuid.UUID(pid)


def test_admin_errors_are_one_plain_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["admin", "create-team", "--data-dir", str(tmp_path), "--org-id", "NOPE", "--name", "x"],
    )
    assert result.exit_code != 0 and "No organisation NOPE" in result.output
