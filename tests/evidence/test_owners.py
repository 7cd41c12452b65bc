"""Who deposited a deposit: its organization and user by id (``evidence_deposit_owners``, written in the deposit's
transaction, append-only), not the name its leaf records — on SQLite and PostgreSQL; the back-fill of
``evidence_0003`` for deposits made before it; the caller's deposits, newest first and paged."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import DBAPIError

from tests.evidence.helpers import request
from zhichan.errors import NotFoundError
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.scope import depositor, owner
from zhichan.evidence.service import EvidenceService
from zhichan.evidence.views import (
    DEPOSITS_PER_PAGE,
    deposit_view,
    lookup_view,
    my_deposits_view,
    owned_deposits,
)
from zhichan.platform.accounts import create_user
from zhichan.platform.db import alembic_config, make_engine, session_scope, upgrade
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import create_org, scope_for_user
from zhichan.platform.scope import Scope

ACME = "甲科技有限公司（合成）"


def _orgs_and_users(engine: Engine) -> dict[str, int]:
    """A root bureau with its administrator, a city, two enterprises (甲, 乙) with their users: user ids by name."""
    with session_scope(engine) as s:
        nation = create_org(s, "国家局", OrgKind.NATION, "100000")
        province = create_org(s, "四川省知识产权局", OrgKind.PROVINCE, "510000", nation)
        city = create_org(s, "成都市知识产权局", OrgKind.CITY, "510100", province)
        acme = create_org(s, ACME, OrgKind.ENTERPRISE, "510100", city, party_key=ACME)
        other = create_org(s, "乙科技有限公司（合成）", OrgKind.ENTERPRISE, "510100", city, party_key="乙科技有限公司（合成）")
        users = {name: create_user(s, username=name, password=None, role=role, org=org).id
                 for name, role, org in (("acme_a", Role.ENTERPRISE_USER, acme), ("acme_b", Role.ENTERPRISE_USER, acme),
                                         ("other", Role.ENTERPRISE_USER, other),
                                         ("root_admin", Role.SYSTEM_ADMIN, nation))}
        return users | {"city": city.id}


def _scope(engine: Engine, user_id: int) -> Scope:
    with session_scope(engine) as s:
        return scope_for_user(s, s.get_one(User, user_id))


def test_a_deposit_is_its_organizations_by_identity_not_by_name(engine: Engine, log: EvidenceService) -> None:
    ids = _orgs_and_users(engine)
    a = _scope(engine, ids["acme_a"])
    entry = log.deposit(request(0, depositor=depositor(a)), owner=owner(a))
    assert entry.fields["depositor"] == ACME  # the leaf states the name, as the certificate prints it
    log.deposit(request(1, depositor="乙科技有限公司（合成）"))  # from the command line: no owner

    def sees(scope: Scope) -> bool:
        try:
            deposit_view(log, scope, entry.index)
        except NotFoundError:
            return False
        return True

    # the organization's users see it, in their list and in the look-up of its file
    for name in ("acme_a", "acme_b"):
        scope = _scope(engine, ids[name])
        assert sees(scope) and [d.index for d in my_deposits_view(log, scope).deposits] == [entry.index]
        assert owned_deposits(log, scope)({entry.index: entry.fields}) != {}
    # renamed: still its own
    with session_scope(engine) as s:
        s.execute(update(Organization).where(Organization.name == ACME).values(name="甲科技（更名后，合成）"))
    renamed = _scope(engine, ids["acme_b"])
    assert renamed.org_name != ACME and sees(renamed)
    assert [d.index for d in my_deposits_view(log, renamed).deposits] == [entry.index]
    # a namesake — an organization bearing the recorded name now, a user of no organization by that user name — and
    # another enterprise see nothing: 404, an empty list, no link in the look-up
    with session_scope(engine) as s:
        namesake = create_org(s, ACME, OrgKind.ENTERPRISE, "510100", s.get_one(Organization, ids["city"]), party_key=ACME)
        namesake_user = create_user(s, username="namesake", password=None, role=Role.ENTERPRISE_USER, org=namesake).id
    outsiders = [_scope(engine, namesake_user), _scope(engine, ids["other"]), _scope(engine, ids["root_admin"]),
                 Scope(role=Role.PUBLIC, user_id=999, username=ACME)]
    for scope in outsiders:
        assert not sees(scope), scope.username
        assert my_deposits_view(log, scope).total == 0, scope.username
        found = lookup_view(log, entry.fields["sm3"], "zh", {"deposit": owned_deposits(log, scope)}).entries
        assert found[0].deposit_url is None and found[0].title == "测试文件 0", scope.username
    # the owners are append-only, as the log
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text("UPDATE evidence_deposit_owners SET org_id = org_id + 1"))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM evidence_deposit_owners"))


def test_an_administrator_is_told_of_a_deposit_no_one_owns(engine: Engine, log: EvidenceService) -> None:
    """A deposit with no owner row (from the command line, or left unowned by the back-fill) is nobody's: the
    platform's administrator gets a page saying so (the recorded name, not the leaf's other fields); another's owned
    deposit stays a 404 to the administrator too."""
    ids = _orgs_and_users(engine)
    a = _scope(engine, ids["acme_a"])
    unowned = log.deposit(request(0, depositor=ACME))
    owned = log.deposit(request(1, depositor=ACME), owner=owner(a))
    admin = _scope(engine, ids["root_admin"])
    said = deposit_view(log, admin, unowned.index)
    assert said["unowned"] and said["depositor"] == ACME and "sm3" not in said and "certificate_url" not in said
    with pytest.raises(NotFoundError):
        deposit_view(log, admin, owned.index)
    with pytest.raises(NotFoundError):
        deposit_view(log, a, unowned.index)  # the name alone gives it to no one


def test_my_deposits_are_newest_first_and_paged(engine: Engine, log: EvidenceService) -> None:
    ids = _orgs_and_users(engine)
    a, other = _scope(engine, ids["acme_a"]), _scope(engine, ids["other"])
    mine = []
    for i in range(DEPOSITS_PER_PAGE + 8):  # 21 of them its own
        who = other if i % 4 == 3 else a
        entry = log.deposit(request(i, depositor=depositor(who)), owner=owner(who))
        if who is a:
            mine.append(entry.index)
    first, second = my_deposits_view(log, a, 1), my_deposits_view(log, a, 2)
    assert first.total == second.total == len(mine)
    assert [d.index for d in first.deposits + second.deposits] == mine[::-1]
    assert len(first.deposits) == DEPOSITS_PER_PAGE and my_deposits_view(log, a, 3).deposits == []
    assert first.deposits[0].certificate_url == f"/evidence/deposits/{mine[-1]}/certificate.pdf"


def test_the_migration_back_fills_owners_by_a_name_one_organization_bears(db_url: str, signing_key: SigningKey) -> None:
    """Deposits made before owners were recorded (the evidence branch taken back to evidence_0002, which drops the
    table and keeps the log) get an owner where exactly one organization bears the recorded name; where none or
    several do, none — and the migration says who."""
    engine = make_engine(db_url)
    upgrade(engine)
    ids = _orgs_and_users(engine)
    with session_scope(engine) as s:
        city = s.get_one(Organization, ids["city"])
        for _ in range(2):
            create_org(s, "重名公司（合成）", OrgKind.ENTERPRISE, "510100", city, party_key="重名公司（合成）")
        acme_id = s.scalar(select(Organization.id).where(Organization.name == ACME))
    log = EvidenceService(engine, signing_key, "test.zhichan/evidence")
    a = _scope(engine, ids["acme_a"])
    by_acme = log.deposit(request(0, depositor=ACME), owner=owner(a)).index
    by_acme_cli = log.deposit(request(1, depositor=ACME)).index
    twice = log.deposit(request(2, depositor="重名公司（合成）")).index
    nobody = log.deposit(request(3, depositor="无此机构（合成）")).index
    log.append_records([{"kind": "procedure.step", "procedure": "p", "case": "ZC-1", "seq": 1, "event": "e"}])
    command.downgrade(alembic_config(engine), "evidence_0002")
    with engine.connect() as conn:
        assert "evidence_deposit_owners" not in sa.inspect(conn).get_table_names()
    upgrade(engine)
    with engine.connect() as conn:
        rows = {int(r.idx): (r.org_id, r.user_id, r.source)
                for r in conn.execute(sa.text("SELECT idx, org_id, user_id, source FROM evidence_deposit_owners"))}
    assert rows == {by_acme: (acme_id, None, "name"), by_acme_cli: (acme_id, None, "name")}
    assert twice not in rows and nobody not in rows
    assert [d.index for d in my_deposits_view(log, a).deposits] == [by_acme_cli, by_acme]
    assert deposit_view(log, _scope(engine, ids["root_admin"]), twice)["unowned"]
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:  # and append-only again
        conn.execute(sa.text("DELETE FROM evidence_deposit_owners"))
    engine.dispose()
