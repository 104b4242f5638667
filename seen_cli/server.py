"""`seen server`: the central-record API under uvicorn (SQLite in --data-dir, or --db URL), in one
process or `--workers N`."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any

__all__ = ["header_deadline", "run_server", "worker_app"]

log = logging.getLogger(__name__)


def run_server(
    *,
    db: str | None,
    data_dir: str,
    host: str,
    port: int,
    trusted_proxies: tuple[str, ...] = (),
    request_timeout: float | None = None,
    workers: int = 1,
) -> None:
    """One process, or `workers` processes sharing the port (uvicorn's supervisor). Every piece
    of shared state is in the database (devices, credentials, the enrolment limiter, the change
    log and the oversight locks), so any number of processes on any number of hosts can serve
    one database; the schema is migrated once, here, before the workers start."""
    import uvicorn

    from sync.server import create_app
    from sync.server.db import Database, migrate

    config = {
        "db": db, "data_dir": data_dir, "trusted_proxies": list(trusted_proxies),
        "request_timeout": request_timeout,
    }  # fmt: skip
    settings = _settings(config)
    where = "PostgreSQL" if db and db.startswith("postgresql") else "SQLite"
    log.info("central record (%s) listening on http://%s:%d", where, host, port)
    # uvicorn's access log prints paths (which hold record ids): ours logs routes only. Its proxy
    # handling believes X-Forwarded-For from any local peer: off, the app decides (trusted_proxies).
    quiet: dict[str, Any] = {"access_log": False, "log_level": "info", "proxy_headers": False}
    if workers <= 1:
        uvicorn.run(
            create_app(settings), host=host, port=port, http=header_deadline(settings.header_timeout),
            **quiet,
        )  # fmt: skip
        return
    database = Database(settings.database_url)
    migrate(database)
    database.dispose()
    os.environ[_CONFIG] = json.dumps(config)  # what each worker builds its app from
    uvicorn.run(
        "seen_cli.server:worker_app", factory=True, workers=workers, host=host, port=port,
        http="seen_cli.server:WorkerHeaderDeadline", **quiet,
    )  # fmt: skip


_CONFIG = "SEEN_SERVER_WORKER_CONFIG"


def _settings(config: dict[str, Any], **more: Any) -> Any:
    from sync.server import Settings

    timeout = config.get("request_timeout")
    timeouts = {} if timeout is None else {"header_timeout": timeout, "body_timeout": timeout}
    return Settings.for_data_dir(
        config["data_dir"], db=config.get("db"),
        trusted_proxies=tuple(config.get("trusted_proxies") or ()), **timeouts, **more,
    )  # fmt: skip


def worker_app() -> Any:
    """A worker's app (`seen server --workers N`), from the settings its parent set out."""
    from sync.server import create_app

    return create_app(_settings(json.loads(os.environ[_CONFIG]), migrate_on_start=False))


def __getattr__(name: str) -> Any:
    # uvicorn imports a worker's HTTP protocol by name: built on first use, from the settings.
    if name == "WorkerHeaderDeadline":
        return header_deadline(_settings(json.loads(os.environ[_CONFIG])).header_timeout)
    raise AttributeError(name)


def header_deadline(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol, with a deadline on each request's headers: a connection whose next
    request's headers are not complete `seconds` after it opened (or after the last answer) is
    answered 408 and closed. uvicorn itself waits for headers forever; bodies are bounded by the
    app (middleware.BodyLimit)."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    from sync import protocol

    body = json.dumps(
        {
            "code": protocol.REQUEST_TIMEOUT,
            "detail": f"The request did not arrive within {seconds:g} seconds: send it again.",
        }
    ).encode()
    answer = (
        b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
        + f"content-length: {len(body)}\r\n\r\n".encode()
        + body
    )

    class HeaderDeadline(AutoHTTPProtocol):  # type: ignore[misc,valid-type]
        _timer: asyncio.TimerHandle | None = None
        _waiting_after: object = None  # the request cycle that was current when the timer started

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self._timer is not None and self.cycle is not self._waiting_after:
                self._disarm()  # a new request's headers are complete

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if self.cycle is None or self.cycle.response_complete:
                self._arm()  # (a pipelined request already started has its headers)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._waiting_after = self.cycle
            self._timer = self.loop.call_later(seconds, self._expired)

        def _disarm(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _expired(self) -> None:
            self._timer = None
            if self.cycle is self._waiting_after and not self.transport.is_closing():
                log.info("request headers not complete in %gs: answered 408", seconds)
                self.transport.write(answer)
                self.transport.close()

    return HeaderDeadline
