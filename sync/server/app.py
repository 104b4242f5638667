"""create_app(settings): the central-record API, wired. Everything is built here, never at import:
the database (migrated), the enrolment limiter (in the database) and the refusal audit, kept on app.state for
routes/deps.py to hand to the routes (routes/), the error handlers (handlers.py) and the
middleware (middleware.py)."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from models.timescales.calendar import WorkingCalendar
from sync import protocol
from sync.server import services
from sync.server.console import mount_console
from sync.server.db import Database, migrate
from sync.server.handlers import install_handlers
from sync.server.limiter import EnrolLimiter
from sync.server.middleware import AccessLog, BodyLimit, CatchAll
from sync.server.routes import ROUTERS
from sync.server.settings import Settings

__all__ = ["create_app"]


def create_app(settings: Settings) -> FastAPI:
    db = Database(settings.database_url)
    if settings.migrate_on_start:
        migrate(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Everything alive once the server has started (modules, the app, caches) lives as long
        # as the process: freeze it out of the cyclic GC's reach, so the full collections that
        # every few pushes trigger scan only the objects of requests, not the whole heap again.
        # The holiday tables, imported lazily by their library: now, not inside the first push.
        WorkingCalendar().bank_holidays(settings.clock().year)
        gc.collect()
        gc.freeze()
        yield
        db.dispose()

    app = FastAPI(
        title="Seen & Heard central record",
        version=str(protocol.PROTOCOL_VERSION),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.enrol_limiter = EnrolLimiter(db, settings.enrol_failures_per_minute, settings.clock)
    app.state.refusals = services.RefusalAudit(db, settings.clock)
    install_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    mount_console(app)  # the staff console's pages, /console (sync/server/console)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(CatchAll)
    app.add_middleware(AccessLog)
    return app
