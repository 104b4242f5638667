"""The central record by role: admin verbs and jobs call services, never the HTTP routes; the
flag rules are models' (pure, importing nothing of ours but models)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
    return found


def test_admin_verbs_and_jobs_call_services_never_routes() -> None:
    callers = [*(ROOT / "seen_cli").glob("*.py"), *(ROOT / "synthetic").glob("*.py")]
    assert callers
    for path in callers:
        wrong = {m for m in _imports(path) if m.startswith("sync.server.routes")}
        assert not wrong, f"{path.name} imports {sorted(wrong)}: call sync.server.services"


def test_the_flag_rules_import_nothing_of_ours_but_models() -> None:
    ours = ("mobile", "sync", "seen_cli", "synthetic", "benchmarks")
    wrong = {m for m in _imports(ROOT / "models" / "flags.py") if m.split(".")[0] in ours}
    assert not wrong
    assert not {m for m in _imports(ROOT / "models" / "flags.py") if "sqlalchemy" in m}
