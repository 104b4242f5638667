"""The team dashboard at /console/: open flags by urgency and age, who is overdue on a plan and by
how much, concerns awaiting acknowledgement, what waits for review, and devices gone quiet with
what they said they hold. A manager sees their own team only, the duty worker the whole
organisation; every child shown is audited; nothing shows without a session."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID

from sqlmodel import select

from models.oversight.conditions import days_words
from models.timescales import TimeUnit
from models.timescales.calendar import WorkingCalendar
from sync.server import services as sv
from sync.server.console.dashboard import age_words
from sync.server.services.oversight.plans import child_plan, set_plan
from sync.server.tables import DeviceRow, OrganisationRow
from tests.conftest import FIXED_NOW
from tests.console.helpers import Console
from tests.sync.concerns_helpers import Caller
from tests.sync.helpers import World


def _section(html: str, anchor: str) -> str:
    """The page from one section's heading to the next."""
    start = html.index(f'id="{anchor}"')
    following = html.find('<h2 class="govuk-heading-m"', start)
    return html[start : following if following != -1 else len(html)]


def _ours_and_theirs(world: World) -> tuple[UUID, UUID]:
    assert world.worker.load and world.outsider.load
    return world.worker.load.children[0].child_id, world.outsider.load.children[0].child_id


def _name(world: World, child_id: UUID) -> str:
    from tests.sync.helpers import _child

    return str(_child(world, child_id)["data"]["name"])


def test_without_a_session_the_dashboard_sends_you_to_sign_in(console: Console) -> None:
    page = console.client().get("/console/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/console/sign-in"
    assert console.world.audit(action="console.dashboard_viewed") == []


def test_open_flags_are_counted_by_urgency_and_age_urgent_first(console: Console) -> None:
    world = console.world
    ours, theirs = _ours_and_theirs(world)
    console.flag(ours, kind="visit_overdue", urgency="routine")
    world.clock.advance(timedelta(days=7))  # a week old by the time the urgent one is raised
    console.flag(ours, urgency="urgent")
    console.flag(theirs, urgency="urgent")
    world.clock.advance(timedelta(hours=3))
    html = console.signed_in().get("/console/").text
    flags = _section(html, "flags")
    assert "2 open, most urgent first" in flags
    assert flags.index("Child not seen at a visit") < flags.index("Visit overdue")
    assert "3 hours" in flags and "5 working days" in flags  # Monday to Monday + 3 hours
    # The counts: one urgent under a day, one routine of 1 to 5 working days.
    counts = re.sub(r"\s+", " ", flags.split("</table>")[0])
    assert re.search(r"Urgent.*?numeric\">1</td>.*?numeric\">0</td>.*?numeric\">0</td>", counts)
    assert _name(world, theirs) not in html


def test_age_in_hours_under_a_day_then_working_days() -> None:
    cal = WorkingCalendar()
    assert age_words(FIXED_NOW, FIXED_NOW, cal) == ("under an hour", 0)
    assert age_words(FIXED_NOW, FIXED_NOW + timedelta(hours=23), cal) == ("23 hours", 0)
    friday = FIXED_NOW + timedelta(days=4)
    # Friday evening to Monday morning: over a day, but no working day has passed in between
    # until Monday itself counts.
    assert age_words(friday, friday + timedelta(days=3), cal) == ("1 working day", 1)
    assert age_words(FIXED_NOW, FIXED_NOW + timedelta(days=14), cal) == ("10 working days", 2)


def test_who_on_the_team_is_overdue_on_a_plan_and_by_how_much(console: Console) -> None:
    world = console.world
    ours, theirs = _ours_and_theirs(world)
    started = FIXED_NOW.date() - timedelta(days=60)
    for child in (ours, theirs):
        set_plan(db=world.db, actor=None, child_id=child, service_context="CP_PLAN",
                    started_on=started, now=world.clock())  # fmt: skip
    plan = child_plan(db=world.db, actor=None, child_id=ours, now=world.clock())
    assert plan.days_overdue > 0  # the central record's own reckoning
    overdue = _section(console.signed_in().get("/console/").text, "overdue")
    assert "Worker (synthetic)" in overdue and _name(world, ours) in overdue
    assert days_words(plan.days_overdue, TimeUnit(plan.days_overdue_unit)) in overdue
    assert _name(world, theirs) not in overdue and "Outsider" not in overdue
    viewed = {r["child_id"] for r in world.audit(action="console.dashboard_viewed")}
    assert world.outsider.load is not None
    assert ours in viewed and not viewed & {c.child_id for c in world.outsider.load.children}
    # The duty worker sees both teams' overdue children.
    duty = _section(console.signed_in("duty").get("/console/").text, "overdue")
    assert _name(world, ours) in duty and _name(world, theirs) in duty


def test_concerns_awaiting_acknowledgement_with_how_long(console: Console) -> None:
    world = console.world
    ours, theirs = _ours_and_theirs(world)
    assert Caller(world, world.worker).record([ours]).status_code == 201
    assert Caller(world, world.outsider).record([theirs]).status_code == 201
    world.clock.advance(timedelta(days=2))
    concerns = _section(console.signed_in().get("/console/").text, "concerns")
    assert "waiting for someone to acknowledge them" in concerns
    assert _name(world, ours) in concerns and _name(world, theirs) not in concerns
    assert "2 working days" in concerns and "Past the time limit" in concerns
    # Nothing of what was said, and no reporter, on the dashboard.
    assert "bruise" not in concerns and "Nanna" not in concerns
    assert ours in {r["child_id"] for r in world.audit(action="console.dashboard_viewed")}


def test_a_child_not_seen_waits_for_review(console: Console) -> None:
    world = console.world
    ours, theirs = _ours_and_theirs(world)
    console.flag(ours, urgency="urgent")
    console.flag(theirs, urgency="urgent")
    review = _section(console.signed_in().get("/console/").text, "review")
    assert "1 waiting" in review and "Child not seen at a visit" in review
    assert _name(world, ours) in review and _name(world, theirs) not in review
    assert 'href="/console/review"' in review
    assert f'href="/console/children/{ours}"' in review


def _device_of(world: World, practitioner: UUID) -> DeviceRow:
    with world.db.read() as s:
        rows = list(s.exec(select(DeviceRow).where(DeviceRow.practitioner_id == practitioner)))
    assert len(rows) == 1
    return rows[0]


def test_devices_quiet_for_over_a_day_with_what_they_hold(console: Console) -> None:
    world = console.world
    ours = world.device(world.worker)
    theirs = world.device(world.outsider)
    ours.changes(None)  # each has been in touch once
    theirs.changes(None)
    world.clock.advance(timedelta(hours=23))
    devices = _section(console.signed_in().get("/console/").text, "devices")
    assert "Every device has synced in the last 24 hours" in devices
    world.clock.advance(timedelta(hours=2))
    devices = _section(console.signed_in().get("/console/").text, "devices")
    assert "Worker (synthetic)" in devices and "Outsider" not in devices
    assert "Not reported yet" in devices and "1 working day ago" in devices
    duty = _section(console.signed_in("duty").get("/console/").text, "devices")
    assert "Worker (synthetic)" in duty and "Outsider (synthetic)" in duty
    # A revoked device is no longer the dashboard's worry.
    sv.revoke_device(db=world.db, device_id=_device_of(world, world.worker.practitioner_id).device_id,
                     now=world.clock())  # fmt: skip
    devices = _section(console.signed_in().get("/console/").text, "devices")
    assert "Every device has synced" in devices


def test_the_organisation_sets_how_long_a_device_may_be_quiet(console: Console) -> None:
    world = console.world
    world.device(world.worker).changes(None)
    with world.db.write() as s:
        org = s.get(OrganisationRow, "ORG-DEMO")
        assert org is not None
        org.settings = {"console": {"device_quiet_hours": 4}}
        s.add(org)
    world.clock.advance(timedelta(hours=5))
    devices = _section(console.signed_in().get("/console/").text, "devices")
    assert "over 4 hours" in devices and "Worker (synthetic)" in devices


def test_another_organisations_children_and_devices_never_show(console: Console) -> None:
    import uuid

    from sync.server.tables import FlagRow
    from tests.sync.concerns_helpers import other_organisation

    world = console.world
    other = other_organisation(world)
    assert other.load is not None
    child = other.load.children[0].child_id
    now = world.clock()
    with world.db.write() as s:
        s.add(FlagRow(org_id="ORG-OTHER", flag_id=uuid.uuid4(), child_id=child,
                      kind="child_not_seen", urgency="urgent", status="open",
                      condition_active=True, since=now, raised_at=now, updated_at=now,
                      data={}))  # fmt: skip
    set_plan(db=world.db, actor=None, child_id=child, service_context="CP_PLAN",
                started_on=FIXED_NOW.date() - timedelta(days=60), now=now)  # fmt: skip
    Caller(world, other).record([child])
    world.clock.advance(timedelta(days=3))
    html = console.signed_in("duty").get("/console/").text
    assert _name(world, child) not in html and "Other worker" not in html
    assert "No open flags" in html
    assert all(r["child_id"] != child for r in world.audit(org_id="ORG-DEMO"))


def test_children_not_seen_lead_the_page_whatever_else_is_older(console: Console) -> None:
    world = console.world
    ours, _ = _ours_and_theirs(world)
    other = world.worker.load.children[1].child_id if world.worker.load else ours
    console.flag(other, kind="concern_unacknowledged", urgency="urgent")  # older, as urgent
    world.clock.advance(timedelta(days=3))
    console.flag(ours, urgency="high")
    html = console.signed_in().get("/console/").text
    main = html[html.index('id="main-content"') :]
    first_child = re.search(r'href="/console/children/([0-9a-f-]+)"', main)
    assert first_child and first_child.group(1) == str(ours)
    assert "1 not seen, most urgent first" in _section(html, "not-seen")


def test_overdue_agrees_with_the_overdue_flags_the_sweep_raises(console: Console) -> None:
    """Children on a service context from their caseload record (no plan set at the central
    record) count too: the dashboard reads the same reckoning as the flags."""
    import sqlalchemy as sa

    from sync.server.services.oversight.sweep import run_checks
    from sync.server.tables import ChildRow, FlagRow, table_of

    world = console.world
    world.clock.advance(timedelta(days=90))
    run_checks(db=world.db, now=world.clock(), org_id="ORG-DEMO")
    f, c = table_of(FlagRow), table_of(ChildRow)
    with world.db.read() as s:
        flagged = set(
            s.execute(
                sa.select(f.c.child_id)
                .join(c, c.c.child_id == f.c.child_id)
                .where(
                    f.c.status == "open",
                    f.c.kind.in_(["visit_overdue", "not_seen_overdue"]),
                    c.c.team_id == world.team_a,
                )
            ).scalars()
        )
    assert flagged, "the synthetic caseload has children overdue 90 days on"
    overdue = _section(console.signed_in().get("/console/").text, "overdue")
    shown = set(re.findall(r'href="/console/children/([0-9a-f-]+)"', overdue))
    assert {str(i) for i in flagged} <= shown


def test_a_quiet_hours_setting_out_of_range_falls_back_to_a_day() -> None:
    from sync.server.console.dashboard import DEFAULT_QUIET_HOURS, quiet_after

    def org(value: object) -> OrganisationRow:
        return OrganisationRow(org_id="X", name="X", created_at=FIXED_NOW,
                               settings={"console": {"device_quiet_hours": value}})  # fmt: skip

    assert quiet_after(org(6)) == 6
    for wrong in (0, -1, 24 * 15, True, "12", 1.5, None):
        assert quiet_after(org(wrong)) == DEFAULT_QUIET_HOURS, wrong
    assert quiet_after(None) == DEFAULT_QUIET_HOURS


def test_every_kind_of_flag_has_plain_words() -> None:
    from models.flags import FlagKind
    from sync.server.console.flags import describe

    for kind in FlagKind:
        words = describe(kind)
        assert words and words != kind.value and "_" not in words, kind
