"""The column types of the central record's tables (tables.py), the same on SQLite and PostgreSQL:
aware UTC datetimes, JSON (JSONB on PostgreSQL) and record bodies (json, kept as written)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

__all__ = ["UTCDateTime", "body_field", "body_type", "json_field", "json_type", "time_field"]


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite (naive text) and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def json_type(*, none_as_null: bool = False) -> sa.types.TypeEngine[Any]:
    """JSON (JSONB on PostgreSQL). With none_as_null, None is SQL NULL rather than JSON null."""
    return sa.JSON(none_as_null=none_as_null).with_variant(
        JSONB(none_as_null=none_as_null), "postgresql"
    )


def body_type(*, none_as_null: bool = False) -> sa.types.TypeEngine[Any]:
    """A record body (accepted or held): written once, read whole, never queried inside, so on
    PostgreSQL `json` (the text as written) rather than `jsonb` (parsed to binary on every write,
    several times dearer). An accepted record's body is its canonical JSON, the very text its
    content_hash is the sha256 of, so it is kept byte for byte."""
    return sa.JSON(none_as_null=none_as_null)


def body_field(*, nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(body_type(none_as_null=nullable), nullable=nullable))


def time_field(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(sa_column=sa.Column(UTCDateTime(), nullable=nullable, index=index))


def json_field(*, nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(json_type(), nullable=nullable))
