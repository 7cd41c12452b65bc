"""Who deposited a deposit: its organization and user by id (``evidence_deposit_owners``, written in the deposit's
transaction, append-only), not the name its leaf records — on SQLite and PostgreSQL; the back-fill of
``evidence_0003`` for deposits made before it; the caller's deposits, newest first and paged."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import DBAPIError

from tests.evidence.helpers import request
from tests.helpers import at_once
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


def test_a_platform_administrator_gives_an_unowned_deposit_its_owner(engine: Engine, log: EvidenceService) -> None:
    """A deposit no one owns gets its owner from the platform's administrator only — one ``assigned`` row and, in the
    same transaction, the audit entry saying who, when and why; the organization's users then see it as their own.
    A deposit that has an owner keeps it: a second assignment is refused (409), as is one on a deposit owned with its
    deposit; anyone else gets the deposit page's 404."""
    from zhichan.errors import ConflictError, FormError
    from zhichan.evidence.owners import assign_owner
    from zhichan.platform.models import AuditEntry

    ids = _orgs_and_users(engine)
    with session_scope(engine) as s:
        acme_id = s.scalar(select(Organization.id).where(Organization.name == ACME))
        city_admin = create_user(s, username="city_admin", password=None, role=Role.SYSTEM_ADMIN,
                                 org=s.get_one(Organization, ids["city"])).id
    a, admin = _scope(engine, ids["acme_a"]), _scope(engine, ids["root_admin"])
    unowned = log.deposit(request(0, depositor="重名公司（合成）")).index
    owned = log.deposit(request(1, depositor=ACME), owner=owner(a)).index
    step = log.append_records([{"kind": "procedure.step", "procedure": "p", "case": "ZC-1", "seq": 1, "event": "e"}])[0]

    def give(scope: Scope, index: int = unowned, **fields: object) -> object:
        values: dict[str, object] = {"org_id": acme_id, "username": "acme_b", "reason": "企业提交了营业执照与原始合同（合成）"}
        return assign_owner(engine, scope, index, **(values | fields))  # type: ignore[arg-type]

    # no one but the platform's administrator: a district's administrator, the enterprise itself, a public user
    for scope in (_scope(engine, city_admin), a, Scope(role=Role.PUBLIC, user_id=999, username="x")):
        with pytest.raises(NotFoundError):
            give(scope)
    with pytest.raises(NotFoundError):  # an entry that is not a deposit, one that is not there
        give(admin, step.index)
    with pytest.raises(NotFoundError):
        give(admin, step.index + 1)
    # fields the administrator can fix, each beside its field
    with pytest.raises(FormError) as refused:
        give(admin, org_id=None, reason="  ")
    assert set(refused.value.errors) == {"org_id", "reason"}
    with pytest.raises(FormError) as refused:
        give(admin, org_id=10**6, username="nobody")
    assert set(refused.value.errors) == {"org_id", "username"}
    with pytest.raises(FormError) as refused:
        give(admin, username="other")  # a user of another organization
    assert set(refused.value.errors) == {"username"}
    with pytest.raises(ConflictError) as taken:  # owned with its deposit
        give(admin, owned)
    assert taken.value.details == {"field": "org_id"} and taken.value.http_status == 409
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM evidence_deposit_owners")).scalar() == 1

    given = give(admin)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT org_id, user_id, source FROM evidence_deposit_owners WHERE idx = :i"),
                           {"i": unowned}).one()
    assert tuple(row) == (acme_id, ids["acme_b"], "assigned")
    with session_scope(engine) as s:
        entry = s.get_one(AuditEntry, given.audit_id)  # type: ignore[attr-defined]
        assert (entry.action, entry.target, entry.username) == ("evidence.owner_assign", f"deposit:{unowned}", "root_admin")
        assert "营业执照" in entry.detail and f'"org_id": {acme_id}' in entry.detail
    # the organization's users own it now; the administrator sees what was given, not the deposit's leaf
    assert deposit_view(log, a, unowned)["sm3"] and unowned in [d.index for d in my_deposits_view(log, a).deposits]
    said = deposit_view(log, admin, unowned)
    assert not said["unowned"] and "sm3" not in said and "certificate_url" not in said
    assert said["assigned"]["org_name"] == ACME and said["assigned"]["username"] == "acme_b"
    assert said["assigned"]["by"] == "root_admin" and "营业执照" in said["assigned"]["reason"]
    with pytest.raises(ConflictError):  # and keeps it
        give(admin, org_id=ids["city"], username="")
    with pytest.raises(NotFoundError):
        deposit_view(log, admin, owned)  # an owner's own deposit stays its own


def _insert_owner(engine: Engine, **row: object) -> None:
    """An owner row written past the schema's keys (as an altered database would hold it)."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.execute(sa.text("INSERT INTO evidence_deposit_owners (idx, seq, org_id, user_id, source, replaces) "
                             "VALUES (:idx, :seq, :org_id, :user_id, :source, :replaces)"),
                     {"seq": 0, "org_id": None, "user_id": None, "source": "deposit", "replaces": None} | row)
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")


def test_the_audit_reports_what_it_can_of_the_owners(engine: Engine, log: EvidenceService) -> None:
    """Owners are not in the signed leaf, so the audit cannot prove them; it fails on rows the platform never writes
    (an owner of an entry that is not a deposit or is not there, two owners of one deposit, an owner naming no one, an
    assignment the audit log does not record) and reports, without failing, the deposits no one owns."""
    ids = _orgs_and_users(engine)
    a = _scope(engine, ids["acme_a"])
    log.deposit(request(0, depositor=ACME), owner=owner(a))
    bare = log.deposit(request(1, depositor=ACME)).index
    nobody = log.deposit(request(2, depositor=ACME)).index
    step = log.append_records([{"kind": "procedure.step", "procedure": "p", "case": "ZC-1", "seq": 1, "event": "e"}])[0]
    report = log.audit()
    assert report.ok, report.problems
    assert f"deposits without an owner: 2 — entries {bare}, {nobody} (" in " ".join(report.notices)

    with engine.begin() as conn:  # the schema's keys stop these; an altered database has none
        if engine.dialect.name == "postgresql":
            for name in sa.inspect(conn).get_foreign_keys("evidence_deposit_owners"):
                conn.exec_driver_sql(f'ALTER TABLE evidence_deposit_owners DROP CONSTRAINT "{name["name"]}"')
            primary = sa.inspect(conn).get_pk_constraint("evidence_deposit_owners")["name"]
            conn.exec_driver_sql(f'ALTER TABLE evidence_deposit_owners DROP CONSTRAINT "{primary}"')
    _insert_owner(engine, idx=step.index, org_id=ids["city"])
    _insert_owner(engine, idx=step.index + 5, org_id=ids["city"])
    _insert_owner(engine, idx=bare, source="assigned", org_id=ids["city"])  # no audit entry says so
    _insert_owner(engine, idx=nobody, source="deposit")  # names no one
    if engine.dialect.name == "postgresql":
        _insert_owner(engine, idx=bare, source="deposit", org_id=ids["city"])  # a second owner
    report = log.audit()
    problems = " | ".join(report.problems)
    assert not report.ok
    assert f"owner row of entry {step.index}: a procedure.step, not a deposit" in problems
    assert f"owner row of entry {step.index + 5}: no such entry" in problems
    assert f"deposit {bare}: owner assigned, but the audit log records no assignment" in problems
    assert f"owner row of deposit {nobody} names neither an organization nor a user" in problems
    if engine.dialect.name == "postgresql":  # SQLite's primary key cannot be dropped in place
        assert f"deposit {bare}: 2 current owners" in problems
    assert not any("without an owner" in n for n in report.notices)


def test_the_command_line_deposits_for_an_organization_and_gives_owners(
        migrated_db_url: str, settings: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``zhichan evidence deposit --org ID`` owns its deposits as a web deposit is owned (``source = command``, the
    organization's name recorded as depositor); without it the output says the deposit has no owner and how to give
    one; ``zhichan evidence owner`` gives it as a platform administrator (``--user``), recorded in the audit log, and
    refuses anyone else and a deposit that has an owner; ``audit`` reports the deposits no one owns without failing."""
    from typer.testing import CliRunner

    from zhichan.evidence.cli import app
    from zhichan.platform.models import AuditEntry
    from zhichan.settings import get_settings

    monkeypatch.setenv("ZHICHAN_DATABASE_URL", migrated_db_url)
    get_settings.cache_clear()
    engine = make_engine(migrated_db_url)
    ids = _orgs_and_users(engine)
    with session_scope(engine) as s:
        acme_id = int(s.scalar(select(Organization.id).where(Organization.name == ACME)) or 0)
    doc = tmp_path / "合同.txt"
    doc.write_text("技术许可合同（合成）", encoding="utf-8")
    runner = CliRunner()

    def run(*args: str) -> object:
        return runner.invoke(app, list(args), env={"COLUMNS": "200"})

    owned = run("deposit", str(doc), "--org", str(acme_id), "--title", "合同（合成）")
    assert owned.exit_code == 0, owned.output  # type: ignore[attr-defined]
    bare = run("deposit", str(doc), "--depositor", "无此机构（合成）")
    assert bare.exit_code == 0 and "no owner" in bare.output, bare.output  # type: ignore[attr-defined]
    assert "zhichan evidence owner 1 --org" in bare.output  # type: ignore[attr-defined]
    assert run("deposit", str(doc), "--org", "999999").exit_code != 0  # type: ignore[attr-defined]
    assert run("deposit", str(doc)).exit_code != 0  # type: ignore[attr-defined]  # neither --org nor --depositor
    with engine.connect() as conn:
        rows = {int(r.idx): (r.org_id, r.user_id, r.source) for r in conn.execute(sa.text(
            "SELECT idx, org_id, user_id, source FROM evidence_deposit_owners"))}
        leaf = conn.execute(sa.text("SELECT leaf FROM evidence_entries WHERE idx = 0")).scalar()
    assert rows == {0: (acme_id, None, "command")} and f'"depositor":"{ACME}"' in bytes(leaf).decode()  # type: ignore[arg-type]
    a = _scope(engine, ids["acme_a"])
    assert [d.index for d in my_deposits_view(
        EvidenceService.open(engine, create_key=False), a).deposits] == [0]

    audit = run("audit")
    assert audit.exit_code == 0 and "deposits without an owner: 1" in audit.output, audit.output  # type: ignore[attr-defined]
    refused = runner.invoke(app, ["owner", "1", "--org", str(acme_id), "--reason", "核实（合成）", "--user", "acme_a"])
    assert refused.exit_code != 0 and 1 not in _owners(engine)
    assert "not a platform administrator" in str(refused.exception)
    given = run("owner", "1", "--org", str(acme_id), "--owner-user", "acme_b", "--reason", "核实了原件（合成）",
                "--user", "root_admin")
    assert given.exit_code == 0, given.output  # type: ignore[attr-defined]
    assert _owners(engine)[1] == (acme_id, ids["acme_b"], "assigned")
    with session_scope(engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "evidence.owner_assign")).one()
        assert entry.username == "root_admin" and entry.target == "deposit:1" and "核实了原件" in entry.detail
    again = run("owner", "1", "--org", str(acme_id), "--reason", "再次（合成）", "--user", "root_admin")
    assert again.exit_code != 0  # type: ignore[attr-defined]
    fixed = run("owner", "1", "--org", str(ids["city"]), "--reason", "指定有误（合成）", "--user", "root_admin", "--correct")
    assert fixed.exit_code == 0 and "corrected to" in fixed.output, fixed.output  # type: ignore[attr-defined]
    assert _owner_chain(engine, 1) == [(0, acme_id, ids["acme_b"], "assigned", None), (1, ids["city"], None, "corrected", 0)]
    assert run("owner", "0", "--org", str(ids["city"]), "--reason", "r", "--user", "root_admin",
               "--correct").exit_code != 0  # type: ignore[attr-defined]  # owned by its command-line deposit
    audit = run("audit")
    assert audit.exit_code == 0 and "without an owner" not in audit.output, audit.output  # type: ignore[attr-defined]
    engine.dispose()
    get_settings.cache_clear()


def _owners(engine: Engine) -> dict[int, tuple[object, ...]]:
    with engine.connect() as conn:
        return {int(r.idx): (r.org_id, r.user_id, r.source) for r in conn.execute(sa.text(
            "SELECT idx, org_id, user_id, source FROM evidence_deposit_owners ORDER BY idx, seq"))}


def test_two_administrators_giving_an_owner_at_once_give_one(engine: Engine, log: EvidenceService) -> None:
    """Two administrators submitting at the same moment: one owner row and one audit entry; the other is told the
    deposit has an owner (409), not a database error — whichever way the two transactions interleave."""

    from zhichan.evidence.owners import assign_owner
    from zhichan.platform.models import AuditEntry

    ids = _orgs_and_users(engine)
    with session_scope(engine) as s:
        nation = s.scalar(select(Organization.id).where(Organization.name == "国家局"))
        second = create_user(s, username="root_admin_2", password=None, role=Role.SYSTEM_ADMIN,
                             org=s.get_one(Organization, nation)).id
    admins = [_scope(engine, ids["root_admin"]), _scope(engine, second)]
    for round_ in range(4):
        index = log.deposit(request(round_, depositor="无此机构（合成）")).index
        outcomes = at_once(*(lambda i=i, index=index: assign_owner(engine, admins[i], index, org_id=ids["city"],
                                                                 reason=f"同时指定 {i}（合成）") for i in range(2)))
        assert sorted(type(o).__name__ for o in outcomes) == ["Assigned", "ConflictError"], outcomes
        with session_scope(engine) as s:
            assert s.scalar(select(sa.func.count()).select_from(AuditEntry)
                            .where(AuditEntry.target == f"deposit:{index}")) == 1
        assert _owners(engine)[index][2] == "assigned"


def test_an_owner_given_by_mistake_is_corrected_by_a_new_row(engine: Engine, log: EvidenceService) -> None:
    """The platform administrator corrects an owner an administrator gave: a new row (``corrected``, numbered after the
    one it ``replaces``) and its audit entry, the old row kept; the deposit is the new organization's from then on
    (its page, its "my deposits") and no longer the old one's; the administrator's view shows the history. Refused: any
    other caller (404), a deposit no one owns (409: it is given an owner, not corrected), one its enterprise owns by
    depositing it (404: not the administrator's to read), the same owner again and each field left wrong (beside it)."""
    from zhichan.errors import ConflictError, FormError
    from zhichan.evidence.owners import assign_owner, correct_owner
    from zhichan.platform.models import AuditEntry

    ids = _orgs_and_users(engine)
    with session_scope(engine) as s:
        acme_id = s.scalar(select(Organization.id).where(Organization.name == ACME))
        other_id = s.scalar(select(Organization.id).where(Organization.name == "乙科技有限公司（合成）"))
    a, b, admin = _scope(engine, ids["acme_a"]), _scope(engine, ids["other"]), _scope(engine, ids["root_admin"])
    given = log.deposit(request(0, depositor="重名公司（合成）")).index
    unowned = log.deposit(request(1, depositor="重名公司（合成）")).index
    owned = log.deposit(request(2, depositor=ACME), owner=owner(a)).index
    assign_owner(engine, admin, given, org_id=acme_id, username="acme_b", reason="误以为是甲公司的（合成）")
    assert given in [d.index for d in my_deposits_view(log, a).deposits]

    def correct(scope: Scope, index: int = given, **fields: object) -> object:
        values: dict[str, object] = {"org_id": other_id, "username": "other", "reason": "乙公司出示了原始文件（合成）"}
        return correct_owner(engine, scope, index, **(values | fields))  # type: ignore[arg-type]

    for scope in (a, b, Scope(role=Role.PUBLIC, user_id=999, username="x")):
        with pytest.raises(NotFoundError):
            correct(scope)
    with pytest.raises(ConflictError) as none:
        correct(admin, unowned)
    assert none.value.http_status == 409 and "指定而非更正" in none.value.message
    with pytest.raises(NotFoundError):
        correct(admin, owned)
    with pytest.raises(FormError) as refused:
        correct(admin, org_id=acme_id, username="acme_b")
    assert set(refused.value.errors) == {"org_id"} and "相同" in refused.value.errors["org_id"]
    with pytest.raises(FormError) as refused:
        correct(admin, org_id=10**6, username="acme_a", reason="")
    assert set(refused.value.errors) == {"org_id", "reason"}
    with pytest.raises(FormError) as refused:
        correct(admin, username="acme_a")  # a user of another organization
    assert set(refused.value.errors) == {"username"}
    assert _owner_chain(engine, given) == [(0, acme_id, ids["acme_b"], "assigned", None)]

    done = correct(admin)
    assert _owner_chain(engine, given) == [(0, acme_id, ids["acme_b"], "assigned", None),
                                           (1, other_id, ids["other"], "corrected", 0)]
    with session_scope(engine) as s:
        entry = s.get_one(AuditEntry, done.audit_id)  # type: ignore[attr-defined]
        assert (entry.action, entry.target, entry.username) == ("evidence.owner_correct", f"deposit:{given}", "root_admin")
        assert '"seq": 1' in entry.detail and "原始文件" in entry.detail and f'"previous_org_id": {acme_id}' in entry.detail
    # the deposit follows its current owner: 乙 opens it and lists it, 甲 no longer does
    assert deposit_view(log, b, given)["sm3"] and given in [d.index for d in my_deposits_view(log, b).deposits]
    assert given not in [d.index for d in my_deposits_view(log, a).deposits]
    with pytest.raises(NotFoundError):
        deposit_view(log, a, given)
    said = deposit_view(log, admin, given)["assigned"]
    assert said["org_name"] == "乙科技有限公司（合成）" and said["source"] == "corrected" and "原始文件" in said["reason"]
    assert [(h["seq"], h["source"], h["username"], h["by"]) for h in said["history"]] == [
        (0, "assigned", "acme_b", "root_admin"), (1, "corrected", "other", "root_admin")]
    assert "误以为" in said["history"][0]["reason"]
    # corrected again (back to 甲, with no user): the chain grows, the audit accepts it
    correct(admin, org_id=acme_id, username="", reason="再次核实，确属甲公司（合成）")
    assert [r[0:2] + r[3:] for r in _owner_chain(engine, given)][-1] == (2, acme_id, "corrected", 1)
    assert given in [d.index for d in my_deposits_view(log, a).deposits]
    assert given not in [d.index for d in my_deposits_view(log, b).deposits]
    report = log.audit()
    assert report.ok, report.problems
    assert "corrected 2" in " ".join(report.notices)


def _owner_chain(engine: Engine, index: int) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT seq, org_id, user_id, source, replaces FROM evidence_deposit_owners WHERE idx = :i ORDER BY seq"),
            {"i": index})]


def test_two_administrators_correcting_at_once_leave_one_current_owner(engine: Engine, log: EvidenceService) -> None:
    """Two administrators correcting the owner they both saw (row 0) at the same moment: one correction row and one
    audit entry; the other is told the owner was corrected meanwhile (409), not a database error — whichever way they
    interleave — and a correction of a row since replaced is refused the same way."""

    from zhichan.errors import ConflictError
    from zhichan.evidence.owners import assign_owner, correct_owner
    from zhichan.platform.models import AuditEntry

    ids = _orgs_and_users(engine)
    with session_scope(engine) as s:
        nation = s.scalar(select(Organization.id).where(Organization.name == "国家局"))
        acme_id = s.scalar(select(Organization.id).where(Organization.name == ACME))
        second = create_user(s, username="root_admin_2", password=None, role=Role.SYSTEM_ADMIN,
                             org=s.get_one(Organization, nation)).id
    admins = [_scope(engine, ids["root_admin"]), _scope(engine, second)]
    targets = [acme_id, ids["city"]]
    for round_ in range(4):
        index = log.deposit(request(round_, depositor="无此机构（合成）")).index
        assign_owner(engine, admins[0], index, org_id=nation, reason="误指定（合成）")
        outcomes = at_once(*(lambda i=i, index=index: correct_owner(engine, admins[i], index, org_id=targets[i],
                                                                  replaces=0, reason=f"同时更正 {i}（合成）")
                             for i in range(2)))
        assert sorted(type(o).__name__ for o in outcomes) == ["Assigned", "ConflictError"], outcomes
        won = next(o for o in outcomes if not isinstance(o, ConflictError))
        with session_scope(engine) as s:
            assert s.scalar(select(sa.func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "evidence.owner_correct", AuditEntry.target == f"deposit:{index}")) == 1
        with pytest.raises(ConflictError):  # the row the form showed is no longer the owner
            correct_owner(engine, admins[0], index, org_id=nation, replaces=0, reason="过时的更正（合成）")
        chain = _owner_chain(engine, index)
        assert [(r[0], r[3], r[4]) for r in chain] == [(0, "assigned", None), (1, "corrected", 0)]
        assert chain[1][1] == won.org_id  # type: ignore[attr-defined]
    assert log.audit().ok


def test_the_audit_checks_the_corrections(engine: Engine, log: EvidenceService) -> None:
    """Corrections the platform wrote pass the audit; it fails on a correction replacing a row that is not there, on
    two current owners of one deposit (two rows nothing replaces), on a correction the audit log does not record, and
    on a row other than a correction that replaces another."""
    from zhichan.evidence.owners import assign_owner, correct_owner

    ids = _orgs_and_users(engine)
    admin = _scope(engine, ids["root_admin"])
    with session_scope(engine) as s:
        acme_id = s.scalar(select(Organization.id).where(Organization.name == ACME))
    fine, gap, twice, silent, odd = (log.deposit(request(i, depositor="无此机构（合成）")).index for i in range(5))
    for index in (fine, gap, twice, silent, odd):
        assign_owner(engine, admin, index, org_id=ids["city"], reason="指定（合成）")
    correct_owner(engine, admin, fine, org_id=acme_id, reason="更正（合成）")
    assert log.audit().ok, log.audit().problems

    if engine.dialect.name == "postgresql":  # the primary key stops two rows of one number unless it is dropped
        with engine.begin() as conn:
            primary = sa.inspect(conn).get_pk_constraint("evidence_deposit_owners")["name"]
            conn.exec_driver_sql(f'ALTER TABLE evidence_deposit_owners DROP CONSTRAINT "{primary}"')
    _insert_owner(engine, idx=gap, seq=2, replaces=1, source="corrected", org_id=acme_id)  # row 1 is not there
    _insert_owner(engine, idx=silent, seq=1, replaces=0, source="corrected", org_id=acme_id)  # no audit entry
    _insert_owner(engine, idx=odd, seq=1, replaces=0, source="deposit", org_id=acme_id)
    if engine.dialect.name == "postgresql":
        _insert_owner(engine, idx=twice, seq=0, source="assigned", org_id=acme_id)  # a second first row
    else:  # SQLite keeps its primary key: two current owners through a correction of a row that is not there
        _insert_owner(engine, idx=twice, seq=5, replaces=4, source="corrected", org_id=acme_id)
    problems = " | ".join(log.audit().problems)
    assert f"deposit {gap}: correction 2 replaces owner row 1, which is not before it" in problems
    assert f"deposit {gap}: 2 current owners" in problems
    assert f"deposit {twice}: 2 current owners" in problems
    assert f"deposit {silent}: owner corrected (row 1), but the audit log records no correction" in problems
    assert f"deposit {odd}: owner row 1 is 'deposit' but replaces another (only a correction does)" in problems
    assert f"deposit {fine}" not in problems
