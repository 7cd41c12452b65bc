"""The benchmark's bulk loader writes, row for row, what normal deposits write (SQLite)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from zhichan.evidence import merkle
from zhichan.evidence.bulk import bulk_append_sqlite
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.schemas import EvidenceError
from zhichan.evidence.service import CATEGORIES, DepositRequest, EvidenceService
from zhichan.platform.db import make_engine, upgrade

ORIGIN = "bulk.test.zhichan/evidence"
NOW = dt.datetime(2026, 3, 14, 9, 26, 53, 589793)


def random_records(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        data = rng.randbytes(rng.randrange(1, 40))
        out.append(
            DepositRequest(
                sm3=hashlib.new("sm3", data).hexdigest(), sha256=hashlib.sha256(data).hexdigest(),
                title=f"随机文件 {i} " + "".join(rng.choice("专利商标版权数据ABCxyz 09") for _ in range(rng.randrange(1, 30))),
                depositor=rng.choice(["某某科技有限公司", "张三", "Example Ltd."]),
                size=rng.choice([None, len(data)]),
                file_name=rng.choice([None, f"file-{i}.pdf", f"设计稿{i}.png"]),
                media_type=rng.choice([None, "application/pdf"]),
                note=rng.choice([None, "", "备注 note"]),
                category=rng.choice(CATEGORIES),
            ).record()
        )
    return out


def sqlite_engine(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    queries = {
        "entries": "SELECT rowid, idx, kind, leaf, sm3, sha256, title, created_at FROM evidence_entries ORDER BY idx",
        "nodes": "SELECT level, idx, hash FROM evidence_nodes ORDER BY level, idx",
        "checkpoints": "SELECT tree_size, root_hash, created_at, note, key_fingerprint FROM evidence_checkpoints "
        "ORDER BY tree_size",
        "lock": "SELECT id, appends FROM evidence_append_lock",
        "schema": "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name",
    }
    with engine.connect() as conn:
        out = {name: [tuple(r) for r in conn.execute(text(sql))] for name, sql in queries.items()}
    # a table a migration rebuilt (Alembic's batch mode on SQLite) lists its constraints in reflection
    # order, which varies between runs: compare each definition's lines as a set
    out["schema"] = [(*r[:3], sorted((r[3] or "").replace(",", "").splitlines())) for r in out["schema"]]
    return out


@pytest.mark.parametrize(("prefix", "batch"), [(0, 1000), (123, 97)])
def test_bulk_load_matches_normal_deposits_row_for_row(tmp_path: Path, signing_key: SigningKey, prefix: int, batch: int) -> None:
    records = random_records(10_000, seed=prefix + batch)
    normal_engine = sqlite_engine(tmp_path / "normal.sqlite3")
    bulk_engine = sqlite_engine(tmp_path / "bulk.sqlite3")
    normal = EvidenceService(normal_engine, signing_key, ORIGIN)
    bulk = EvidenceService(bulk_engine, signing_key, ORIGIN)
    if prefix:  # the bulk path continues a log written by deposits
        normal.append_records(records[:prefix], now=NOW)
        bulk.append_records(records[:prefix], now=NOW)
    for start in range(prefix, len(records), batch):
        normal.append_records(records[start : start + batch], now=NOW)
    # a small transaction size, so the load commits several times mid-way
    size = bulk_append_sqlite(
        bulk_engine, iter(records[prefix:]), key=signing_key, origin=ORIGIN, now=NOW, batch_size=batch,
        rows_per_transaction=3000,
    )
    assert size == len(records)

    expected, got = dump(normal_engine), dump(bulk_engine)
    assert len(got["nodes"]) == sum(size >> lv for lv in range(size.bit_length()))
    for table in expected:
        assert got[table] == expected[table], table

    # signatures are randomized: they differ from the deposit path's but verify under the same key
    with bulk_engine.connect() as conn:
        signed = conn.execute(text("SELECT note, signature FROM evidence_checkpoints")).all()
    assert len(signed) == -(-(len(records) - prefix) // batch) + (1 if prefix else 0)
    assert all(signing_key.public.verify(note.encode(), bytes(sig)) for note, sig in signed)

    report = bulk.audit()
    assert report.ok, report.problems[:5]
    assert report.tree_size == len(records)
    proof = bulk.inclusion_proof(4321)
    assert merkle.verify_inclusion(
        merkle.SM3, 4321, size, bytes.fromhex(proof.leaf_hash), [bytes.fromhex(p) for p in proof.path],
        proof.checkpoint.parsed.root_hash,
    )
    normal_engine.dispose()
    bulk_engine.dispose()


def test_bulk_load_audit_catches_a_changed_leaf(tmp_path: Path, signing_key: SigningKey) -> None:
    """The audit on a bulk-loaded log is a real check: a leaf that does not hash to its nodes is found."""
    engine = sqlite_engine(tmp_path / "bulk.sqlite3")
    records = random_records(300, seed=3)
    records[150] = {**records[150], "title": records[150]["title"] + "!"}
    bulk_append_sqlite(engine, iter(records[:150]), key=signing_key, origin=ORIGIN, now=NOW, batch_size=50)
    bulk_append_sqlite(engine, iter(records[150:]), key=signing_key, origin=ORIGIN, now=NOW, batch_size=50)
    log = EvidenceService(engine, signing_key, ORIGIN)
    assert log.audit().ok
    with engine.begin() as conn:  # bypass the trigger, as an operator with file access could
        conn.execute(text("DROP TRIGGER evidence_entries_no_update"))
        conn.execute(
            text("UPDATE evidence_entries SET leaf = CAST(replace(CAST(leaf AS TEXT), '!', '?') AS BLOB) WHERE idx = 150")
        )
    problems = log.audit().problems
    assert any("tree node (0, 150)" in p for p in problems), problems[:5]
    engine.dispose()


def test_bulk_load_refuses_unknown_kinds_and_keeps_indexes(tmp_path: Path, signing_key: SigningKey) -> None:
    engine = sqlite_engine(tmp_path / "bulk.sqlite3")
    records = [*random_records(20, seed=5), {"kind": "forged", "title": "x"}]
    with pytest.raises(EvidenceError):
        bulk_append_sqlite(engine, iter(records), key=signing_key, origin=ORIGIN, now=NOW, rows_per_transaction=10)
    schema = dump(engine)["schema"]
    assert {"ix_evidence_entries_sm3", "ix_evidence_entries_sha256"} <= {r[1] for r in schema}
    engine.dispose()
