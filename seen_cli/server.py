"""`seen server`: the central-record API under uvicorn (SQLite in --data-dir, or --db URL)."""

from __future__ import annotations

import logging

__all__ = ["run_server"]

log = logging.getLogger(__name__)


def run_server(*, db: str | None, data_dir: str, host: str, port: int) -> None:
    import uvicorn

    from sync.server import Settings, create_app

    settings = Settings.for_data_dir(data_dir, db=db)
    app = create_app(settings)  # runs the migrations
    where = "PostgreSQL" if db and db.startswith("postgresql") else "SQLite"
    log.info("central record (%s) listening on http://%s:%d", where, host, port)
    # uvicorn's access log prints paths (which hold record ids): ours logs routes only.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="info")
