"""What ships where (pyproject.toml): the server needs no Flet, the phone no command line, server
parts or test data; the lists that say what a phone gets agree with the app's."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
EXTRAS = PROJECT["optional-dependencies"]


def _names(requirements: list[str]) -> set[str]:
    return {Requirement(r).name for r in requirements}


def test_the_shared_domain_needs_neither_the_app_nor_the_server() -> None:
    assert _names(PROJECT["dependencies"]) == {"pydantic", "holidays", "tzdata"}
    assert "flet" not in _names(EXTRAS["server"]) | _names(EXTRAS["cli"])


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_a_phone_gets_the_apps_packages_and_nothing_else(platform: str) -> None:
    phone = PYPROJECT["tool"]["flet"][platform]["dependencies"]
    assert _names(phone) == _names(EXTRAS["app"])
    assert {str(Requirement(r).specifier) for r in phone} == {
        str(Requirement(r).specifier) for r in EXTRAS["app"]
    }
    excluded = set(PYPROJECT["tool"]["flet"]["app"]["exclude"])
    assert {"tests", "seen_cli", "sync/server", "synthetic", "benchmarks"} <= excluded


_WITHOUT = """
import importlib.abc, sys
class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {absent!r}:
            raise ImportError(f"{{name}} is not installed here")
        return None
sys.meta_path.insert(0, Absent())
"""


def _run_without(absent: set[str], code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = _WITHOUT.format(absent=sorted(absent)) + code
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


@pytest.mark.slow
def test_the_central_record_and_its_admin_run_without_flet_or_the_apps_packages(
    tmp_path: Path,
) -> None:
    code = f"""
from click.testing import CliRunner
from seen_cli.main import cli
from sync.server.app import create_app
from sync.server.settings import Settings
app = create_app(Settings(database_url="sqlite:///{tmp_path / "central.sqlite3"}"))
assert CliRunner().invoke(cli, ["server", "--help"]).exit_code == 0
assert CliRunner().invoke(cli, ["admin", "--help"]).exit_code == 0
print("ran", len(app.routes), "routes")
"""
    result = _run_without({"flet", "flet_web", "zxcvbn", "mobile"}, code, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("ran ")


@pytest.mark.slow
def test_the_app_runs_without_the_server_the_command_line_or_test_data(tmp_path: Path) -> None:
    code = """
import mobile.main
import mobile.ui.views.shell
import mobile.services.session
print("app imported")
"""
    absent = {"click", "fastapi", "sqlmodel", "sqlalchemy", "uvicorn", "alembic", "psycopg"}
    result = _run_without(absent | {"synthetic", "seen_cli", "benchmarks"}, code, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "app imported"
