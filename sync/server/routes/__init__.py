"""The API's routes, one APIRouter per resource; what they are given is deps.py's.

health     GET /healthz
devices    POST /enrol, POST /devices/credential
push       POST /sync/push
changes    GET /sync/changes
records    GET /children/{child_id}, GET /visits/{visit_id}
plans      PUT/GET /v1/children/{child_id}/plan, POST/GET /v1/children/{child_id}/decisions
concerns   POST /v1/concerns, GET /v1/concerns?child_id=, GET /v1/reporters/{id}/concerns,
           POST /v1/concerns/{id}/acknowledge
flags      GET /v1/teams/{team_id}/flags, GET /v1/children/{child_id}/oversight,
           POST /v1/flags/{id}/seen|acknowledge|close,
           PUT /v1/children/{child_id}/people/{person_id}/assessment
"""

from fastapi import APIRouter

from sync.server.routes import changes, concerns, devices, flags, health, plans, push, records

__all__ = ["ROUTERS"]

# In this order in the OpenAPI document.
ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    devices.router,
    push.router,
    changes.router,
    records.router,
    plans.router,
    concerns.router,
    flags.router,
)
