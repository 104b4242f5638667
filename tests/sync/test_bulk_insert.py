"""insert_rows (one executemany on SQLite, one COPY on PostgreSQL) stores exactly what SQLAlchemy's
own INSERT stores, for every kind of column the hot tables have."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa

from sync.server.db import Database, JsonText, insert_rows, migrate
from sync.server.services import create_organisation
from sync.server.tables import AuditEventRow, ChangeRow, RecordRevisionRow, table_of

ORG = "ORG-BULK"
WHEN = datetime(2026, 3, 2, 10, 30, 5, 123456, tzinfo=UTC)


@pytest.fixture
def db(backend: str) -> Iterator[Database]:
    database = Database(backend)
    migrate(database)
    create_organisation(db=database, org_id=ORG, name="Bulk (synthetic)", now=WHEN)
    yield database
    database.dispose()


def _change(seq: int, data: Any, **kw: Any) -> dict[str, Any]:
    return {
        "org_id": ORG,
        "seq": seq,
        "kind": "seen",
        "entity_id": UUID(int=seq),
        "child_id": kw.get("child_id"),
        "deleted": kw.get("deleted", False),
        "data": data,
        "practitioner_id": UUID(int=1000 + seq),
        "team_id": None,
    }


def _read(db: Database, table: sa.Table, order: sa.ColumnElement[Any]) -> list[dict[str, Any]]:
    with db.read() as s:
        return [dict(r._mapping) for r in s.execute(sa.select(table).order_by(order))]


def test_change_rows_are_stored_as_sqlalchemy_stores_them(db: Database) -> None:
    t = table_of(ChangeRow)
    datas: list[Any] = [{"a": 1, "b": ["x", None]}, None, JsonText('{"b":2,"a":"é"}'), {}]
    ours = [_change(n + 1, d, child_id=uuid4() if n % 2 else None) for n, d in enumerate(datas)]
    theirs = [
        {**row, "seq": row["seq"] + 100, "data": {"b": 2, "a": "é"} if n == 2 else row["data"]}
        for n, row in enumerate(ours)
    ]
    with db.write() as s:
        insert_rows(s, t, ours)
        s.execute(sa.insert(t), theirs)
    rows = _read(db, t, t.c.seq)
    assert len(rows) == 8
    for a, b in zip(rows[:4], rows[4:], strict=True):
        assert {**a, "seq": 0} == {**b, "seq": 0}
    assert rows[2]["data"] == {"a": "é", "b": 2}
    with db.read() as s:  # None in a JSON column is JSON null, as SQLAlchemy makes it
        nulls = s.execute(sa.select(sa.func.count()).where(t.c.data.is_(None))).scalar_one()
    assert nulls == 0


def test_times_ids_and_sql_null_bodies_are_stored_as_sqlalchemy_stores_them(
    db: Database,
) -> None:
    t = table_of(RecordRevisionRow)
    local = WHEN.astimezone(timezone(timedelta(hours=1)))

    def row(n: int, body: Any) -> dict[str, Any]:
        return {
            "receipt_id": uuid4(),
            "org_id": ORG,
            "record_id": UUID(int=n),
            "revision": 1,
            "kind": "visit",
            "base_revision": None,
            "content_hash": "f" * 64,
            "body": body,
            "practitioner_id": UUID(int=77),
            "device_id": UUID(int=78),
            "received_at": local if n % 2 else WHEN,
            "server_seq": n,
        }

    ours = [row(1, None), row(2, JsonText('{"x":[1,2]}')), row(3, None)]
    theirs = [row(11, None), row(12, {"x": [1, 2]}), row(13, None)]
    with db.write() as s:
        insert_rows(s, t, ours)
        s.execute(sa.insert(t), theirs)
    rows = _read(db, t, t.c.server_seq)
    for a, b in zip(rows[:3], rows[3:], strict=True):
        ignore = {"receipt_id": None, "record_id": None, "server_seq": None}
        assert {**a, **ignore} == {**b, **ignore}
        assert a["received_at"] == WHEN and a["received_at"].tzinfo == UTC
    with db.read() as s:  # a body the visit keeps is SQL NULL, not JSON null
        nulls = s.execute(sa.select(sa.func.count()).where(t.c.body.is_(None))).scalar_one()
    assert nulls == 4


def test_a_naive_time_is_refused_and_rows_with_other_keys_still_go_in(db: Database) -> None:
    t = table_of(AuditEventRow)
    with pytest.raises(ValueError, match="naive"), db.write() as s:
        insert_rows(s, t, [{"at": WHEN.replace(tzinfo=None), "action": "test.naive"}])
    mixed = [{"at": WHEN, "action": "test.a"}, {"at": WHEN, "action": "test.b", "outcome": "x"}]
    with db.write() as s:
        insert_rows(s, t, mixed)
    rows = [r for r in _read(db, t, t.c.event_id) if r["action"].startswith("test.")]
    assert [(r["action"], r["outcome"]) for r in rows] == [("test.a", "ok"), ("test.b", "x")]
