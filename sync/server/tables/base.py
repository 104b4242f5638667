"""The base of every server table: its own SQLModel registry, so the device store's tables (in the
same process during tests) never land in the server's metadata or migrations."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry
from sqlmodel import SQLModel

__all__ = ["ServerTable", "metadata", "table_of"]


class ServerTable(SQLModel, registry=registry()):
    """Base of every server table: its own metadata."""


metadata = ServerTable.metadata


def table_of(model: type[ServerTable]) -> sa.Table:
    """The Core table of a table class (typed, for bulk statements)."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table
