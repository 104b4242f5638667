"""ASGI middleware: bounded (and gzip-decoded) request bodies, a catch-all for unexpected errors,
and an access log that records routes and statuses only (no paths with ids, no bodies)."""

from __future__ import annotations

import json
import logging
import time
import traceback
import zlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from sync import protocol

__all__ = ["AccessLog", "BodyLimit", "CatchAll", "send_error"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("sync.server")


async def send_error(
    send: Send, code: str, detail: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"code": code, "detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": protocol.STATUS_OF[code], "headers": raw})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse bodies over `limit` bytes (413), before and after gzip decoding; decode gzip."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip"):
            await send_error(
                send,
                protocol.REQUEST_UNSUPPORTED_ENCODING,
                "Send the body plain or gzip-compressed.",
            )
            return
        too_large = f"The request is over {self.limit} bytes: send fewer records at a time."
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            await send_error(send, protocol.REQUEST_TOO_LARGE, too_large)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await send_error(send, protocol.REQUEST_TOO_LARGE, too_large)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if encoding == "gzip":
            try:
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                plain = inflater.decompress(body, self.limit + 1)
                complete = inflater.eof
            except zlib.error:
                plain, complete = b"", False
            if len(plain) > self.limit:
                await send_error(send, protocol.REQUEST_TOO_LARGE, too_large)
                return
            if not complete:
                await send_error(
                    send,
                    protocol.REQUEST_BAD_ENCODING,
                    "The body is not valid gzip: send it again.",
                )
                return
            body = plain
            scope = dict(scope)
            scope["headers"] = [
                (k, v)
                for k, v in scope["headers"]
                if k.lower() not in (b"content-encoding", b"content-length")
            ] + [(b"content-length", str(len(body)).encode())]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


class CatchAll:
    """An unexpected error becomes 500 `server.error` with nothing from the request in it; the log
    gets the exception's type and where it happened, never its message (it may hold data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            ours = [f for f in frames if "/sync/" in f.filename or "/models/" in f.filename]
            where = " <- ".join(
                f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in [*ours[-3:], frames[-1]]
            )
            log.error("unexpected %s at %s", type(exc).__name__, where)
            if not started:
                await send_error(
                    send,
                    protocol.SERVER_ERROR,
                    "Something went wrong at the central record. Nothing was lost: the app will "
                    "try again.",
                )


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def tracking_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        finally:
            endpoint = scope.get("endpoint")
            name = getattr(endpoint, "__name__", "unrouted")
            log.info(
                "%s %s -> %s in %.1f ms",
                scope["method"],
                name,
                status,
                (time.perf_counter() - start) * 1000,
            )
