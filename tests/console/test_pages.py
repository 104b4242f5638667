"""The console's frame and first page: the open flags of the manager's own team only (the duty
worker's: the organisation's), each child shown audited; the frame without the crown or any
CDN; the error page; `seen admin create-staff`."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from seen_cli.main import cli
from sync.server.tables import StaffAccountRow, table_of
from tests.console.helpers import Console
from tests.sync.helpers import ORG


def test_a_manager_sees_their_teams_open_flags_and_not_another_teams(console: Console) -> None:
    ours = console.child_of_team(console.world.team_a)
    theirs = console.child_of_team(console.world.team_b)
    console.flag(ours, urgency="urgent")
    console.flag(ours, kind="visit_overdue", urgency="routine")
    console.flag(theirs, urgency="urgent")
    page = console.sign_in(console.client())  # lands on the first page: one view
    assert "2 open, most urgent first" in page.text
    assert "Child not seen at a visit" in page.text and "Visit overdue" in page.text
    links = set(re.findall(r'href="/console/flags/([0-9a-f-]+)"', page.text))
    assert len(links) == 2  # each opens its page, to act on it (the not-seen one listed twice)
    # Most urgent first.
    assert page.text.index("Urgent") < page.text.index("Routine")
    viewed = console.world.audit(action="console.flags_viewed")
    assert [(r["child_id"], r["practitioner_id"]) for r in viewed] == [
        (ours, console.world.manager.practitioner_id)
    ]


def test_the_duty_worker_sees_the_organisations_open_flags(console: Console) -> None:
    console.flag(console.child_of_team(console.world.team_a))
    console.flag(console.child_of_team(console.world.team_b))
    page = console.sign_in(console.client(), "duty")
    assert "across the organisation" in page.text and "2 open" in page.text
    assert len(console.world.audit(action="console.flags_viewed")) == 2


def test_the_frame_has_no_crown_no_cdn_and_a_skip_link(console: Console) -> None:
    page = console.signed_in().get("/console/")
    html = page.text
    assert '<a href="#main-content" class="govuk-skip-link"' in html
    assert 'id="main-content"' in html and "Seen &amp; Heard" in html
    assert "GOV.UK" not in html and "<svg" not in html and "Crown" not in html
    # Every asset from this server: no address with a scheme in any src or href.
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)
    assert "Sign out" in html
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store"
    nonce = re.search(r"script-src 'nonce-([^']+)'", policy)
    assert nonce and f'<script nonce="{nonce.group(1)}">' in html
    css = console.client().get("/console/static/console.css")
    assert css.status_code == 200 and "GDS Transport" in css.text  # named only to say never


def test_an_unknown_page_is_the_error_page_for_the_signed_in(console: Console) -> None:
    client = console.signed_in()
    page = client.get("/console/no-such-page")
    assert page.status_code == 404 and "Page not found" in page.text and "Sign out" in page.text


def _admin(tmp_path: Path, *args: str) -> tuple[int, str]:
    base = ["admin", *args[:1], "--data-dir", str(tmp_path), *args[1:]]
    result = CliRunner().invoke(cli, base)
    return result.exit_code, result.output


def test_create_staff_from_the_command_line(tmp_path: Path) -> None:
    from sync.server import services as sv
    from sync.server.db import Database
    from sync.server.services import StaffRole
    from sync.server.settings import Settings

    code, out = _admin(tmp_path, "create-org", "--org-id", ORG, "--name", "Synthetic council")
    assert code == 0, out
    db = Database(Settings.for_data_dir(tmp_path).database_url)
    from tests.conftest import FIXED_NOW

    team = sv.create_team(db=db, org_id=ORG, name="Team (synthetic)", now=FIXED_NOW)
    manager = sv.create_practitioner(
        db=db, org_id=ORG, display_name="M", role=StaffRole.MANAGER, team_id=team, now=FIXED_NOW
    )
    worker = sv.create_practitioner(
        db=db,
        org_id=ORG,
        display_name="W",
        role=StaffRole.SOCIAL_WORKER,
        team_id=team,
        now=FIXED_NOW,
    )
    args = ["create-staff", "--org-id", ORG, "--username"]
    code, out = _admin(tmp_path, *args, "m1", "--practitioner-id", str(manager), "--totp")
    assert code == 0, out
    assert "Password (shown once" in out and "otpauth://totp/" in out
    code, out = _admin(tmp_path, *args, "m1", "--practitioner-id", str(manager))
    assert code != 0 and "taken" in out
    code, out = _admin(tmp_path, *args, "w1", "--practitioner-id", str(worker))
    assert code != 0 and "Only a manager" in out
    t = table_of(StaffAccountRow)
    with db.read() as s:
        hashes = [r.password_hash for r in s.execute(t.select())]
    assert len(hashes) == 1 and hashes[0].startswith("$argon2id$")
    db.dispose()
