"""Devices: POST /enrol (a one-time code for a credential, rate limited per client address) and
POST /devices/credential (a new credential before the old one expires)."""

from __future__ import annotations

from fastapi import APIRouter

from sync import protocol
from sync.protocol import CredentialResponse, EnrolRequest, EnrolResponse
from sync.server import services
from sync.server.routes.answers import ERRORS
from sync.server.routes.deps import (
    ClientAddress,
    ClockDep,
    CurrentActor,
    DatabaseDep,
    LimiterDep,
    ProtocolChecked,
    RefusalsDep,
    SettingsDep,
)
from sync.server.services import Refusal

__all__ = ["router"]

router = APIRouter(tags=["devices"], responses=ERRORS)


@router.post("/enrol", response_model=EnrolResponse, dependencies=[ProtocolChecked])
def enrol(
    body: EnrolRequest,
    db: DatabaseDep,
    settings: SettingsDep,
    clock: ClockDep,
    limiter: LimiterDep,
    client: ClientAddress,
    refusals: RefusalsDep,
) -> EnrolResponse:
    try:
        limiter.check(client)
        return services.enrol_device(
            db=db, request=body, now=clock(), credential_ttl=settings.credential_ttl
        )
    except Refusal as exc:
        if exc.code in (protocol.ENROL_CODE_INVALID, protocol.ENROL_CODE_EXPIRED):
            limiter.failed(client)
        refusals.refused("enrol.refused", exc)
        raise


@router.post("/devices/credential", response_model=CredentialResponse)
def renew(
    who: CurrentActor, db: DatabaseDep, settings: SettingsDep, clock: ClockDep
) -> CredentialResponse:
    return services.renew_credential(
        db=db, actor=who, now=clock(), credential_ttl=settings.credential_ttl
    )
