"""Sign in and out, and changing one's own password."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from zhichan.errors import FormError, InputError, ZhichanError
from zhichan.platform import accounts, audit
from zhichan.platform.db import session_scope
from zhichan.platform.exceptions import AuthenticationError, TooManyAttempts
from zhichan.platform.orgs import scope_for_user
from zhichan.platform.scope import Scope
from zhichan.untrusted import text_refusal
from zhichan.web.deps import check_texts, lang, render
from zhichan.web.i18n import in_language
from zhichan.web.security import SESSION_COOKIE, client_ip, is_https, resolve_caller

router = APIRouter(include_in_schema=False)

#: The trusted-device cookie (see ``zhichan.platform.accounts``): a signed (user name, random id)
#: set at each successful sign-in; its attempts are throttled on their own.
DEVICE_COOKIE = "zc_device"
DEVICE_MAX_AGE = 180 * 86400
PASSWORD_PAGE = "/account/password"


def safe_next(target: str | None) -> str:
    """Only same-site relative paths (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def _devices(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret_key, salt="zhichan.device")


def trusted_device(request: Request, username: str) -> str | None:
    """The SHA-256 of the device id when the browser's device cookie is valid for ``username``."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    if not value or len(value) > 400:
        return None
    try:
        payload = _devices(request).loads(value, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(payload, list) or len(payload) != 2 or payload[0] != username.strip()[:80]:
        return None
    return hashlib.sha256(str(payload[1]).encode()).hexdigest()


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
) -> Response:
    if text_refusal(next, 500):
        next = "/"  # the form's own hidden value, altered: the home page after signing in
    try:
        check_texts({"username": (username, 200), "password": (password, 300)})
    except FormError as exc:
        return render(request, "login.html", {"next": safe_next(next), "error": None, "errors": exc.errors,
                                              "username": username}, status=422)
    engine = request.app.state.engine
    ip = client_ip(request)
    name = username.strip()[:80]
    try:
        with session_scope(engine) as s:
            user = accounts.authenticate(s, name, password, ip, device=trusted_device(request, name))
            token = accounts.create_session(s, user, ip)
            must_change = user.must_change_password
            audit.record(s, scope_for_user(s, user), "login", f"user:{user.username}", ip=ip)
    except (AuthenticationError, TooManyAttempts) as exc:
        with session_scope(engine) as s:
            # under the account's organization, so its administrators see it in the audit view
            audit.record(s, Scope.anonymous(), "login.failed", f"user:{name}", ip=ip, success=False,
                         username=name, detail={"reason": exc.code}, org_path=accounts.audit_path_of(s, name))
        return render(request, "login.html", {"next": safe_next(next), "error": exc.message, "username": username},
                      status=exc.http_status)
    response = RedirectResponse(PASSWORD_PAGE if must_change else safe_next(next), status_code=303)
    secure = is_https(request)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure,
        max_age=request.app.state.settings.session_max_age_seconds,
    )
    response.set_cookie(DEVICE_COOKIE, _devices(request).dumps([name, secrets.token_urlsafe(24)]), httponly=True,
                        samesite="lax", secure=secure, max_age=DEVICE_MAX_AGE)
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


def _password_page(request: Request, status: int = 200, **extra: Any) -> Response:
    caller = resolve_caller(request)
    caller.scope.require_authenticated()
    return render(request, "account_password.html", {"policy": in_language(accounts.PASSWORD_POLICY, lang(request)), "errors": {},
                                                     "forced": caller.scope.must_change_password, **extra},
                  status=status)


@router.get(PASSWORD_PAGE)
def password_page(request: Request) -> Response:
    return _password_page(request)


@router.post(PASSWORD_PAGE)
def password_change(
    request: Request,
    old_password: str = Form(""),
    new_password: str = Form(""),
    new_password2: str = Form(""),
) -> Response:
    """Change one's own password; the account's other sessions end, this one stays."""
    caller = resolve_caller(request)
    caller.scope.require_authenticated()
    try:
        check_texts({"old_password": (old_password, 300), "new_password": (new_password, 300),
                     "new_password2": (new_password2, 300)})
    except FormError as exc:
        return _password_page(request, 422, errors=exc.errors)
    try:
        with session_scope(request.app.state.engine) as s:
            if new_password != new_password2:
                raise InputError("两次输入的新密码不一致 / the new passwords do not match",
                                 details={"field": "new_password2"})
            accounts.change_password(s, caller.scope, old_password, new_password, keep_session=caller.session_token)
            audit.record(s, caller.scope, "password.change", f"user:{caller.scope.username}", ip=client_ip(request))
    except ZhichanError as exc:
        status = 400 if isinstance(exc, AuthenticationError) else exc.http_status  # a wrong old password is no 401
        return _password_page(request, status, errors={str(exc.details.get("field") or "form"): exc.message})
    return RedirectResponse("/account?password=changed", status_code=303)
