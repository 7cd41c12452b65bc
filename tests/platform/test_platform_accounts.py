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


def test_an_account_made_without_a_password_signs_in_only_after_a_reset(engine, tree):
    """A demo's system account is made with no password (no argon2 work): nothing signs in to it — not the empty
    string, not its stored text — until an administrator gives it one."""
    from zhichan.platform.models import Organization

    with session_scope(engine) as s:
        org = s.get(Organization, tree.users["wuhou_analyst"].org_id)
        user = accounts.create_user(s, username="system_demo_01", password=None, role=Role.CASE_OFFICER, org=org)
        stored, user_id = user.password_hash, user.id
    assert stored.startswith(accounts.NO_PASSWORD) and not stored.startswith("$argon2")
    for guess in ("", stored, stored[1:], PASSWORD):
        with pytest.raises(AuthenticationError), session_scope(engine) as s:
            accounts.authenticate(s, "system_demo_01", guess, "10.0.7.1", device="d" * 64)
    with session_scope(engine) as s:
        accounts.reset_password(s, tree.scope(engine, "cd_admin"), user_id, "temporary pass 99")
    with session_scope(engine) as s:
        assert accounts.authenticate(s, "system_demo_01", "temporary pass 99", "10.0.7.1").must_change_password


def test_login_and_wrong_password(engine, tree):
    with session_scope(engine) as s:
        assert accounts.authenticate(s, "root", PASSWORD, "10.0.0.1").username == "root"
    with pytest.raises(AuthenticationError), session_scope(engine) as s:
        accounts.authenticate(s, "root", "wrong password!", "10.0.0.1")
    with pytest.raises(AuthenticationError), session_scope(engine) as s:
        accounts.authenticate(s, "nobody", PASSWORD, "10.0.0.1")




def _fail(engine, username, ip, device=None, password="bad password 123"):
    with pytest.raises((AuthenticationError, TooManyAttempts)) as caught, session_scope(engine) as s:
        accounts.authenticate(s, username, password, ip, device=device)
    return caught.type


def test_login_throttled_per_account_across_addresses(engine, tree):
    # guesses spread over addresses count against the account …
    for n in range(accounts.MAX_FAILURES):
        assert _fail(engine, "root", f"10.0.1.{n}") is AuthenticationError
    assert _fail(engine, "root", "10.0.1.99") is TooManyAttempts
    # … even the right password is refused then from a browser the account never used …
    with pytest.raises(TooManyAttempts), session_scope(engine) as s:
        accounts.authenticate(s, "root", PASSWORD, "10.0.1.100")
    # … but not from its trusted browser (device cookie): the attacker cannot lock the user out
    with session_scope(engine) as s:
        assert accounts.authenticate(s, "root", PASSWORD, "10.0.1.0", device="d" * 64).username == "root"
    # other accounts are not affected, from any of those addresses
    with session_scope(engine) as s:
        assert accounts.authenticate(s, "cd_admin", PASSWORD, "10.0.1.0").username == "cd_admin"


def test_login_throttled_per_address_across_accounts_and_unknown_names(engine, tree):
    names = [f"guess{n}" for n in range(12)] + ["root", "cd_admin"]
    outcomes = [_fail(engine, names[n % len(names)], "10.0.2.1") for n in range(accounts.MAX_ADDRESS_FAILURES + 3)]
    assert outcomes.count(AuthenticationError) == accounts.MAX_ADDRESS_FAILURES
    assert outcomes[-3:] == [TooManyAttempts] * 3
    # the address is throttled for untrusted browsers; another address is not
    assert _fail(engine, "wuhou_analyst", "10.0.2.1", password=PASSWORD) is TooManyAttempts
    with session_scope(engine) as s:
        assert accounts.authenticate(s, "wuhou_analyst", PASSWORD, "10.0.2.2").username == "wuhou_analyst"
    # a user with a trusted browser behind the same (shared) address still signs in
    with session_scope(engine) as s:
        accounts.authenticate(s, "jinjiang_admin", PASSWORD, "10.0.2.1", device="e" * 64)
    # unknown names are throttled like real ones
    for _ in range(accounts.MAX_FAILURES):
        _fail(engine, "nobody-at-all", "10.0.3.1", device=None)
    assert _fail(engine, "nobody-at-all", "10.0.3.2") is TooManyAttempts


def test_concurrent_guesses_get_no_more_checks_than_the_limit(engine, tree):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(lambda n: _fail(engine, "root", f"10.0.4.{n}"), range(30)))
    # at most the limit get a password check — fewer, down to none, when other attempts commit before
    # one counts (each attempt is recorded before its check and refuses itself on everything
    # committed so far; on PostgreSQL a burst can refuse them all) — never more
    checked = outcomes.count(AuthenticationError)
    assert 0 <= checked <= accounts.MAX_FAILURES
    assert outcomes.count(TooManyAttempts) == 30 - checked


@pytest.mark.parametrize("weak", [" " * 10, "aaaaaaaaaa", "password12", "Password2024!", "1234567890",
                                  "qwertyuiop", "short", "xx-wuhou_analyst-xx"])
def test_password_policy_refuses_weak_passwords(weak):
    with pytest.raises(InputError) as caught:
        accounts.check_password_policy(weak, "wuhou_analyst")
    assert caught.value.details["field"] == "password" and "至少 10 个字符" in caught.value.message


def test_password_policy_accepts_passphrases():
    for good in (PASSWORD, "成都锦江区知识产权2024", "Tr0ub4dour&3x!"):
        accounts.check_password_policy(good, "wuhou_analyst")


def test_password_change_ends_other_sessions_and_reset_forces_a_change(engine, tree):
    user_id = tree.users["wuhou_analyst"].id
    with session_scope(engine) as s:
        here = accounts.create_session(s, s.get(User, user_id))
        elsewhere = accounts.create_session(s, s.get(User, user_id))
    scope = tree.scope(engine, "wuhou_analyst")
    with pytest.raises(AuthenticationError), session_scope(engine) as s:
        accounts.change_password(s, scope, "not the password", "a new passphrase 42", keep_session=here)
    with pytest.raises(InputError), session_scope(engine) as s:
        accounts.change_password(s, scope, PASSWORD, "password12", keep_session=here)
    with session_scope(engine) as s:
        accounts.change_password(s, scope, PASSWORD, "a new passphrase 42", keep_session=here)
    with session_scope(engine) as s:
        assert accounts.resolve_session(s.connection(), here, 3600) is not None
        assert accounts.resolve_session(s.connection(), elsewhere, 3600) is None
        assert accounts.authenticate(s, "wuhou_analyst", "a new passphrase 42", "10.0.5.1")
    # an administrator of another county may not reset it; the city's may, and the user must change it
    with pytest.raises(PermissionDenied), session_scope(engine) as s:
        accounts.reset_password(s, tree.scope(engine, "jinjiang_admin"), user_id, "temporary pass 99")
    with session_scope(engine) as s:
        accounts.reset_password(s, tree.scope(engine, "cd_admin"), user_id, "temporary pass 99")
    with session_scope(engine) as s:
        assert accounts.resolve_session(s.connection(), here, 3600) is None
    assert tree.scope(engine, "wuhou_analyst").must_change_password
    with session_scope(engine) as s:
        accounts.change_password(s, tree.scope(engine, "wuhou_analyst"), "temporary pass 99", "chosen by me 2027")
    assert not tree.scope(engine, "wuhou_analyst").must_change_password


def test_parallel_creation_of_one_user_name_is_one_conflict(engine, tree):
    from concurrent.futures import ThreadPoolExecutor

    admin = tree.scope(engine, "root")
    hashed = accounts.hash_password(PASSWORD)

    def create(_n):
        try:
            with session_scope(engine) as s:
                org = s.get(type(tree.nation), tree.nation.id)
                accounts.create_user(s, username="twin", password=PASSWORD, role="analyst", org=org,
                                     password_hash=hashed)
            return "created"
        except ConflictError:
            return "conflict"

    assert admin.is_admin
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(create, range(8)))
    assert outcomes.count("created") == 1 and outcomes.count("conflict") == 7


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
