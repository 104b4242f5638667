"""The import contracts (pyproject.toml [tool.importlinter]) hold, and would catch a wrong-way
import: a copy of the tree with one import pointing outward fails them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "sync", "mobile", "seen_cli", "benchmarks", "synthetic")
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=120
    )


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


@pytest.mark.slow
def test_the_tree_keeps_every_import_contract(tmp_path: Path) -> None:
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("module", "wrong_way", "contract"),
    [
        ("models/ids.py", "import mobile.store", "The shared domain is pure"),
        ("sync/server/db.py", "import mobile.services", "The central record never imports"),
        ("mobile/ui/viewmodels/base.py", "import httpx", "Views and view-models import no store"),
        ("mobile/store/records.py", "import mobile.ui", "The device's layers point inward"),
        ("mobile/services/sync.py", "import cryptography", "Cryptography at one seam"),
    ],
)
def test_a_wrong_way_import_breaks_a_contract(
    tmp_path: Path, module: str, wrong_way: str, contract: str
) -> None:
    tree = _copy(tmp_path)
    target = tree / module
    target.write_text(target.read_text() + f"\n{wrong_way}  # pointing the wrong way\n")
    result = _lint(tree)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert any(line.startswith(contract) for line in broken), result.stdout[-3000:]
