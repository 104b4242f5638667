"""ASGI middleware: bounded (and gzip-decoded) request bodies that must arrive in time, a catch-all
for unexpected errors, and an access log that records routes and statuses only (no paths with ids,
no bodies)."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import json
import logging
import time
import traceback
import zlib
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from sync import protocol

__all__ = ["AccessLog", "BodyLimit", "CatchAll", "client_address", "send_error"]

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


def client_address(scope: Scope, trusted_proxies: Sequence[str]) -> str:
    """The client's address: the peer's own, unless the peer is one of `trusted_proxies`; then the
    nearest X-Forwarded-For hop that is not itself a trusted proxy. Anyone else can write that
    header, so it is never believed from them (uvicorn's own proxy handling is off: server.py)."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    networks = _networks(tuple(trusted_proxies))
    if not _within(peer, networks):
        return peer
    hops: list[str] = [
        hop.strip()
        for name, value in scope["headers"]
        if name.lower() == b"x-forwarded-for"
        for hop in value.decode("latin-1").split(",")
        if hop.strip()
    ]
    for hop in reversed(hops):
        if not _within(hop, networks):
            return hop
    return peer


@functools.lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _within(
    address: str, networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


class BodyLimit:
    """Refuse bodies over `limit` bytes (413), before and after gzip decoding; decode gzip. A body
    not wholly arrived `timeout` seconds after its headers is answered 408 and the connection
    closed: a slow or half-sent request cannot hold a connection (and a worker) open. A gzip body
    is exactly one gzip member: bytes after it, a second member included, are refused 400 rather
    than silently dropped (no client of ours sends them)."""

    def __init__(self, app: ASGIApp, *, limit: int, timeout: float) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

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
        deadline = asyncio.get_running_loop().time() + self.timeout
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                await send_error(
                    send,
                    protocol.REQUEST_TIMEOUT,
                    f"The request did not arrive within {self.timeout:g} seconds: send it again.",
                    {"Connection": "close"},
                )
                return
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
                complete = inflater.eof and not inflater.unused_data
            except zlib.error:
                plain, complete = b"", False
            if len(plain) > self.limit:
                await send_error(send, protocol.REQUEST_TOO_LARGE, too_large)
                return
            if not complete:
                await send_error(
                    send,
                    protocol.REQUEST_BAD_ENCODING,
                    "The body is not one valid gzip stream: send it again.",
                )
                return
            body = plain
            # In place, not a copy: the router marks this scope with its endpoint, which the
            # access log (outside) reads to name the route.
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
