"""How the API answers what went wrong: every answer is ErrorBody{code, detail}, the code from
sync.protocol's catalogue and its HTTP status; never a bare 5xx (middleware.CatchAll catches the
rest).

  Refusal (a service refused)         -> its code, detail and headers
  request validation (FastAPI)        -> request.malformed_json | request.unknown_field |
                                         request.invalid, naming each field in plain words
  no such route / method              -> not_found | request.method_not_allowed (with Allow)
  a database error (busy, locked)     -> server.unavailable, 503 with Retry-After: 1
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from models.base import error_words, storable_text
from sync import protocol
from sync.server.services import Refusal

__all__ = ["error_answer", "install_handlers"]

log = logging.getLogger("sync.server")


def error_answer(code: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
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
            words.append(f"{field}: {error_words(e)}")
    # Field names come from the caller: no NUL or half a surrogate pair goes back (ErrorBody).
    return storable_text("; ".join(words))


def _allowed(request: Request) -> str:
    """The methods some route at this path takes: the router's own 405 names only the first
    route's (GET and PUT /v1/children/{id}/plan are two routes). Found by asking each route."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in _METHODS
        if any(r.matches({**request.scope, "method": method})[0] == Match.FULL for r in routes)
    )


_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def refusal(_request: Request, exc: Refusal) -> JSONResponse:
        return error_answer(exc.code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        kinds = {e.get("type") for e in errors}
        if "json_invalid" in kinds:
            return error_answer(
                protocol.REQUEST_MALFORMED_JSON,
                "The request body is not valid JSON: send it again.",
            )
        code = (
            protocol.REQUEST_UNKNOWN_FIELD
            if "extra_forbidden" in kinds
            else protocol.REQUEST_INVALID
        )
        return error_answer(code, _describe(errors))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:  # Allow names every method at this address (RFC 9110)
            headers = dict(exc.headers or {})
            headers["Allow"] = _allowed(request) or headers.get("Allow", "")
            return error_answer(
                protocol.REQUEST_METHOD_NOT_ALLOWED,
                "This address does not take that method.",
                headers,
            )
        if exc.status_code == 404:
            return error_answer(protocol.NOT_FOUND, "There is nothing at this address.")
        return error_answer(protocol.REQUEST_INVALID, "The request could not be handled.")

    @app.exception_handler(DBAPIError)
    async def database_busy(_request: Request, exc: DBAPIError) -> JSONResponse:
        log.warning(
            "database error %s (%s): answered 503", type(exc).__name__, type(exc.orig).__name__
        )
        return error_answer(
            protocol.SERVER_UNAVAILABLE,
            "The central record is busy: the app will try again shortly.",
            {"Retry-After": "1"},
        )
