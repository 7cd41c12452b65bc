"""Sign in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from zhichan.platform import accounts, audit
from zhichan.platform.db import session_scope
from zhichan.platform.exceptions import AuthenticationError, TooManyAttempts
from zhichan.platform.orgs import scope_for_user
from zhichan.platform.scope import Scope
from zhichan.web.deps import render
from zhichan.web.security import SESSION_COOKIE, client_ip, is_https, resolve_caller

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only same-site relative paths (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    username: str = Form("", max_length=200),
    password: str = Form("", max_length=300),
    next: str = Form("/", max_length=500),
) -> Response:
    engine = request.app.state.engine
    ip = client_ip(request)
    try:
        with session_scope(engine) as s:
            user = accounts.authenticate(s, username, password, ip)
            token = accounts.create_session(s, user, ip)
            audit.record(s, scope_for_user(s, user), "login", f"user:{user.username}", ip=ip)
    except (AuthenticationError, TooManyAttempts) as exc:
        with session_scope(engine) as s:
            audit.record(s, Scope.anonymous(), "login.failed", f"user:{username[:80]}", ip=ip, success=False,
                         username=username[:80], detail={"reason": exc.code})
        return render(request, "login.html", {"next": safe_next(next), "error": exc.message, "username": username},
                      status=exc.http_status)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=is_https(request),
        max_age=request.app.state.settings.session_max_age_seconds,
    )
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    caller = resolve_caller(request)
    if caller.session_token:
        with session_scope(request.app.state.engine) as s:
            accounts.end_session(s, caller.session_token)
            audit.record(s, caller.scope, "logout", f"user:{caller.scope.username}", ip=client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
