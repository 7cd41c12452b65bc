"""Bulk loading of the evidence log on SQLite — for benchmarks and migrations, not for deposits.

:func:`bulk_append_sqlite` writes exactly the rows that ``EvidenceService.deposit_many(records,
batch_size=b, now=t)`` would write — the same entries and document-index rows, the same tree nodes, one signed checkpoint
of the same size, root, note and time per batch of ``b`` records, the same append-lock count — but
in one streaming pass: leaf and node hashes come from a :class:`~zhichan.evidence.merkle.Frontier`
(O(log n) memory), rows go to SQLite with ``executemany`` in large transactions, without fsyncs,
and the two digest indexes are dropped during the load and recreated from their stored SQL at the
end. ``tests/evidence/test_bulk.py`` checks the result row for row against normal deposits and
runs the audit on it. (SM2 signatures are randomized, so a checkpoint's signature differs from the
one a deposit would have made; it verifies under the same key.)

Not for a live log: it holds the write lock for each transaction, commits without fsync, and the
digest indexes are missing until it returns (recreated also when it fails; the rows committed
before a failure stay, and are a valid log prefix without checkpoint for the last partial batch). ``benchmarks/evidence_proofs.py`` uses it to build 10M-entry logs in minutes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Engine

from zhichan.evidence import log, merkle
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.schemas import EvidenceError, canonical_json, utc_text
from zhichan.progress import ProgressCallback, no_progress

#: Digest indexes rebuilt after the load (a sorted build beats 10M random B-tree inserts).
_INDEXES = ("ix_evidence_entries_sm3", "ix_evidence_entries_sha256")
_INSERT_ENTRY = "INSERT INTO evidence_entries (idx, kind, leaf, sm3, sha256, title, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
_INSERT_NODE = "INSERT INTO evidence_nodes (level, idx, hash) VALUES (?, ?, ?)"
_INSERT_DOCUMENT = "INSERT INTO evidence_documents (idx, position, sm3, sha256) VALUES (?, ?, ?, ?)"
_INSERT_CHECKPOINT = (
    "INSERT INTO evidence_checkpoints (tree_size, root_hash, created_at, note, signature, key_fingerprint) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def bulk_append_sqlite(
    engine: Engine,
    records: Iterable[dict[str, Any]],
    *,
    key: SigningKey,
    origin: str,
    now: dt.datetime,
    batch_size: int = 1000,
    rows_per_transaction: int = 500_000,
    progress: ProgressCallback = no_progress,
    total: int | None = None,
) -> int:
    """Append ``records`` (as ``EvidenceService.append_records`` takes them) in batches of ``batch_size``.

    Returns the new tree size. Continues an existing log (its frontier is read first).
    """
    from zhichan.evidence.service import KINDS

    if engine.dialect.name != "sqlite":
        raise EvidenceError("批量装载只支持 SQLite / bulk loading supports SQLite only")
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    to_db_time = cast(Any, log.ENTRIES.c.created_at.type).bind_processor(engine.dialect)
    created_at = to_db_time(now) if to_db_time else now
    time_text = utc_text(now)
    raw = engine.raw_connection()
    db = cast(sqlite3.Connection, raw.driver_connection)
    saved_isolation = db.isolation_level
    db.isolation_level = None  # explicit BEGIN/COMMIT below
    index_sql: list[str] = []
    try:
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-262144")  # 256 MiB
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE evidence_append_lock SET appends = appends WHERE id = 1")  # the write lock, first
        (last,) = db.execute("SELECT max(idx) FROM evidence_entries").fetchone()
        size = 0 if last is None else int(last) + 1
        pieces = merkle.perfect_pieces(0, size)
        stored = {
            (int(lv), int(ix)): bytes(h)
            for p in pieces
            for lv, ix, h in db.execute("SELECT level, idx, hash FROM evidence_nodes WHERE level = ? AND idx = ?", p)
        }
        if len(stored) != len(pieces):
            raise EvidenceError("存证日志缺少树节点，请先审计 / log is missing frontier nodes: run the audit first")
        tree = merkle.Frontier(log.HASHER, size, stored)
        index_sql += [
            row[0] for row in db.execute(
                f"SELECT sql FROM sqlite_master WHERE type = 'index' AND name IN ({', '.join('?' * len(_INDEXES))}) "
                "ORDER BY name", _INDEXES,
            )
        ]
        for name in _INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {name}")

        entries: list[tuple[Any, ...]] = []
        nodes: list[tuple[int, int, bytes]] = []
        checkpoints: list[tuple[Any, ...]] = []
        documents: list[tuple[Any, ...]] = []
        in_batch = batches = done = 0

        def checkpoint() -> None:
            values = log.sign_checkpoint(key, origin, tree.size, tree.root(), now)
            checkpoints.append(
                (values["tree_size"], values["root_hash"], created_at, values["note"], values["signature"],
                 values["key_fingerprint"])
            )

        def flush(commit: bool) -> None:
            db.executemany(_INSERT_ENTRY, entries)
            db.executemany(_INSERT_NODE, nodes)
            db.executemany(_INSERT_CHECKPOINT, checkpoints)
            db.executemany(_INSERT_DOCUMENT, documents)
            documents.clear()
            entries.clear()
            nodes.clear()
            checkpoints.clear()
            if commit:
                db.execute("COMMIT")
                db.execute("BEGIN IMMEDIATE")

        for record in records:
            if record.get("kind") not in KINDS:
                raise EvidenceError(f"未知的日志条目类型 {record.get('kind')} / unknown entry kind {record.get('kind')}")
            index = tree.size
            fields = {k: v for k, v in record.items() if v is not None}
            fields["index"] = index
            fields["time"] = time_text
            leaf = canonical_json(fields)
            for (level, idx), h in tree.append(log.HASHER.leaf(leaf)):
                nodes.append((level, idx, h))
            entries.append(
                (index, fields["kind"], leaf, fields.get("sm3"), fields.get("sha256"), fields.get("title") or None,
                 created_at)
            )
            documents.extend(tuple(r.values()) for r in log.document_index_rows(index, fields))
            in_batch += 1
            if in_batch == batch_size:
                checkpoint()
                batches += 1
                in_batch = 0
            if len(entries) >= rows_per_transaction:
                flush(commit=True)
                done += rows_per_transaction
                progress(done, total)
        if in_batch:
            checkpoint()
            batches += 1
        flush(commit=False)
        for sql in index_sql:
            db.execute(sql)
        db.execute("UPDATE evidence_append_lock SET appends = appends + ? WHERE id = 1", (batches,))
        db.execute("COMMIT")
        progress(tree.size - size, total)
        return tree.size
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        for sql in index_sql:  # earlier transactions committed without them
            db.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
        raise
    finally:
        db.execute("PRAGMA synchronous=NORMAL")  # the engine's default (make_engine)
        db.execute("PRAGMA cache_size=-2000")
        db.isolation_level = saved_isolation
        raw.close()
