"""A file alone finds every entry certifying it: the document index (written with the entry, append-only, audited,
back-filled by its migration) on SQLite and PostgreSQL, what a look-up says of a case step to whom, and a generated
decision letter found by its bytes through the app's verify page and API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, select, update
from sqlalchemy.exc import DBAPIError

from tests.evidence.helpers import request
from tests.helpers import migration_differences
from tests.procedures.helpers import PDF, PROCEDURE, build_world, pdf
from tests.services.helpers import decided_search_application
from zhichan.evidence.keys import SigningKey, key_dir, load_signing_key
from zhichan.evidence.service import EvidenceService, digest_bytes
from zhichan.evidence.verify import verify_pdf
from zhichan.platform.db import alembic_config, make_engine, session_scope, upgrade
from zhichan.platform.scope import Scope
from zhichan.procedures.certified import certified_steps
from zhichan.procedures.models import Case
from zhichan.web.testing import WebEnv, csrf_from, login_as

#: a patent dispute's request as the party files it
FILING = {"patent_number": "ZL202310000001.X", "requester": "成都示例科技有限公司", "respondent": "某某电子商行",
          "requester_role": "专利权人", "court_suit": "否", "known_on": "2025-12-01", "continuing": "是",
          "claims": "请求责令停止侵权"}
LETTER = "准予办理决定书（合成数据）".encode() * 40
NOTICE = "受理通知书（合成数据）".encode() * 40


def _step(*documents: bytes, case: str = "ZC-TEST-0001", seq: int = 2) -> dict[str, Any]:
    """A case step's record as the procedure engine writes it, listing ``documents``."""
    return {"kind": "procedure.step", "procedure": PROCEDURE, "case": case, "seq": seq, "event": "decide",
            "documents": [{"label": "决定书", "file_name": f"决定书-{i}.pdf", "size": len(d), "sm3": digest_bytes(d).sm3,
                           "sha256": digest_bytes(d).sha256} for i, d in enumerate(documents)]}


def _changed(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 0x01])


def test_a_steps_documents_are_found_by_their_digests(log: EvidenceService, engine: Engine) -> None:
    assert migration_differences(engine, "evidence_") == []
    log.deposit_many((request(i) for i in range(3)), batch_size=3)
    assert log.append_records([_step(LETTER, NOTICE)])[0].index == 3
    log.deposit(request(9))
    for data in (LETTER, NOTICE):
        d = digest_bytes(data)
        assert [e.index for e in log.find(d.sm3)] == [3] == [e.index for e in log.find(d.sha256.upper())]
        assert log.verify_entry(3, digest=d.sha256).ok
    one_byte = digest_bytes(_changed(LETTER))
    assert log.find(one_byte.sm3) == [] and log.find(one_byte.sha256) == []
    assert not log.verify_entry(3, digest=one_byte.sm3).ok
    # the index is not trusted: the signed leaf must certify the file
    assert not log.verify_entry(0, digest=digest_bytes(LETTER).sm3).ok
    # the same letter listed again by a later step, a deposit's own file: every certifying entry is found
    log.append_records([_step(LETTER, seq=3)])
    assert [e.index for e in log.find(digest_bytes(LETTER).sm3)] == [3, 5]
    assert [e.index for e in log.find(request(9).sm3)] == [4]
    assert log.audit().ok
    statements = ["UPDATE evidence_documents SET sm3 = sha256", "DELETE FROM evidence_documents WHERE idx = 5"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE evidence_documents")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert [e.index for e in log.find(digest_bytes(LETTER).sha256)] == [3, 5]


def test_a_look_up_is_index_searches_on_sqlite(tmp_path: Path) -> None:
    """A file is found in a log of millions by digest: every part of the query is an index search, never a scan."""
    from sqlalchemy.dialects import sqlite

    from zhichan.evidence.log import certifying_query

    engine = make_engine(f"sqlite:///{tmp_path / 'plan.sqlite3'}")
    upgrade(engine)
    sql = str(certifying_query("a" * 64).compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = [str(row[-1]) for row in conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql))]
    assert not any(step.startswith("SCAN") for step in plan), plan
    for index in ("ix_evidence_entries_sm3", "ix_evidence_entries_sha256", "ix_evidence_documents_sm3",
                  "ix_evidence_documents_sha256"):
        assert any(f"USING INDEX {index}" in step for step in plan), (index, plan)
    engine.dispose()


@pytest.mark.parametrize("edit", ["digest", "delete", "extra"])
def test_the_audit_checks_the_index_against_the_leaves(log: EvidenceService, engine: Engine, edit: str) -> None:
    log.deposit(request(0))
    log.append_records([_step(LETTER, NOTICE)])
    assert log.audit().ok
    with engine.begin() as conn:  # what someone with database rights would do first
        if engine.dialect.name == "sqlite":
            conn.execute(sa.text("DROP TRIGGER evidence_documents_no_update"))
            conn.execute(sa.text("DROP TRIGGER evidence_documents_no_delete"))
        else:
            conn.execute(sa.text("DROP TRIGGER evidence_documents_no_change ON evidence_documents"))
        if edit == "digest":  # point the index at another file
            conn.execute(sa.text("UPDATE evidence_documents SET sha256 = :v WHERE idx = 1 AND position = 1"),
                         {"v": digest_bytes(_changed(NOTICE)).sha256})
        elif edit == "delete":
            conn.execute(sa.text("DELETE FROM evidence_documents WHERE idx = 1 AND position = 0"))
        else:  # a deposit made to certify a document it does not list
            conn.execute(sa.text("INSERT INTO evidence_documents (idx, position, sm3, sha256) VALUES (0, 0, :a, :b)"),
                         {"a": digest_bytes(LETTER).sm3, "b": digest_bytes(LETTER).sha256})
    report = log.audit()
    assert not report.ok and any("document index" in p for p in report.problems), report.problems
    if edit == "extra":  # found through the forged row, but not proven: the deposit's leaf does not list the letter
        assert [e.index for e in log.find(digest_bytes(LETTER).sm3)] == [0, 1]
        assert not log.verify_entry(0, digest=digest_bytes(LETTER).sm3).ok


def test_the_migration_back_fills_the_index(db_url: str, signing_key: SigningKey) -> None:
    """Entries written before the index existed (the evidence branch taken back to evidence_0001, which drops the
    index and keeps the log) are found by their documents once the migration has run again."""
    engine = make_engine(db_url)
    upgrade(engine)
    log = EvidenceService(engine, signing_key, "test.zhichan/evidence")
    log.deposit(request(0))
    log.append_records([_step(LETTER, NOTICE), _step(NOTICE, case="ZC-TEST-0002", seq=1)])
    command.downgrade(alembic_config(engine), "evidence_0001")
    with engine.connect() as conn:
        assert "evidence_documents" not in sa.inspect(conn).get_table_names()
        assert conn.execute(sa.text("SELECT count(*) FROM evidence_entries")).scalar() == 3
    upgrade(engine)
    assert [e.index for e in log.find(digest_bytes(LETTER).sm3)] == [1]
    assert [e.index for e in log.find(digest_bytes(NOTICE).sha256)] == [1, 2]
    assert log.audit().ok
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:  # and append-only again
        conn.execute(sa.text("DELETE FROM evidence_documents"))
    engine.dispose()


def test_what_a_look_up_says_of_a_case_step_depends_on_who_asks(engine: Engine, tmp_path: Path,
                                                                 signing_key: SigningKey) -> None:
    """To anyone: the procedure, the step, the document and the office; the case only to who sees it."""
    world = build_world(engine, tmp_path / "files", signing_key)
    with session_scope(engine) as s:
        case = world.service.start(s, world.scope("ent_user"), PROCEDURE, fields=FILING,
                                   uploads=(pdf(name="请求书.pdf"),))
    digest = digest_bytes(PDF + "请求书.pdf".encode()).sha256
    entries = {e.index: e.fields for e in world.service.evidence.find(digest)}
    assert len(entries) == 1
    index = next(iter(entries))
    for who, sees in ((None, False), ("ent_user", True), ("wuhou_officer", True), ("chengdu_officer", True),
                      ("jinjiang_officer", False), ("hz_officer", False)):
        scope = Scope.anonymous() if who is None else world.scope(who)
        with session_scope(engine) as s:
            step = certified_steps(world.service, s, scope, entries)[index]
        assert (step.procedure.zh, step.step and step.step.zh) == ("专利侵权纠纷行政裁决", "提交处理请求"), who
        assert step.office == "武侯区知识产权局" and not step.synthetic
        assert step.documents[digest].zh == "请求书", who
        assert (step.case is not None) == sees, who
        if step.case is not None:
            assert (step.case.id, step.case.number, step.case.seq) == (case["id"], case["number"], 1)
    # a leaf naming the case with another step, or another entry: nothing is said of it
    with session_scope(engine) as s:
        assert certified_steps(world.service, s, world.scope("ent_user"), {index: {**entries[index], "seq": 2}}) == {}
        assert certified_steps(world.service, s, world.scope("ent_user"), {index + 1: entries[index]}) == {}


def _entries(page: str) -> list[str]:
    return page.split('class="lookup-entry"')[1:]


def test_a_decision_letter_is_found_by_its_bytes_alone(web: WebEnv) -> None:
    """The 决定书 the bureau sent, uploaded alone (no certificate), finds the decision step that certified it — the
    procedure, step, document and office for anyone, the case and its certificate for its party and officers —
    and the letter with one byte changed is not found."""
    with web.client() as client:
        case_id, docs = decided_search_application(web, client)
        with session_scope(web.engine) as s:  # type: ignore[arg-type]
            s.execute(update(Case).where(Case.id == case_id).values(synthetic=True))  # as the demo's cases are
            number = s.scalar(select(Case.number).where(Case.id == case_id))
        login_as(client, web.engine, "ent_user")  # the applicant receives the letter
        letter = client.get(f"/cases/{case_id}/documents/{docs[0]['sha256']}").content
        assert letter.startswith(b"%PDF") and digest_bytes(letter).sha256 == docs[0]["sha256"]
        own = client.post("/evidence/verify", data={"csrf_token": csrf_from(client.get("/evidence/verify").text)},
                          files={"file": ("决定书.pdf", letter)}).text
        certificate_url = f"/cases/{case_id}/steps/3/certificate.pdf"
        assert 'id="verify-verdict">核验通过' in own and len(_entries(own)) == 1
        assert f'href="{certificate_url}"' in own and f">{number}</a>" in own
        certificate = client.get(certificate_url).content  # the link leads to the step's certificate, which verifies
        key = load_signing_key(key_dir(web.settings.data_dir)).public
        assert verify_pdf(certificate, key, sha256=digest_bytes(letter).sha256).ok

    with web.client() as anonymous:
        token = csrf_from(anonymous.get("/evidence/verify").text)
        page = anonymous.post("/evidence/verify", data={"csrf_token": token}, files={"file": ("x.pdf", letter)}).text
        assert 'id="verify-verdict">核验通过' in page and 'id="lookup-count">存证日志中有 1 个条目证明此文件' in page
        (entry,) = _entries(page)
        for shown in ("办件步骤存证证明", "专利信息检索分析服务", "准予办理", "决定书", "武侯区知识产权局", "合成",
                      'class="muted lookup-private"'):
            assert shown in entry, shown
        assert number not in page and "/cases/" not in page and "wuhou_officer" not in page
        assert all(c in entry for c in ("文件摘要", "包含证明", "检查点签名"))
        api = anonymous.get("/api/v1/evidence/lookup", params={"digest": digest_bytes(letter).sm3.upper()})
        assert api.status_code == 200, api.text
        body = api.json()
        assert body["found"] and body["ok"] and len(body["entries"]) == 1
        item = body["entries"][0]
        assert (item["kind"], item["procedure"], item["step"], item["document"], item["office"], item["synthetic"]) == (
            "procedure.step", "专利信息检索分析服务", "准予办理", "决定书", "武侯区知识产权局", True)
        assert item["case"] is None and item["case_url"] is None and item["certificate_url"] is None
        assert number not in api.text
        # one byte changed: not found, on the page and through the API
        forged = _changed(letter)
        page = anonymous.post("/evidence/verify", data={"csrf_token": token}, files={"file": ("x.pdf", forged)}).text
        assert 'id="verify-not-found"' in page and "核验未通过" in page and not _entries(page)
        assert anonymous.get("/api/v1/evidence/lookup", params={"digest": digest_bytes(forged).sha256}).json() == {
            "digest": digest_bytes(forged).sha256, "found": False, "ok": False, "entries": []}
        assert anonymous.get("/api/v1/evidence/lookup", params={"digest": "xyz"}).status_code == 422
        # the address a certificate's online QR code holds shows the same look-up
        opened = anonymous.get("/evidence/verify", params={"digest": digest_bytes(letter).sm3}).text
        assert 'id="verify-verdict">核验通过' in opened and _entries(opened)[0].split("<table")[0] == entry.split("<table")[0]
        refused = anonymous.get("/evidence/verify", params={"digest": "xyz"})
        assert refused.status_code == 422 and 'id="verify-digest-error"' in refused.text  # beside the field
        english = anonymous.post("/evidence/verify?lang=en", data={"csrf_token": token},
                                 files={"file": ("x.pdf", letter)}).text
        assert "Patent information search and analysis" in english and "Wuhou District Intellectual Property Administration" \
            in english and ">Decision<" in english and "Grant" in english and "Beijing time" in english

    with web.client() as client:  # another enterprise learns what the public does; the case's officer, the case
        for user, sees in (("ent2_user", False), ("jinjiang_officer", False), ("wuhou_officer", True),
                           ("cd_leader", True)):
            login_as(client, web.engine, user)
            item = client.get("/api/v1/evidence/lookup", params={"digest": docs[0]["sha256"]}).json()["entries"][0]
            assert item["office"] == "武侯区知识产权局", user
            assert (item["case"], item["certificate_url"]) == ((number, certificate_url) if sees else (None, None)), user
            if sees:
                assert item["case_url"] == f"/services/applications/{case_id}"
        # the step's other document (the decision's DOCX) finds the same step, named by its own label
        other = client.get("/api/v1/evidence/lookup", params={"digest": docs[1]["sha256"]}).json()["entries"]
        assert [(i["index"], i["document"]) for i in other] == [(item["index"], docs[1]["label"])]
