"""create_app(settings): the central-record API. Engines are built here, never at import."""

import gc
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync import protocol
from sync.protocol import (
    ChangesResponse,
    ChildRecord,
    CredentialResponse,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    PushRequest,
    PushResponse,
    VisitRecord,
)
from sync.server import services
from sync.server.db import Database, migrate
from sync.server.middleware import AccessLog, BodyLimit, CatchAll, client_address
from sync.server.services import Actor, Refusal
from sync.server.settings import Settings

__all__ = ["create_app"]

log = logging.getLogger("sync.server")
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 403, 404, 410, 413, 422, 426, 429, 503)
}


class _EnrolLimiter:
    """Failed enrolment attempts per client address, over a sliding minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        with self._lock:
            window = self._failures.get(client)
            now = time.monotonic()
            while window and now - window[0] > 60:
                window.popleft()
            if window and len(window) >= self.per_minute:
                wait = int(60 - (now - window[0])) + 1
                raise Refusal(
                    protocol.RATE_LIMITED,
                    "Too many wrong enrolment codes: wait a minute and try again.",
                    headers={"Retry-After": str(wait)},
                )

    def failed(self, client: str) -> None:
        with self._lock:
            self._failures.setdefault(client, deque()).append(time.monotonic())


def _error(code: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        {"code": code, "detail": detail}, status_code=protocol.STATUS_OF[code], headers=headers
    )


def _describe(errors: list[dict[str, Any]]) -> str:
    words = []
    for e in errors[:10]:
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "request"
        kind = e.get("type", "")
        if kind == "extra_forbidden":
            words.append(f"{field}: this field is not part of the protocol")
        elif kind == "missing":
            words.append(f"{field}: this field is required")
        else:
            words.append(f"{field}: {e.get('msg', 'not valid')}")
    return "; ".join(words)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def api_error(_request: Request, exc: Refusal) -> JSONResponse:
        return _error(exc.code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        kinds = {e.get("type") for e in errors}
        if "json_invalid" in kinds:
            return _error(
                protocol.REQUEST_MALFORMED_JSON,
                "The request body is not valid JSON: send it again.",
            )
        code = (
            protocol.REQUEST_UNKNOWN_FIELD
            if "extra_forbidden" in kinds
            else protocol.REQUEST_INVALID
        )
        return _error(code, _describe(errors))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:  # the router's exception carries Allow: pass it on (RFC 9110)
            return _error(
                protocol.REQUEST_METHOD_NOT_ALLOWED,
                "This address does not take that method.",
                dict(exc.headers or {}),
            )
        if exc.status_code == 404:
            return _error(protocol.NOT_FOUND, "There is nothing at this address.")
        return _error(protocol.REQUEST_INVALID, "The request could not be handled.")

    @app.exception_handler(DBAPIError)
    async def database_busy(_request: Request, exc: DBAPIError) -> JSONResponse:
        log.warning(
            "database error %s (%s): answered 503", type(exc).__name__, type(exc.orig).__name__
        )
        return _error(
            protocol.SERVER_UNAVAILABLE,
            "The central record is busy: the app will try again shortly.",
            {"Retry-After": "1"},
        )


def create_app(settings: Settings) -> FastAPI:
    db = Database(settings.database_url)
    if settings.migrate_on_start:
        migrate(db)
    limiter = _EnrolLimiter(settings.enrol_failures_per_minute)
    clock: Callable[[], datetime] = settings.clock

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Everything alive once the server has started (modules, the app, caches) lives as long
        # as the process: freeze it out of the cyclic GC's reach, so the full collections that
        # every few pushes trigger scan only the objects of requests, not the whole heap again.
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
    app.state.db = db
    app.state.settings = settings
    _install_handlers(app)

    async def check_protocol(  # no I/O: on the event loop, not a worker thread
        seen_protocol: Annotated[str | None, Header(alias=protocol.PROTOCOL_HEADER)] = None,
    ) -> None:
        if seen_protocol is not None and seen_protocol.strip() != str(protocol.PROTOCOL_VERSION):
            raise Refusal(
                protocol.PROTOCOL_MISMATCH,
                "This app version cannot talk to the central record: update the app. Nothing "
                "waiting to be sent is lost.",
            )

    refusals = services.RefusalAudit(db, clock)
    renew_after = settings.credential_ttl / 2

    def refused(action: str, exc: Refusal, request: Request) -> None:
        refusals.record(
            action=action,
            code=getattr(exc, "outcome", exc.code),
            client=client_address(request.scope, settings.trusted_proxies),
            org_id=getattr(exc, "org_id", None),
            practitioner_id=getattr(exc, "practitioner_id", None),
            device_id=getattr(exc, "device_id", None),
        )

    def signed_in(
        request: Request,
        authorization: Annotated[str | None, Header()] = None,
        _protocol: None = Depends(check_protocol),
    ) -> services.Authenticated:
        """The caller, a retiring device included (it may only push)."""
        try:
            credential = None
            if authorization:
                scheme, _, value = authorization.partition(" ")
                if scheme.lower() != "bearer" or not value.strip():
                    raise Refusal(protocol.AUTH_INVALID, "Sign-in must be a Bearer credential.")
                credential = value.strip()
            return services.check_credential(
                db=db, credential=credential, now=clock(), renew_after=renew_after
            )
        except Refusal as exc:
            refused("auth.refused", exc, request)
            raise

    SignedIn = Annotated[services.Authenticated, Depends(signed_in)]

    def actor(auth: SignedIn, request: Request) -> Actor:
        try:
            services.refuse_retiring(auth)
        except Refusal as exc:
            refused("auth.refused", exc, request)
            raise
        return auth.actor

    def answer(body: str, auth: services.Authenticated) -> Response:
        headers = {protocol.RENEW_HEADER: "due"} if auth.renew_due else None
        return Response(body, media_type="application/json", headers=headers)

    CurrentActor = Annotated[Actor, Depends(actor)]

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "protocol_version": protocol.PROTOCOL_VERSION}

    @app.post(
        "/enrol",
        response_model=EnrolResponse,
        responses=_ERRORS,
        tags=["devices"],
        dependencies=[Depends(check_protocol)],
    )
    def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
        client = client_address(request.scope, settings.trusted_proxies)
        try:
            limiter.check(client)
            return services.enrol_device(
                db=db, request=body, now=clock(), credential_ttl=settings.credential_ttl
            )
        except Refusal as exc:
            if exc.code in (protocol.ENROL_CODE_INVALID, protocol.ENROL_CODE_EXPIRED):
                limiter.failed(client)
            refused("enrol.refused", exc, request)
            raise

    @app.post(
        "/devices/credential",
        response_model=CredentialResponse,
        responses=_ERRORS,
        tags=["devices"],
    )
    def renew(who: CurrentActor) -> CredentialResponse:
        return services.renew_credential(
            db=db, actor=who, now=clock(), credential_ttl=settings.credential_ttl
        )

    @app.post("/sync/push", response_model=PushResponse, responses=_ERRORS, tags=["sync"])
    def push(body: PushRequest, auth: SignedIn, request: Request) -> Response:
        who, now = auth.actor, clock()
        if body.device_id is not None and body.device_id != who.device_id:
            refusals.record(
                action="push.refused",
                code="push.device_mismatch",
                client=client_address(request.scope, settings.trusted_proxies),
                org_id=who.org_id,
                practitioner_id=who.practitioner_id,
                device_id=who.device_id,
            )
            raise Refusal(protocol.REQUEST_INVALID, "device_id is not this device's id.")
        if auth.retiring_since is not None and not body.items:  # "my outbox is empty"
            raise services.finish_retirement(db=db, actor=who, now=now)
        result = services.push_items(
            db=db,
            actor=who,
            items=body.items,
            now=now,
            future_allowance=settings.future_allowance,
            held_per_day=settings.held_per_device_per_day,
        )
        if auth.retiring_since is not None:
            services.mark_for_review(
                db=db,
                actor=who,
                items=body.items,
                receipts=result.receipts,
                revoked_at=auth.retiring_since,
                now=now,
            )
        counts: dict[str, int] = {}
        for r in result.receipts:
            counts[r.status.value] = counts.get(r.status.value, 0) + 1
        log.info("push: %d items %s", len(body.items), counts)
        # Built by the service as PushResponse: serialised once, not validated again on the way out.
        return answer(result.model_dump_json(), auth)

    @app.get("/sync/changes", response_model=ChangesResponse, responses=_ERRORS, tags=["sync"])
    def changes(
        auth: SignedIn,
        request: Request,
        cursor: Annotated[str | None, Query(max_length=200)] = None,
        limit: Annotated[int, Query(ge=1, le=protocol.MAX_PAGE)] = protocol.DEFAULT_PAGE,
    ) -> Response:
        who = actor(auth, request)
        page = services.pull_changes(db=db, actor=who, cursor=cursor, limit=limit, now=clock())
        return answer(page.model_dump_json(), auth)

    @app.get(
        "/children/{child_id}", response_model=ChildRecord, responses=_ERRORS, tags=["records"]
    )
    def child(child_id: UUID, who: CurrentActor) -> ChildRecord:
        return services.child_record(db=db, actor=who, child_id=child_id, now=clock())

    @app.get("/visits/{visit_id}", response_model=VisitRecord, responses=_ERRORS, tags=["records"])
    def visit(visit_id: UUID, who: CurrentActor) -> VisitRecord:
        return services.visit_record(db=db, actor=who, visit_id=visit_id, now=clock())

    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(CatchAll)
    app.add_middleware(AccessLog)
    return app
