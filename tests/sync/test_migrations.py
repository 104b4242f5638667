"""Migration 0002 (record bodies stored once, as written) goes down and up again without losing a
body, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext

from sync.server.db import MIGRATIONS, migrate
from sync.server.tables import RecordRevisionRow, VisitRevisionRow, table_of
from tests.sync.helpers import World, visit_item


def _alembic(world: World, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with world.db.engine.connect() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
        connection.commit()


def test_going_back_to_0001_puts_every_visit_body_back_and_0002_again_keeps_them(
    world: World,
) -> None:
    item = visit_item(world.worker.load.visits[0])
    world.device(world.worker).push([item])
    rr, vr = table_of(RecordRevisionRow).c, table_of(VisitRevisionRow).c

    _alembic(world, "downgrade", "0001")
    with world.db.engine.connect() as c:
        assert MigrationContext.configure(c).get_current_revision() == "0001"
        body = c.execute(
            sa.select(sa.cast(rr.body, sa.Text)).where(rr.record_id == item.record_id)
        ).scalar_one()
    assert body is not None and json.loads(body) == item.body

    migrate(world.db)
    with world.db.read() as s:
        visit_body = s.execute(sa.select(vr.body).where(vr.visit_id == item.record_id)).scalar_one()
        record_body = s.execute(
            sa.select(rr.body).where(rr.record_id == item.record_id)
        ).scalar_one()
    assert visit_body == record_body == item.body  # nothing lost either way
