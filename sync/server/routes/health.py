"""GET /healthz: the server is up, and which protocol it speaks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sync import protocol

__all__ = ["router"]

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz() -> dict[str, Any]:
    return {"status": "ok", "protocol_version": protocol.PROTOCOL_VERSION}
