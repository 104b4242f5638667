"""What a route is given, as `Annotated` aliases: the parts create_app built (kept on app.state,
never at import), the protocol header check, and the caller.

  SettingsDep, DatabaseDep, ClockDep, LimiterDep   what create_app built
  ClientAddress                                    the caller's address (trusted proxies believed)
  RefusalsDep                                      audits a refusal, with the caller's address
  ProtocolChecked                                  refuses another protocol version (426)
  SignedIn                                         the credential's caller, a retiring device too
  CurrentActor                                     the caller, once retiring devices are refused
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header, Request
from pydantic import WithJsonSchema

from sync import protocol
from sync.protocol_outbox import OUTBOX_HEADER, OutboxReport
from sync.protocol_outbox import PATTERN as OUTBOX_PATTERN
from sync.server import services
from sync.server.db import Database
from sync.server.limiter import EnrolLimiter
from sync.server.middleware import client_address
from sync.server.services import Actor, Refusal
from sync.server.settings import Settings

__all__ = [
    "ClientAddress",
    "ClockDep",
    "CurrentActor",
    "DatabaseDep",
    "LimiterDep",
    "ProtocolChecked",
    "Refusals",
    "RefusalsDep",
    "SettingsDep",
    "SignedIn",
    "current_actor",
]

Clock = Callable[[], datetime]


# No I/O in these: they run on the event loop, not a worker thread.
async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def _clock(request: Request) -> Clock:
    settings: Settings = request.app.state.settings
    return settings.clock


async def _limiter(request: Request) -> EnrolLimiter:
    limiter: EnrolLimiter = request.app.state.enrol_limiter
    return limiter


SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated[Database, Depends(_database)]
ClockDep = Annotated[Clock, Depends(_clock)]
LimiterDep = Annotated[EnrolLimiter, Depends(_limiter)]


async def _client(request: Request, settings: SettingsDep) -> str:
    return client_address(request.scope, settings.trusted_proxies)


ClientAddress = Annotated[str, Depends(_client)]


@dataclass(frozen=True)
class Refusals:
    """The refusal audit (services.RefusalAudit), for this request's caller."""

    audit: services.RefusalAudit
    request: Request
    trusted_proxies: tuple[str, ...]

    def refused(self, action: str, exc: Refusal) -> None:
        """Audit `exc`, naming what it knows of the caller (services.RefusedCaller)."""
        self.record(
            action=action,
            code=getattr(exc, "outcome", exc.code),
            org_id=getattr(exc, "org_id", None),
            practitioner_id=getattr(exc, "practitioner_id", None),
            device_id=getattr(exc, "device_id", None),
        )

    def record(
        self,
        *,
        action: str,
        code: str,
        org_id: str | None = None,
        practitioner_id: UUID | None = None,
        device_id: UUID | None = None,
    ) -> None:
        self.audit.record(
            action=action,
            code=code,
            client=client_address(self.request.scope, self.trusted_proxies),
            org_id=org_id,
            practitioner_id=practitioner_id,
            device_id=device_id,
        )


async def _refusals(request: Request, settings: SettingsDep) -> Refusals:
    return Refusals(request.app.state.refusals, request, settings.trusted_proxies)


RefusalsDep = Annotated[Refusals, Depends(_refusals)]


async def _check_protocol(
    # The document names the one value spoken; any other is answered 426 here, not 422.
    seen_protocol: Annotated[
        str | None,
        Header(
            alias=protocol.PROTOCOL_HEADER,
            json_schema_extra={"enum": [str(protocol.PROTOCOL_VERSION)]},
        ),
    ] = None,
) -> None:
    if seen_protocol is not None and seen_protocol.strip() != str(protocol.PROTOCOL_VERSION):
        raise Refusal(
            protocol.PROTOCOL_MISMATCH,
            "This app version cannot talk to the central record: update the app. Nothing "
            "waiting to be sent is lost.",
        )


ProtocolChecked = Depends(_check_protocol)  # for a route's dependencies=[...]


def _outbox(text: str | None, refusals: Refusals) -> OutboxReport | None:
    """The device's report of what it holds, or None. A report not of its form is set aside
    (audited), never a reason to refuse the request: a device whose app reports wrongly must
    still get its records through, and what it said before stands."""
    if text is None:
        return None
    try:
        return OutboxReport.parse(text)
    except ValueError:
        refusals.record(action="device.outbox_refused", code=protocol.SYNC_OUTBOX_INVALID)
        return None


def _signed_in(
    db: DatabaseDep,
    settings: SettingsDep,
    refusals: RefusalsDep,
    authorization: Annotated[str | None, Header()] = None,
    seen_outbox: Annotated[
        str | None,
        Header(alias=OUTBOX_HEADER),
        WithJsonSchema(  # any text: one not of this form is set aside, never refused
            {"type": "string", "description": f"held=N; oldest=SECONDS ({OUTBOX_PATTERN})"}
        ),
    ] = None,
    _protocol: None = ProtocolChecked,
) -> services.Authenticated:
    """The caller, a retiring device included (it may only push), and what its outbox holds
    kept on its row."""
    outbox = _outbox(seen_outbox, refusals)
    try:
        credential = None
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise Refusal(protocol.AUTH_INVALID, "Sign-in must be a Bearer credential.")
            credential = value.strip()
        return services.check_credential(
            db=db,
            credential=credential,
            now=settings.clock(),
            renew_after=settings.credential_ttl / 2,
            outbox=outbox,
        )
    except Refusal as exc:
        refusals.refused("auth.refused", exc)
        raise


SignedIn = Annotated[services.Authenticated, Depends(_signed_in)]


def current_actor(auth: SignedIn, refusals: RefusalsDep) -> Actor:
    """The caller, refused while its device is retiring. Called directly by a route that must
    check its own parameters first."""
    try:
        services.refuse_retiring(auth)
    except Refusal as exc:
        refusals.refused("auth.refused", exc)
        raise
    return auth.actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
