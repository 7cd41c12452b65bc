"""Users, passwords (argon2id), login throttling, server-side sessions and API tokens.

- Passwords: argon2id via argon2-cffi (its default parameters), rehashed on login when the
  parameters change; a policy (:func:`check_password_policy`, :data:`PASSWORD_POLICY`) refuses
  short, blank, one-character, common and user-name passwords. Changing a password ends every
  other session of the account; an administrator's reset makes the user choose a new one.
- Login throttling (:func:`authenticate`), counted in ``platform_login_attempts`` so every server
  process (and a restart) sees the same numbers. Failures are counted per **account** and per
  **address** over ``THROTTLE_WINDOW``; an attempt is recorded *before* the password is looked at
  and the counts read after, so concurrent guesses cannot slip past the limit. A browser in which
  the account signed in before carries a signed *trusted-device* cookie; its attempts are judged
  only by that device's own failures, so nobody — from the same address or any other — can lock a
  user out of the browser they use (OWASP "device cookies"). Unknown user names are throttled
  like real ones and cost one dummy verification.
- Sessions: the cookie holds a random token; the table keeps only its SHA-256, so a leaked
  database does not leak live sessions. Idle expiry: ``session_max_age_seconds`` after the last
  request.
- API tokens: ``zc_`` + 43 random characters, shown once; stored as SHA-256 (a random 256-bit
  token needs no slow hash).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhichan.errors import ConflictError, InputError, NotFoundError, PermissionDenied
from zhichan.platform.exceptions import AuthenticationError, TooManyAttempts
from zhichan.platform.models import (
    ApiToken,
    LoginAttempt,
    Organization,
    OrgKind,
    Role,
    User,
    WebSession,
    utcnow,
)
from zhichan.platform.orgs import make_scope, org_in_scope, scope_for_user
from zhichan.platform.scope import Scope

#: failed sign-ins per account (from untrusted browsers), and per trusted device, in the window
MAX_FAILURES = 5
#: failed sign-ins per address (any account names) in the window: guesses spread over accounts
MAX_ADDRESS_FAILURES = 20
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
PASSWORD_POLICY = (
    f"至少 {MIN_PASSWORD_LENGTH} 个字符；不能只有空格或少于 4 种不同字符；不能是常见密码（如 password12、1234567890）；"
    f"不能包含用户名 / at least {MIN_PASSWORD_LENGTH} characters; not only spaces, and at least 4 different "
    "characters; not a common password (such as password12 or 1234567890); must not contain the user name"
)
#: the words of the passwords tried first in every guessing list (lower case, letters only)
_COMMON_WORDS = frozenset({
    "password", "passwd", "passw", "pass", "qwerty", "qwertyuiop", "asdfgh", "zxcvbn", "admin", "administrator",
    "root", "welcome", "letmein", "iloveyou", "woaini", "changeme", "default", "secret", "test", "abc", "abcd",
    "abcdef", "abcdefg", "abcdefgh", "login", "user", "guest", "zhichan", "china", "baidu",
})
_KEYBOARD_RUNS = ("01234567890", "09876543210", "abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm",
                  "1qaz2wsx3edc4rfv5tgb", "zaq12wsxcde34rfv")
#: A session's ``last_seen_at`` is written at most this often (saves a write per request).
TOUCH_INTERVAL = dt.timedelta(seconds=60)
_USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,80}$")

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


#: the start of a stored hash no password matches (argon2 refuses it as no hash of its own)
NO_PASSWORD = "!"


def no_password() -> str:
    """The stored hash of an account nobody signs in with (a demo's system accounts): no password verifies
    against it until an administrator sets one, and it costs no argon2 work (a random password hashed
    cost 0.2-0.3 CPU-s per account)."""
    return NO_PASSWORD + secrets.token_hex(16)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_password_policy(password: str, username: str = "", field: str = "password") -> None:
    """Refuse a password that guessing lists or a glance would find (see :data:`PASSWORD_POLICY`);
    the error names the form ``field``."""

    def refuse(reason: str) -> None:
        raise InputError(f"{reason}。{PASSWORD_POLICY.split(' / ')[0]} / {PASSWORD_POLICY.split(' / ')[1]}",
                         details={"field": field})

    if len(password) < MIN_PASSWORD_LENGTH or len(password) > MAX_PASSWORD_LENGTH:
        refuse(f"密码长度须为 {MIN_PASSWORD_LENGTH}–{MAX_PASSWORD_LENGTH} 个字符")
    if not password.strip() or len(set(password)) < 4:
        refuse("密码不能只有空格或重复几个字符")
    lowered = password.lower()
    letters = re.sub(r"[^a-z]", "", lowered)
    if letters in _COMMON_WORDS or any(lowered in run for run in _KEYBOARD_RUNS):
        refuse("这是常见密码")
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in lowered:
        refuse("密码不能包含用户名")


# users -----------------------------------------------------------------------------------------
#: organizations outside government and the one role their users have
MEMBER_ROLES = {OrgKind.ENTERPRISE: Role.ENTERPRISE_USER, OrgKind.BANK: Role.BANK_USER, OrgKind.AGENCY: Role.AGENCY_USER}
MEMBER_LABELS = {OrgKind.ENTERPRISE: "创新主体（企业）机构", OrgKind.BANK: "金融机构", OrgKind.AGENCY: "专利代理机构"}


def demo_display_name(name: str, name_en: str | None, label: tuple[str, str] = ("", "")) -> str:
    """A demo account's display name: its organization's name (and ``label``, zh and en: 发明人 / inventor) marked
    synthetic, in both languages where the organization has an English name ("…（合成） / … (synthetic)", shown by the
    page's half), else in Chinese."""
    zh = f"{name}{label[0]}（合成）"
    return f"{zh} / {name_en}{' ' + label[1] if label[1] else ''} (synthetic)" if name_en else zh


def create_user(
    session: Session,
    *,
    username: str,
    password: str | None,
    role: Role | str,
    org: Organization,
    display_name: str = "",
    password_hash: str | None = None,
) -> User:
    """Create a user (no scope check: for seeding and for :func:`add_user`).

    ``password_hash`` (an argon2 hash of ``password``) lets a seeder hash once for many accounts; ``password=None``
    makes an account no password signs in to (:func:`no_password`) until an administrator resets it."""
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise InputError("用户名须为3–80位字母、数字或 _.@- / user names are 3-80 letters, digits or _.@-",
                         details={"field": "username"})
    try:
        role = Role(role)
    except ValueError:
        raise InputError(f"未知角色 {str(role)[:30]} / unknown role", details={"field": "role"}) from None
    kind = OrgKind(org.kind)
    member_kind = next((k for k, r in MEMBER_ROLES.items() if r == role), None)
    if member_kind is not None and kind != member_kind:
        raise InputError(f"该角色的用户须属于{MEMBER_LABELS[member_kind]} / a {role.value} belongs to an organization "
                         f"of kind {member_kind.value}", details={"field": "org_id"})
    if kind in MEMBER_ROLES and role not in (MEMBER_ROLES[kind], Role.PUBLIC):
        raise InputError(f"{MEMBER_LABELS[kind]}下只能设立本机构用户 / an organization of kind {kind.value} only has "
                         f"{MEMBER_ROLES[kind].value} users", details={"field": "org_id"})
    if password is not None:
        check_password_policy(password, username)
    taken = ConflictError(f"用户名 {username} 已存在 / user name {username} is taken", details={"field": "username"})
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise taken
    user = User(
        username=username,
        display_name=(display_name or username)[:200],
        password_hash=password_hash or (no_password() if password is None else hash_password(password)),
        role=role,
        org_id=org.id,
        is_active=True,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        # the same name created by a concurrent request since the check above: the unique index
        # decides; the caller's transaction is rolled back with the error
        raise taken from None
    return user


def add_user(
    session: Session, scope: Scope, *, username: str, password: str, role: str, org_id: int, display_name: str = ""
) -> User:
    """Admin action: create a user in an organization of the admin's subtree."""
    scope.require_admin()
    org = org_in_scope(session, scope, org_id)
    return create_user(session, username=username, password=password, role=role, org=org, display_name=display_name)


def list_users(session: Session, scope: Scope) -> list[tuple[User, Organization]]:
    scope.require_admin()
    rows = session.execute(
        select(User, Organization)
        .join(Organization, Organization.id == User.org_id)
        .where(Organization.path.like(scope.org_path_like()))
        .order_by(Organization.path, User.username)
    ).all()
    return [(u, o) for u, o in rows]


def set_active(session: Session, scope: Scope, user_id: int, active: bool) -> User:
    scope.require_admin()
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"用户 {user_id} 不存在 / no user {user_id}")
    org_in_scope(session, scope, user.org_id)
    if user.id == scope.user_id and not active:
        raise InputError("不能停用自己的账号 / you cannot deactivate yourself")
    user.is_active = active
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()
    return user


# login -----------------------------------------------------------------------------------------
def _failures(session: Session, since: dt.datetime, **where: Any) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.succeeded.is_(False),
                                                                 LoginAttempt.at >= since)
    for column, value in where.items():
        attr = getattr(LoginAttempt, column)
        query = query.where(attr.is_(None) if value is None else attr == value)
    return int(session.scalar(query) or 0)


def recent_failures(session: Session, username: str, ip: str, device: str | None = None) -> tuple[int, int]:
    """Failures in the window that judge an attempt: ``(its account's or device's, its address's)``.

    With a trusted-device cookie for the account, only that device's failures count (and no
    address limit applies): what others do cannot lock the user out of that browser. Otherwise
    the account's failures from untrusted browsers, and the address's failures over all names."""
    since = utcnow() - THROTTLE_WINDOW
    if device is not None:
        return _failures(session, since, username=username[:80], device=device), 0
    return _failures(session, since, username=username[:80], device=None), _failures(session, since, ip=ip[:64])


def throttled_attempt(session: Session, name: str, ip: str, device: str | None = None) -> LoginAttempt:
    """An attempt at a secret for ``name`` (a user name; another secret's own key, such as a case number's progress
    code), written and committed as a failure before anything is checked, then judged by the failures counted with it
    (:func:`recent_failures`): over the limit :class:`TooManyAttempts`. The caller sets ``succeeded`` on a match."""
    attempt = LoginAttempt(username=name[:80], ip=ip[:64], device=device, succeeded=False, at=utcnow())
    session.add(attempt)
    session.commit()
    own, address = recent_failures(session, name, ip, device)
    if own > MAX_FAILURES or address > MAX_ADDRESS_FAILURES:
        raise TooManyAttempts(
            f"尝试次数过多，请 {int(THROTTLE_WINDOW.total_seconds() // 60)} 分钟后再试 / "
            "too many failed attempts; try again later"
        )
    return attempt


def authenticate(session: Session, username: str, password: str, ip: str, device: str | None = None) -> User:
    """Check a password login (commits the attempt first: use a session of its own).

    ``device``: the SHA-256 of the trusted-device token the browser presented *for this user name*
    (the web layer checks the cookie's signature and name), or ``None``.

    The attempt is written and committed as a failure before anything is checked, then the
    failures are counted — itself included — so of N concurrent guesses at most the limit get a
    password check (each sees every attempt committed before its own count). Over the limit:
    :class:`TooManyAttempts` without looking at the password (nor the user: unknown names are
    throttled the same way and cost one dummy verification when they are not)."""
    username = (username or "").strip()[:80]
    attempt = throttled_attempt(session, username, ip, device)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        # spend the same time for unknown names, so response time does not reveal user names
        verify_unmatched(password or "")
        raise AuthenticationError("用户名或密码错误 / wrong user name or password")
    if not (verify_password(user.password_hash, password or "") and user.is_active):
        raise AuthenticationError("用户名或密码错误 / wrong user name or password")
    attempt.succeeded = True
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def audit_path_of(session: Session, username: str) -> str:
    """The organization path a sign-in attempt for ``username`` is audited under: the account's
    organization (its administrators see failed sign-ins), the root for unknown names."""
    path = session.scalar(select(Organization.path).join(User, User.org_id == Organization.id)
                          .where(User.username == (username or "").strip()[:80]))
    if path is None:
        path = session.scalar(select(Organization.path).where(Organization.parent_id.is_(None))
                              .order_by(Organization.id).limit(1))
    return path or "/"


def verify_unmatched(secret: str) -> None:
    """Spend the time of a secret's check where nothing matched — an unknown user name at sign-in, an unknown case number
    at the public progress look-up (``zhichan.services.progress``) — as a wrong secret's check does, so the response
    time does not tell whether the name or number exists: ``secret`` checked against a hash nothing matches."""
    verify_password(_dummy_hash(), secret)


@cache
def _dummy_hash() -> str:
    """The hash an unknown user name is checked against, made at the first such sign-in (an argon2
    hash costs 0.2–0.3 CPU-s: not at import, which every CLI command and server process pays)."""
    return hash_password("not-a-real-password-" + secrets.token_hex(4))


def change_password(session: Session, scope: Scope, old: str, new: str, keep_session: str | None = None) -> None:
    """The caller changes its own password; every other session of the account ends
    (``keep_session``: the token of the session making the change, which stays)."""
    scope.require_authenticated()
    user = session.get(User, scope.user_id)
    if user is None or not verify_password(user.password_hash, old or ""):
        raise AuthenticationError("原密码错误 / the current password is wrong", details={"field": "old_password"})
    if old == new:
        raise InputError("新密码不能与原密码相同 / the new password must differ from the current one",
                         details={"field": "new_password"})
    check_password_policy(new, user.username, field="new_password")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    ending = delete(WebSession).where(WebSession.user_id == user.id)
    if keep_session:
        ending = ending.where(WebSession.token_hash != sha256(keep_session))
    session.execute(ending)
    session.flush()


def reset_password(session: Session, scope: Scope, user_id: int, password: str) -> User:
    """Admin action: a temporary password for a user of the admin's subtree, who must choose a new
    one at next sign-in; the user's sessions end."""
    scope.require_admin()
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"用户 {user_id} 不存在 / no user {user_id}")
    org_in_scope(session, scope, user.org_id)
    check_password_policy(password, user.username)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.flush()
    return user


# sessions --------------------------------------------------------------------------------------
def create_session(session: Session, user: User, ip: str = "") -> str:
    """Start a session; returns the token for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(WebSession(token_hash=sha256(token), user_id=user.id, created_at=now, last_seen_at=now, ip=ip[:64]))
    session.flush()
    return token


#: What the per-request credential lookup reads besides the credential: the caller's scope.
_CALLER = (User.id.label("user_id"), User.username, User.role, User.is_active, Organization.id.label("org_id"),
           Organization.name.label("org_name"), Organization.name_en.label("org_name_en"),
           Organization.kind.label("org_kind"),
           Organization.path.label("org_path"), Organization.region_code, Organization.party_key,
           User.must_change_password)


def _caller_scope(row: Any) -> Scope:
    return make_scope(role=row.role, user_id=row.user_id, username=row.username, org_id=row.org_id,
                      org_name=row.org_name, org_name_en=row.org_name_en or "", org_kind=row.org_kind, org_path=row.org_path,
                      region_code=row.region_code, party_key=row.party_key,
                      must_change_password=bool(row.must_change_password))


@cache
def _lookup_statement(credential: type[WebSession] | type[ApiToken]) -> Any:
    extra = (WebSession.last_seen_at,) if credential is WebSession else (ApiToken.revoked_at, ApiToken.last_used_at)
    return (
        select(credential.id.label("credential_id"), *extra, *_CALLER)
        .join(User, User.id == credential.user_id)
        .join(Organization, Organization.id == User.org_id)
        .where(credential.token_hash == bindparam("token_hash"))
    )


def _lookup(conn: Connection, credential: type[WebSession] | type[ApiToken], token: str) -> Any:
    """The credential with its user and organization in one Core statement, built once. This runs
    on every request, where building the statement and the ORM's per-row bookkeeping would cost
    several times the query itself."""
    return conn.execute(_lookup_statement(credential), {"token_hash": sha256(token)}).first()


def resolve_session(conn: Connection, token: str, max_age_seconds: int) -> Scope | None:
    """The scope of a live session of an active user, or ``None``; an expired session is removed."""
    if not token or len(token) > 200:
        return None
    row = _lookup(conn, WebSession, token)
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at > dt.timedelta(seconds=max_age_seconds):
        conn.execute(delete(WebSession).where(WebSession.id == row.credential_id))
        return None
    if not row.is_active:
        return None
    if now - row.last_seen_at > TOUCH_INTERVAL:
        conn.execute(update(WebSession).where(WebSession.id == row.credential_id).values(last_seen_at=now))
    return _caller_scope(row)


def end_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == sha256(token)))


# API tokens ------------------------------------------------------------------------------------
def create_api_token(session: Session, scope: Scope, name: str) -> tuple[ApiToken, str]:
    """A new token for the caller; the plain token is returned once and never stored."""
    scope.require_authenticated()
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise InputError("令牌名称须为1–120个字符 / token names need 1-120 characters")
    plain = "zc_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=scope.user_id, name=name, prefix=plain[:10], token_hash=sha256(plain))
    session.add(token)
    session.flush()
    return token, plain


def list_api_tokens(session: Session, scope: Scope) -> list[ApiToken]:
    scope.require_authenticated()
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == scope.user_id).order_by(ApiToken.id)))


def revoke_api_token(session: Session, scope: Scope, token_id: int) -> None:
    scope.require_authenticated()
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != scope.user_id:
        raise NotFoundError(f"令牌 {token_id} 不存在 / no token {token_id}")
    token.revoked_at = token.revoked_at or utcnow()
    session.flush()


def resolve_api_token(conn: Connection, plain: str) -> Scope:
    """The scope of the token's active user; 401 for anything else."""
    if not plain.startswith("zc_") or len(plain) > 200:
        raise AuthenticationError("API 令牌无效 / invalid API token")
    row = _lookup(conn, ApiToken, plain)
    if row is None or row.revoked_at is not None:
        raise AuthenticationError("API 令牌无效或已撤销 / invalid or revoked API token")
    if not row.is_active:
        raise AuthenticationError("API 令牌所属账号已停用 / the token's account is disabled")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_INTERVAL:
        conn.execute(update(ApiToken).where(ApiToken.id == row.credential_id).values(last_used_at=now))
    return _caller_scope(row)


def scope_of(session: Session, user: User) -> Scope:
    if not user.is_active:
        raise PermissionDenied("账号已停用 / account disabled")
    return scope_for_user(session, user)
