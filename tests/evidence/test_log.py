"""The evidence log on a real database (SQLite and PostgreSQL): deposits, proofs, triggers, audit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from tests.evidence.helpers import request
from zhichan.errors import NotFoundError
from zhichan.evidence import merkle
from zhichan.evidence.schemas import EvidenceError, unb64
from zhichan.evidence.service import DepositRequest, EvidenceService
from zhichan.evidence.verify import verify_certificate


def test_deposit_prove_and_find(log: EvidenceService) -> None:
    first = log.deposit(request(0, title="发明专利申请文件  终稿", note="v3"))
    assert first.index == 0
    assert first.fields["title"] == "发明专利申请文件 终稿"  # whitespace normalised before hashing
    assert log.deposit_many((request(i) for i in range(1, 23)), batch_size=5) == 22
    assert log.size() == 23
    assert [c.tree_size for c in log.list_checkpoints()] == [23, 21, 16, 11, 6, 1]

    latest = log.latest_checkpoint()
    root = latest.parsed.root_hash
    for index in range(23):
        proof = log.inclusion_proof(index)
        assert proof.tree_size == 23
        leaf_hash = merkle.SM3.leaf(log.get_entry(index).leaf.encode())
        assert leaf_hash.hex() == proof.leaf_hash
        assert merkle.verify_inclusion(merkle.SM3, index, 23, leaf_hash, [bytes.fromhex(p) for p in proof.path], root)
    for first_size in (1, 6, 11, 16, 21):
        c = log.consistency_proof(first_size)
        assert c.first_checkpoint is not None
        assert merkle.verify_consistency(
            merkle.SM3, first_size, 23, c.first_checkpoint.parsed.root_hash, root, [bytes.fromhex(p) for p in c.path]
        )

    found = log.find(request(7).sha256)
    assert [e.index for e in found] == [7]
    assert log.find(request(7).sm3.upper()) == found
    assert log.find("0" * 64) == []
    cert = log.certificate(7)
    assert cert.checkpoint.tree_size == 11  # the first checkpoint covering entry 7: re-issuing gives the same data
    assert verify_certificate(cert, log.public_key, sm3=request(7).sm3, sha256=request(7).sha256).ok
    assert log.verify_entry(7).ok
    assert log.audit().ok


def test_bad_input_is_refused_with_a_clear_message(log: EvidenceService) -> None:
    good = request(1)
    with pytest.raises(EvidenceError, match="64"):
        log.deposit(DepositRequest(sm3="abc", sha256=good.sha256, title="t", depositor="d"))
    with pytest.raises(EvidenceError, match="标题"):
        log.deposit(DepositRequest(sm3=good.sm3, sha256=good.sha256, title="  ", depositor="d"))
    with pytest.raises(EvidenceError, match="200"):
        log.deposit(DepositRequest(sm3=good.sm3, sha256=good.sha256, title="长" * 201, depositor="d"))
    with pytest.raises(NotFoundError):
        log.get_entry(0)
    with pytest.raises(NotFoundError):
        log.latest_checkpoint()
    assert log.size() == 0


def test_database_refuses_update_and_delete_of_the_log(log: EvidenceService, engine: Engine) -> None:
    log.deposit_many((request(i) for i in range(4)), batch_size=2)
    statements = [
        "UPDATE evidence_entries SET title = 'x' WHERE idx = 1",
        "DELETE FROM evidence_entries WHERE idx = 3",
        "UPDATE evidence_nodes SET hash = hash WHERE level = 0 AND idx = 0",
        "DELETE FROM evidence_nodes",
        "UPDATE evidence_checkpoints SET note = 'x'",
        "DELETE FROM evidence_checkpoints WHERE tree_size = 2",
    ]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE evidence_nodes")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert log.size() == 4
    assert log.audit().ok


def _drop_triggers(engine: Engine) -> None:
    """What an attacker with database rights would do first."""
    with engine.begin() as conn:
        for table in ("evidence_entries", "evidence_nodes", "evidence_checkpoints"):
            if engine.dialect.name == "sqlite":
                conn.execute(sa.text(f"DROP TRIGGER {table}_no_update"))
                conn.execute(sa.text(f"DROP TRIGGER {table}_no_delete"))
            else:
                conn.execute(sa.text(f"DROP TRIGGER {table}_no_change ON {table}"))


def _flip(value: bytes, pos: int) -> bytes:
    pos %= len(value)
    return value[:pos] + bytes([value[pos] ^ 0x01]) + value[pos + 1 :]


@pytest.mark.parametrize("target", ["entry", "column", "node", "checkpoint_note", "checkpoint_signature", "delete"])
def test_audit_finds_any_edit_behind_the_triggers(log: EvidenceService, engine: Engine, target: str) -> None:
    log.deposit_many((request(i) for i in range(11)), batch_size=4)
    assert log.audit().ok
    _drop_triggers(engine)
    with engine.begin() as conn:
        if target == "entry":
            leaf = conn.execute(sa.text("SELECT leaf FROM evidence_entries WHERE idx = 5")).scalar_one()
            conn.execute(sa.text("UPDATE evidence_entries SET leaf = :v WHERE idx = 5"), {"v": _flip(bytes(leaf), 40)})
        elif target == "column":
            conn.execute(sa.text("UPDATE evidence_entries SET sha256 = :v WHERE idx = 2"), {"v": "f" * 64})
        elif target == "node":
            h = conn.execute(sa.text("SELECT hash FROM evidence_nodes WHERE level = 1 AND idx = 2")).scalar_one()
            conn.execute(sa.text("UPDATE evidence_nodes SET hash = :v WHERE level = 1 AND idx = 2"), {"v": _flip(bytes(h), 7)})
        elif target == "checkpoint_note":
            conn.execute(sa.text("UPDATE evidence_checkpoints SET note = replace(note, '\n8\n', '\n9\n') WHERE tree_size = 8"))
        elif target == "checkpoint_signature":
            sig = conn.execute(sa.text("SELECT signature FROM evidence_checkpoints WHERE tree_size = 4")).scalar_one()
            conn.execute(
                sa.text("UPDATE evidence_checkpoints SET signature = :v WHERE tree_size = 4"), {"v": _flip(bytes(sig), 20)}
            )
        else:
            conn.execute(sa.text("DELETE FROM evidence_entries WHERE idx = 10"))
    report = log.audit()
    assert not report.ok, target
    if target == "node":
        # a proof through the edited node no longer verifies either
        assert not log.verify_entry(6).ok  # node (1, 2) = leaves 4..5 is entry 6's sibling


def test_concurrent_depositors_get_distinct_contiguous_indices(log: EvidenceService) -> None:
    def worker(offset: int) -> list[int]:
        return [log.deposit(request(offset + i)).index for i in range(6)]

    with ThreadPoolExecutor(max_workers=3) as pool:
        indices = [i for result in pool.map(worker, (0, 100, 200)) for i in result]
    assert sorted(indices) == list(range(18))
    assert log.size() == 18
    report = log.audit()
    assert report.ok, report.problems
    assert report.checkpoints == 18


def test_certificate_proofs_use_base64_and_verify(log: EvidenceService) -> None:
    log.deposit_many((request(i) for i in range(9)), batch_size=9)
    cert = log.certificate(8)
    assert len(cert.inclusion_proof) == 1
    assert all(len(unb64(p)) == 32 for p in cert.inclusion_proof)


def test_node_lookups_are_primary_key_searches_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """O(log n) proofs need every node fetch to be an index search, never a table scan."""
    from sqlalchemy.dialects import sqlite

    from zhichan.evidence.log import node_query
    from zhichan.platform.db import make_engine, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'plan.sqlite3'}")
    upgrade(engine)
    ranges = merkle.inclusion_ranges(4_999_999, 10_000_000)
    sql = str(node_query(merkle.nodes_for(ranges)).compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
    assert "SCAN" not in plan and "USING PRIMARY KEY" in plan, plan
    engine.dispose()
