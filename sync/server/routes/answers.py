"""What the routes share in their answers: the error responses every route documents, and a
JSON body already serialised by its service, with the renew header when the credential is due."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from sync import protocol
from sync.protocol import ErrorBody
from sync.server import services

__all__ = ["ERRORS", "answer"]

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 403, 404, 410, 413, 422, 426, 429, 503)
}


def answer(body: str, auth: services.Authenticated) -> Response:
    headers = {protocol.RENEW_HEADER: "due"} if auth.renew_due else None
    return Response(body, media_type="application/json", headers=headers)
