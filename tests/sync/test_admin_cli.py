"""`seen admin ...` end to end on a SQLite data dir (synthetic data only)."""

from __future__ import annotations

import base64
import re
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from mobile.store.crypto import open_recovery_wrap, recovery_wrap
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
    assert result.exit_code != 0 and "holds no organisation yet" in result.output
    _run("admin", "create-org", "--data-dir", str(tmp_path), "--org-id", "ORG-T", "--name", "T")
    result = CliRunner().invoke(
        cli,
        ["admin", "create-team", "--data-dir", str(tmp_path), "--org-id", "NOPE", "--name", "x"],
    )
    assert result.exit_code != 0 and "No organisation NOPE" in result.output


def test_admin_beside_the_demo_points_at_the_demos_data_rather_than_doing_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "demo" / "server").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["admin", "list-devices"])
    assert result.exit_code == 1
    assert "holds no organisation yet" in result.output
    assert "add --data-dir data/demo/server" in result.output


def test_recovery_key_reaches_devices_at_enrolment_and_its_private_half_stays_in_the_file(
    tmp_path: Path,
) -> None:
    data = str(tmp_path / "server")
    out = _run("admin", "seed-demo", "--data-dir", data, "--children", "2", "--households", "1")
    worker = re.search(r"^practitioner (\S+)", out, re.M)
    org = re.search(r"^organisation (\S+)", out, re.M)
    assert worker and org
    key_file = tmp_path / "recovery.key"
    _run(
        "admin",
        "recovery-key",
        "--data-dir",
        data,
        "--org-id",
        org.group(1),
        "--out",
        str(key_file),
    )
    assert key_file.stat().st_mode & 0o777 == 0o600
    again = CliRunner().invoke(
        cli, ["admin", "recovery-key", "--data-dir", data, "--org-id", org.group(1),
              "--out", str(key_file)],
    )  # fmt: skip
    assert again.exit_code != 0 and "exists" in again.output
    enrol = _run("admin", "enrol-device", "--data-dir", data, "--practitioner", worker.group(1))
    code = re.search(r"Enrolment code: (\S+)", enrol)
    assert code
    with TestClient(create_app(Settings.for_data_dir(data))) as http:
        answer = SyncClient(http, credential=None, timeout=None).enrol(
            code.group(1), device_id=uuid.uuid4()
        )
    private = base64.b64decode(key_file.read_bytes())
    assert answer.recovery_public_key is not None
    public = base64.b64decode(answer.recovery_public_key)
    sealed = recovery_wrap(public, b"k" * 32, device_id=uuid.uuid4())
    assert open_recovery_wrap(private, sealed) == b"k" * 32  # the file's key opens the wraps
    assert key_file.read_text().strip() not in (
        Path(data) / "central-record.sqlite3"
    ).read_bytes().decode(errors="replace")
