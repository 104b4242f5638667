"""`seen admin set-plan` and `seen admin record-decision` end to end on a SQLite data dir."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from seen_cli.main import cli
from sync.server.db import Database
from sync.server.settings import Settings
from sync.server.tables import AuditEventRow, ChildPlanRow, ChildRow, DecisionRow


def _run(*args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert (result.exit_code == 0) == ok, result.output
    return result.output


def test_set_plan_and_record_decisions_from_the_command_line(tmp_path: Path) -> None:
    data = str(tmp_path / "server")
    out = _run("admin", "seed-demo", "--data-dir", data, "--children", "2", "--households", "1")
    found = re.search(r"^practitioner (\S+)", out, re.M)
    assert found
    worker = found.group(1)
    db = Database(Settings.for_data_dir(data).database_url)
    try:
        with db.read() as s:
            child = s.exec(select(ChildRow)).first()
            assert child is not None and child.household_id is not None
            child_id, home = str(child.child_id), str(child.household_id)
        plan = _run(
            "admin", "set-plan", "--data-dir", data, "--child", child_id, "--context", "CP_PLAN",
            "--start", "2026-02-02", "--household", f"{home}:lives",
        )  # fmt: skip
        assert "Plan set: Child protection plan" in plan and "Next statutory visit due" in plan
        decided = _run(
            "admin", "record-decision", "--data-dir", data, "--child", child_id,
            "--kind", "DECISION_TO_ASSESS", "--on", "2026-02-03", "--by", worker,
        ).strip()  # fmt: skip
        assert uuid.UUID(decided)
        refused = _run(
            "admin", "record-decision", "--data-dir", data, "--child", child_id,
            "--kind", "REFERRAL", "--on", "2999-01-01", "--by", worker, ok=False,
        )  # fmt: skip
        assert "cannot be dated in the future" in refused
        bad = _run(
            "admin", "set-plan", "--data-dir", data, "--child", child_id, "--context", "CP_PLAN",
            "--rule", "CLA_LONG_TERM", "--start", "2026-02-02", ok=False,
        )  # fmt: skip
        assert "does not fit" in bad
        nobody = _run(
            "admin", "record-decision", "--data-dir", data, "--child", child_id,
            "--kind", "REFERRAL", "--on", "2026-02-03", "--by", str(uuid.uuid4()), ok=False,
        )  # fmt: skip
        assert "No such practitioner" in nobody
        with db.read() as s:
            saved = s.get(ChildPlanRow, (child.org_id, child.child_id))
            assert saved is not None and saved.households == [
                {"household_id": home, "how": "lives"}
            ]
            assert len(s.exec(select(DecisionRow)).all()) == 1
            actions = {a.action for a in s.exec(select(AuditEventRow))}
            assert {"plan.set", "decision.record"} <= actions
    finally:
        db.dispose()


def test_set_org_settings_from_the_command_line(tmp_path: Path) -> None:
    from sync.server.tables import OrganisationRow

    data = str(tmp_path / "server")
    _run("admin", "seed-demo", "--data-dir", data, "--children", "2", "--households", "1")
    db = Database(Settings.for_data_dir(data).database_url)
    try:
        with db.read() as s:
            org = s.exec(select(OrganisationRow)).one()
            org_id = org.org_id
        good = tmp_path / "settings.json"
        good.write_text('{"limits": {"escalation_prompt_hours": 2}, "closures": ["2026-12-24"]}')
        said = _run("admin", "set-org-settings", "--data-dir", data, "--org-id", org_id,
                    "--file", str(good))  # fmt: skip
        assert "Settings saved; sent to" in said and "children checked" in said
        bad = tmp_path / "bad.json"
        for text, words in [
            ('{"limits": {"escalation_prompt_hours": 0}}', "from 1 to 72"),
            ("[1, 2]", "one JSON object"),
            ("{not json", "is not JSON"),
        ]:
            bad.write_text(text)
            refused = _run("admin", "set-org-settings", "--data-dir", data, "--org-id", org_id,
                           "--file", str(bad), ok=False)  # fmt: skip
            assert words in refused and "Traceback" not in refused
        with db.read() as s:
            org = s.exec(select(OrganisationRow)).one()
            assert org.settings == {
                "limits": {"escalation_prompt_hours": 2}, "closures": ["2026-12-24"],
            }  # fmt: skip
    finally:
        db.dispose()
