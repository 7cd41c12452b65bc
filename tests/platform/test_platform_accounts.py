"""Accounts, sessions, throttling, API tokens — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from zhichan.errors import ConflictError, InputError, PermissionDenied
from zhichan.platform import accounts
from zhichan.platform.db import session_scope
from zhichan.platform.exceptions import AuthenticationError, TooManyAttempts
from zhichan.platform.models import Role, User, WebSession, utcnow

PASSWORD = "correct horse battery"  # the tree fixture's password (tests/platform/conftest.py)


def test_passwords_are_argon2_hashes(engine, tree):
    with session_scope(engine) as s:
        user = s.get(User, tree.users["root"].id)
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert accounts.verify_password(user.password_hash, PASSWORD)
        assert not accounts.verify_password(user.password_hash, PASSWORD + "x")


def test_login_and_wrong_password(engine, tree):
    with session_scope(engine) as s:
        assert accounts.authenticate(s, "root", PASSWORD, "10.0.0.1").username == "root"
    with pytest.raises(AuthenticationError), session_scope(engine) as s:
        accounts.authenticate(s, "root", "wrong password!", "10.0.0.1")
    with pytest.raises(AuthenticationError), session_scope(engine) as s:
        accounts.authenticate(s, "nobody", PASSWORD, "10.0.0.1")




def test_login_throttled_per_user_and_address(engine, tree):
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(AuthenticationError), session_scope(engine) as s:
            accounts.authenticate(s, "root", "bad password 123", "10.0.0.9")
    # even the right password is refused now from that address …
    with pytest.raises(TooManyAttempts), session_scope(engine) as s:
        accounts.authenticate(s, "root", PASSWORD, "10.0.0.9")
    # … but not from another address, nor for another user from the same address
    with session_scope(engine) as s:
        accounts.authenticate(s, "root", PASSWORD, "10.0.0.10")
        accounts.authenticate(s, "cd_admin", PASSWORD, "10.0.0.9")


def test_sessions_expire_when_idle(engine, tree):
    with session_scope(engine) as s:
        token = accounts.create_session(s, s.get(User, tree.users["root"].id), "127.0.0.1")
    with session_scope(engine) as s:
        found = accounts.resolve_session(s.connection(), token, 3600)
        assert found is not None and found.username == "root" and found == tree.scope(engine, "root")
        assert accounts.resolve_session(s.connection(), token + "x", 3600) is None
    with session_scope(engine) as s:
        s.execute(update(WebSession).values(last_seen_at=utcnow() - dt.timedelta(hours=2)))
    with session_scope(engine) as s:
        assert accounts.resolve_session(s.connection(), token, 3600) is None
    # the expired session row is gone, so it cannot come back
    with session_scope(engine) as s:
        assert accounts.resolve_session(s.connection(), token, 10**9) is None


def test_session_ends_on_logout_and_deactivation(engine, tree):
    with session_scope(engine) as s:
        t1 = accounts.create_session(s, s.get(User, tree.users["wuhou_analyst"].id))
        t2 = accounts.create_session(s, s.get(User, tree.users["wuhou_analyst"].id))
        accounts.end_session(s, t1)
    with session_scope(engine) as s:
        assert accounts.resolve_session(s.connection(), t1, 3600) is None
        assert accounts.resolve_session(s.connection(), t2, 3600) is not None
    admin = tree.scope(engine, "cd_admin")
    with session_scope(engine) as s:
        accounts.set_active(s, admin, tree.users["wuhou_analyst"].id, False)
    with session_scope(engine) as s:
        assert accounts.resolve_session(s.connection(), t2, 3600) is None
    with pytest.raises(AuthenticationError), session_scope(engine) as s:
        accounts.authenticate(s, "wuhou_analyst", PASSWORD, "1.1.1.1")


def test_api_tokens_hashed_and_revocable(engine, tree):
    scope = tree.scope(engine, "wuhou_analyst")
    with session_scope(engine) as s:
        token, plain = accounts.create_api_token(s, scope, "报表脚本")
        assert plain.startswith("zc_") and token.token_hash != plain and plain not in token.token_hash
    with session_scope(engine) as s:
        found = accounts.resolve_api_token(s.connection(), plain)
        assert found == tree.scope(engine, "wuhou_analyst") and found.region_code == "510107"
        accounts.revoke_api_token(s, scope, token.id)
    with pytest.raises(AuthenticationError), session_scope(engine) as s:
        accounts.resolve_api_token(s.connection(), plain)
    other = tree.scope(engine, "root")
    with pytest.raises(Exception, match="no token"), session_scope(engine) as s:
        accounts.revoke_api_token(s, other, token.id)


def test_user_validation(engine, tree):
    admin = tree.scope(engine, "root")
    with pytest.raises(InputError), session_scope(engine) as s:
        accounts.add_user(s, admin, username="x y", password=PASSWORD, role="analyst", org_id=tree.nation.id)
    with pytest.raises(InputError), session_scope(engine) as s:
        accounts.add_user(s, admin, username="shortpw", password="short", role="analyst", org_id=tree.nation.id)
    with pytest.raises(InputError), session_scope(engine) as s:
        accounts.add_user(s, admin, username="badrole", password=PASSWORD, role="emperor", org_id=tree.nation.id)
    with pytest.raises(ConflictError), session_scope(engine) as s:
        accounts.add_user(s, admin, username="root", password=PASSWORD, role="analyst", org_id=tree.nation.id)
    with pytest.raises(InputError), session_scope(engine) as s:
        accounts.add_user(
            s, admin, username="ent2", password=PASSWORD, role=Role.ENTERPRISE_USER, org_id=tree.wuhou.id
        )


def test_admins_manage_only_their_subtree(engine, tree):
    county_admin = tree.scope(engine, "jinjiang_admin")
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        accounts.add_user(s, county_admin, username="intruder", password=PASSWORD, role="analyst",
                          org_id=tree.wuhou.id)
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        accounts.set_active(s, county_admin, tree.users["wuhou_analyst"].id, False)
    with session_scope(engine) as s:
        names = {u.username for u, _ in accounts.list_users(s, county_admin)}
        assert names == {"jinjiang_admin"}
        city = {u.username for u, _ in accounts.list_users(s, tree.scope(engine, "cd_admin"))}
        assert city == {"cd_admin", "wuhou_analyst", "jinjiang_admin", "ent_user"}
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        accounts.list_users(s, tree.scope(engine, "wuhou_analyst"))
