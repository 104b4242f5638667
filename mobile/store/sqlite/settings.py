"""Settings in SQLite: sealed by default; the few in PLAIN_SETTINGS readable while locked."""

from __future__ import annotations

from mobile.store.records import check_plain_setting
from mobile.store.sqlite.base import SqliteRepository, needs_key

__all__ = ["SqliteSettings"]


class SqliteSettings(SqliteRepository):
    keyed = False  # the plain settings are readable while locked (nothing personal)

    @needs_key
    def get_setting(self, key: str) -> str | None:
        row = self._db.execute("SELECT sealed, value FROM setting WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        if not row[0]:
            return bytes(row[1]).decode()
        return self._open("setting", key, 0, row[1]).decode()

    @needs_key
    def set_setting(self, key: str, value: str) -> None:
        """A sealed setting (server address, device credential, ...)."""
        sealed = self._seal("setting", key, 0, value.encode())
        self._db.execute(
            "INSERT OR REPLACE INTO setting (key, sealed, value) VALUES (?, 1, ?)", (key, sealed)
        )

    @needs_key
    def delete_setting(self, key: str) -> None:
        self._db.execute("DELETE FROM setting WHERE key = ?", (key,))

    def get_plain_setting(self, key: str) -> str | None:
        check_plain_setting(key)
        row = self._db.execute(
            "SELECT value FROM setting WHERE key = ? AND sealed = 0", (key,)
        ).fetchone()
        return None if row is None else bytes(row[0]).decode()

    def set_plain_setting(self, key: str, value: str) -> None:
        check_plain_setting(key)
        self._db.execute(
            "INSERT OR REPLACE INTO setting (key, sealed, value) VALUES (?, 0, ?)",
            (key, value.encode()),
        )
