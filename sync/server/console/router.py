"""The console's frame under /console: sign-in (password, then a code when one is needed),
sign-out, the error page, and the plumbing every page uses; the pages themselves are routers of
their own (home.py: the dashboard). Server-rendered, every action a plain form post, so nothing
needs JavaScript.

Cookies. The session cookie is HttpOnly, SameSite=Strict and Secure (named __Host-, so it is
bound to this host and path /); the one exception is plain http to a loopback host (the demo on
http://127.0.0.1), where a browser would not keep a Secure cookie, so it goes without Secure and
the prefix. Behind a TLS proxy, the proxy must pass the public Host header on. Strict, not Lax:
nothing reaches the console from another site; a link from an email opens the sign-in page. (An
OIDC callback later comes back cross-site: it needs its own Lax state cookie, not this one.)
CSRF: every form carries a token compared in constant time: the session's token once signed in,
and before that a sign-in token from its own short cookie (double submit), against login CSRF.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader

from sync.server.console import auth
from sync.server.console.sessions import (
    Staff,
    csrf_matches,
    end_session,
    find_session,
    start_session,
)
from sync.server.db import Database

__all__ = [
    "db_of",
    "error_page",
    "form_field",
    "mount_console",
    "now_of",
    "refused_csrf",
    "render",
    "router",
    "signed_in",
    "templates",
]

HERE = Path(__file__).parent
STATIC = HERE / "static"  # console.css (ours) and govuk/ (copied from npm by ./dev, git-ignored)
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
SIGN_IN_TTL = 600  # seconds the sign-in form's token lasts

router = APIRouter(prefix="/console", include_in_schema=False)

_env = Environment(
    loader=ChoiceLoader(
        [
            FileSystemLoader(HERE / "templates"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    ),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)


def mount_console(app: FastAPI) -> None:
    """The console's pages and its static files (from disk, never a CDN)."""
    # The files first: the pages' catch-all (the not-found page) would shadow them.
    app.mount("/console/static", StaticFiles(directory=STATIC, check_dir=False), name="console")
    # The page modules use this module's plumbing, so they are imported here, not above; and
    # included before this router, whose catch-all (the not-found page) would answer them.
    from sync.server.console import children, home
    from sync.server.console.acts import routers

    for each in (home.router, children.router, *routers):
        app.include_router(each)
    app.include_router(router)


# --- Request plumbing ----------------------------------------------------------------------------
def _secure(request: Request) -> bool:
    return not (request.url.scheme == "http" and (request.url.hostname or "") in LOOPBACK)


def _cookie(request: Request, name: str) -> str:
    return f"__Host-{name}" if _secure(request) else name


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.settings.clock()
    return now


def _set_cookie(
    request: Request, response: Response, name: str, value: str, max_age: int | None
) -> None:
    response.set_cookie(
        _cookie(request, name),
        value,
        max_age=max_age,
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )


def _render(
    request: Request, name: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    response = templates.TemplateResponse(
        request, name, {"cspNonce": nonce, "staff": None, **context}, status_code=status
    )
    response.headers.update(
        {
            "Content-Security-Policy": (
                f"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'self'; "
                "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
            ),
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
        }
    )
    return response


def _error(
    request: Request, status: int, title: str, text: str, staff: Staff | None = None
) -> HTMLResponse:
    context = {"title": title, "text": text, "staff": staff}
    return _render(request, "error.html", context, status)


def _refused_csrf(request: Request) -> HTMLResponse:
    return _error(
        request,
        403,
        "This form has expired",
        "The page was open too long, or it came from somewhere else. Go back, reload the page "
        "and try again.",
    )


def _field(form: Any, name: str, limit: int) -> str:
    """A form field as text: missing, oversized, or holding NUL or a lone surrogate is empty."""
    value = form.get(name)
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        return ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ""
    return value


def _session(request: Request) -> tuple[str, Staff | None]:
    value = request.cookies.get(_cookie(request, "seen_console"), "")
    return value, find_session(_db(request), value, now=_now(request))


def _to_sign_in() -> RedirectResponse:
    return RedirectResponse("/console/sign-in", status_code=303)


# --- Sign-in -------------------------------------------------------------------------------------
def _sign_in_page(
    request: Request, *, error: str = "", org_id: str = "", username: str = "", status: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    context = {"csrf_token": token, "error": error, "org_id": org_id, "username": username}
    response = _render(request, "sign_in.html", context, status)
    _set_cookie(request, response, "seen_console_signin", token, SIGN_IN_TTL)
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request) -> Response:
    _, staff = _session(request)
    if staff is not None and staff.stage == "full":
        return RedirectResponse("/console/", status_code=303)
    return _sign_in_page(request)


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    form = await request.form()
    expected = request.cookies.get(_cookie(request, "seen_console_signin"), "")
    if not expected or not csrf_matches(expected, _field(form, "csrf_token", 100)):
        return _refused_csrf(request)
    org_id = _field(form, "org_id", 64).strip()
    username = _field(form, "username", 80)
    password = _field(form, "password", 1024)
    if not org_id or not username or not password:
        return _sign_in_page(
            request,
            error="Enter your organisation, username and password.",
            org_id=org_id,
            username=username,
            status=400,
        )
    now = _now(request)
    try:
        step = auth.check_password(
            _db(request), org_id=org_id, username=username, password=password, now=now
        )
    except auth.SignInRefused as refused:
        return _sign_in_page(
            request, error=refused.message, org_id=org_id, username=username, status=400
        )
    full = isinstance(step, auth.Verified)
    value = start_session(_db(request), account_id=step.account_id, now=now, full=full)
    response = RedirectResponse("/console/" if full else "/console/sign-in/code", status_code=303)
    _set_cookie(request, response, "seen_console", value, None)
    _set_cookie(request, response, "seen_console_signin", "", 0)  # with Secure, as __Host- asks
    return response


@router.get("/sign-in/code", response_class=HTMLResponse)
def code_form(request: Request) -> Response:
    _, staff = _session(request)
    if staff is None:
        return _to_sign_in()
    if staff.stage == "full":
        return RedirectResponse("/console/", status_code=303)
    return _render(request, "code.html", {"csrf_token": staff.csrf_token, "error": ""})


@router.post("/sign-in/code", response_class=HTMLResponse)
async def code(request: Request) -> Response:
    value, staff = _session(request)
    if staff is None:
        return _to_sign_in()
    form = await request.form()
    if not csrf_matches(staff.csrf_token, _field(form, "csrf_token", 100)):
        return _refused_csrf(request)
    if staff.stage == "full":
        return RedirectResponse("/console/", status_code=303)
    now = _now(request)
    try:
        verified = auth.check_code(
            _db(request), account_id=staff.account_id, code=_field(form, "code", 20), now=now
        )
    except auth.SignInRefused as refused:
        if refused.reason != "locked":
            context = {"csrf_token": staff.csrf_token, "error": refused.message}
            return _render(request, "code.html", context, 400)
        end_session(_db(request), value, staff, now=now, audited=False)
        return _sign_in_page(request, error=refused.message, status=400)
    fresh = start_session(
        _db(request), account_id=verified.account_id, now=now, full=True, replaces=value
    )
    response = RedirectResponse("/console/", status_code=303)
    _set_cookie(request, response, "seen_console", fresh, None)
    return response


@router.post("/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request) -> Response:
    value, staff = _session(request)
    if staff is None:
        return _to_sign_in()
    form = await request.form()
    if not csrf_matches(staff.csrf_token, _field(form, "csrf_token", 100)):
        return _refused_csrf(request)
    end_session(_db(request), value, staff, now=_now(request))
    response = _render(request, "signed_out.html", {})
    _set_cookie(request, response, "seen_console", "", 0)
    return response


# --- Pages ---------------------------------------------------------------------------------------
def _signed_in(request: Request) -> Staff | Response:
    _, staff = _session(request)
    if staff is None:
        return _to_sign_in()
    if staff.stage != "full":
        return RedirectResponse("/console/sign-in/code", status_code=303)
    return staff


# The plumbing the other console modules share (home, children, acts/): one of each.
render, error_page, refused_csrf, signed_in = _render, _error, _refused_csrf, _signed_in
db_of, now_of, form_field = _db, _now, _field


@router.get("/{rest:path}", response_class=HTMLResponse)
def not_found(request: Request, rest: str) -> Response:
    staff = _signed_in(request)
    if not isinstance(staff, Staff):
        return staff
    text = "Check the address, or go to the first page."
    return _error(request, 404, "Page not found", text, staff)
