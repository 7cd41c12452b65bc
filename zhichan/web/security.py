"""Who is calling, and may they post this form: sessions, API tokens, CSRF, cookies.

- ``zc_session``: random token of a server-side session (``platform_sessions``); HttpOnly,
  SameSite=Lax, Secure when the request came over https; idle expiry from settings.
- ``zc_pre``: a random value for visitors without a session, so the login form can carry a CSRF
  token bound to *something* the attacker cannot read.
- CSRF: every unsafe request (POST/PUT/PATCH/DELETE) authenticated by cookie must carry a token —
  form field ``csrf_token`` or header ``X-CSRF-Token`` — that is an itsdangerous signature of the
  caller's session (or ``zc_pre``) binding. Requests with an ``Authorization: Bearer`` API token
  carry no ambient credentials and need none.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from zhichan.platform import accounts
from zhichan.platform.exceptions import CsrfError, PasswordChangeRequired
from zhichan.platform.scope import Scope

SESSION_COOKIE = "zc_session"
PRE_COOKIE = "zc_pre"
LANG_COOKIE = "zc_lang"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def load_secret_key(configured: str | None, data_dir: Path) -> str:
    """The configured key, or one generated once and kept (mode 600) in the data directory."""
    if configured:
        return configured
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text("utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key, "utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return path.read_text("utf-8").strip()


@dataclass
class Caller:
    scope: Scope
    via: str  # "anonymous" | "session" | "token"
    session_token: str | None = None

    @property
    def csrf_binding(self) -> str | None:
        if self.session_token:
            return "s:" + hashlib.sha256(self.session_token.encode()).hexdigest()
        return None


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def resolve_caller(request: Request) -> Caller:
    """Once per request (cached on ``request.state``)."""
    cached = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    app = request.app
    engine = app.state.engine
    caller = Caller(Scope.anonymous(), "anonymous")
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        with engine.begin() as conn:
            caller = Caller(accounts.resolve_api_token(conn, auth[7:].strip()), "token")  # 401 on a bad token
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            with engine.begin() as conn:
                found = accounts.resolve_session(conn, token, app.state.settings.session_max_age_seconds)
            if found is not None:
                caller = Caller(found, "session", session_token=token)
    request.state.caller = caller
    return caller


def pre_session_id(request: Request) -> str:
    """The visitor's ``zc_pre`` value (a new one is set on the response by the middleware)."""
    value = getattr(request.state, "pre_id", None)
    if value is None:
        value = request.cookies.get(PRE_COOKIE) or ""
        if len(value) < 20 or len(value) > 100:
            value = secrets.token_urlsafe(24)
            request.state.new_pre_id = value
        request.state.pre_id = value
    return str(value)


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret_key, salt="zhichan.csrf")


def _binding(request: Request) -> str:
    caller = resolve_caller(request)
    return caller.csrf_binding or "p:" + hashlib.sha256(pre_session_id(request).encode()).hexdigest()


def csrf_token(request: Request) -> str:
    return str(_serializer(request).dumps(_binding(request)))


async def csrf_guard(request: Request) -> None:
    """App-wide dependency: refuse unsafe cookie-authenticated requests without a valid token."""
    if request.method not in UNSAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    token = request.headers.get("x-csrf-token")
    if not token:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            token = value if isinstance(value, str) else None
    if not token:
        raise CsrfError("缺少 CSRF 令牌，请刷新页面后重试 / missing CSRF token; reload the page and retry")
    try:
        bound = _serializer(request).loads(token, max_age=request.app.state.settings.session_max_age_seconds)
    except BadSignature:
        raise CsrfError("CSRF 令牌无效或已过期，请刷新页面 / invalid or expired CSRF token; reload the page") from None
    if not secrets.compare_digest(str(bound), _binding(request)):
        raise CsrfError("CSRF 令牌与会话不符，请刷新页面 / CSRF token does not match your session")


#: What a user who must change a reset password may still reach.
PASSWORD_CHANGE_PATHS = ("/account/password", "/logout", "/login", "/static/", "/assets/", "/healthz")


def require_password_changed(request: Request, scope: Scope) -> None:
    """After an administrator's reset, nothing but the password change form (pages redirect there,
    the API answers 403 ``password_change_required``)."""
    if scope.must_change_password and not request.url.path.startswith(PASSWORD_CHANGE_PATHS):
        raise PasswordChangeRequired("请先修改管理员为您重置的密码 / please change the password an administrator "
                                     "reset for you first")


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"
