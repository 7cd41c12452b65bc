"""The Merkle log in the workflow database (SQLite or PostgreSQL): append, look up, prove.

Storage: every leaf hash and every perfect-subtree hash is written once, when the leaf that
completes it is appended (``evidence_nodes``, keyed by ``(level, idx)``). A proof or a root is then
a handful of primary-key lookups fetched in one query — O(log n) at any size — instead of a
recomputation over the leaves. An append reads only the frontier (the ≤ log2 n perfect subtrees of
the current tree), so appenders share no in-memory state and several processes may write.

Appends are serialized by updating the one-row ``evidence_append_lock`` first in the
transaction: on SQLite this takes the write lock before anything is read, on PostgreSQL it is a row
lock held until commit. Each append batch ends with one signed checkpoint of the new size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, RowMapping, Select, Table, and_, func, or_, select, update

from zhichan.errors import NotFoundError
from zhichan.evidence import merkle
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.models import (
    AppendLock,
    CertifiedDocument,
    Checkpoint,
    DepositOwner,
    LogEntry,
    TreeNode,
)
from zhichan.evidence.schemas import CheckpointNote, SignedCheckpoint, b64, canonical_json, utc_text
from zhichan.evidence.verify import certified_documents

HASHER = merkle.SM3
ENTRIES = cast(Table, LogEntry.__table__)
NODES = cast(Table, TreeNode.__table__)
DOCUMENTS = cast(Table, CertifiedDocument.__table__)
CHECKPOINTS = cast(Table, Checkpoint.__table__)
OWNERS = cast(Table, DepositOwner.__table__)
LOCK = cast(Table, AppendLock.__table__)

#: SQLite allows 32,766 bound parameters per statement; 3 per node leaves room.
_LOOKUP_CHUNK = 5000


def tree_size(conn: Connection) -> int:
    last = conn.execute(select(func.max(ENTRIES.c.idx))).scalar()
    return 0 if last is None else int(last) + 1


def node_query(wanted: Sequence[merkle.Node]) -> Select[Any]:
    """SELECT of the given nodes: one OR branch per level, each a primary-key search.

    A row-value ``(level, idx) IN (VALUES …)`` would be shorter, but SQLite answers it with a scan
    of the whole table (seen in its query plan; ``tests/evidence/test_log.py`` checks the plan).
    """
    by_level: dict[int, list[int]] = {}
    for level, idx in wanted:
        by_level.setdefault(level, []).append(idx)
    condition = or_(*(and_(NODES.c.level == lv, NODES.c.idx.in_(ids)) for lv, ids in sorted(by_level.items())))
    return select(NODES.c.level, NODES.c.idx, NODES.c.hash).where(condition)


def certifying_query(digest: str) -> Select[Any]:
    """``(idx, leaf)`` of the entries certifying a file with this SM3 or SHA-256 digest (lowercase hex): its own
    (the entries' digest columns) or listed among its documents (the document index). Four index searches on
    either database (``tests/evidence/test_lookup.py`` checks SQLite's plan)."""
    e, d = ENTRIES, DOCUMENTS
    own = select(e.c.idx).where(or_(e.c.sm3 == digest, e.c.sha256 == digest))
    listed = select(d.c.idx).where(or_(d.c.sm3 == digest, d.c.sha256 == digest))
    return select(e.c.idx, e.c.leaf).where(e.c.idx.in_(own.union(listed))).order_by(e.c.idx)


def fetch_nodes_lenient(conn: Connection, wanted: Sequence[merkle.Node]) -> dict[merkle.Node, bytes]:
    """The stored hashes of ``wanted`` nodes that exist, in batched primary-key lookups."""
    found: dict[merkle.Node, bytes] = {}
    if not wanted:
        return found
    for i in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[i : i + _LOOKUP_CHUNK]
        rows = conn.execute(node_query(chunk))
        for level, idx, h in rows:
            found[(int(level), int(idx))] = bytes(h)
    return found


def fetch_nodes(conn: Connection, wanted: Sequence[merkle.Node]) -> dict[merkle.Node, bytes]:
    found = fetch_nodes_lenient(conn, wanted)
    missing = [n for n in wanted if n not in found]
    if missing:
        raise NotFoundError(
            f"存证日志缺少树节点 {missing[:3]}，请运行 zhichan evidence audit / log is missing tree nodes {missing[:3]}: "
            "run `zhichan evidence audit`"
        )
    return found


def root_hash(conn: Connection, size: int) -> bytes:
    pieces = merkle.perfect_pieces(0, size)
    return merkle.root_from_pieces(HASHER, size, fetch_nodes(conn, pieces))


def inclusion_path(conn: Connection, index: int, size: int) -> list[bytes]:
    ranges = merkle.inclusion_ranges(index, size)
    return merkle.assemble(HASHER, ranges, fetch_nodes(conn, merkle.nodes_for(ranges)))


def consistency_path(conn: Connection, first: int, second: int) -> list[bytes]:
    ranges = merkle.consistency_ranges(first, second)
    return merkle.assemble(HASHER, ranges, fetch_nodes(conn, merkle.nodes_for(ranges)))


def sign_checkpoint(key: SigningKey, origin: str, size: int, root: bytes, now: dt.datetime) -> dict[str, Any]:
    note = CheckpointNote(origin=origin, tree_size=size, root_hash=root, time=utc_text(now)).text()
    return {
        "tree_size": size,
        "root_hash": root,
        "created_at": now,
        "note": note,
        "signature": key.sign(note.encode("utf-8")),
        "key_fingerprint": key.public.fingerprint,
    }


def to_signed(row: Mapping[str, Any] | RowMapping) -> SignedCheckpoint:
    return SignedCheckpoint(
        note=row["note"], signature=b64(bytes(row["signature"])), key_fingerprint=row["key_fingerprint"]
    )


def append(
    conn: Connection,
    records: Iterable[dict[str, Any]],
    *,
    key: SigningKey,
    origin: str,
    now: dt.datetime,
) -> tuple[list[tuple[int, bytes, bytes]], SignedCheckpoint]:
    """Append ``records`` (leaf fields without ``index``/``time``) and sign a checkpoint of the new size.

    Runs inside the caller's transaction. Returns ``(index, leaf bytes, leaf hash)`` per record
    and the checkpoint. Every record gets the same ``time`` (the batch's commit time, UTC). The documents a
    record lists (a case step's) go into the document index in the same transaction.
    """
    conn.execute(update(LOCK).where(LOCK.c.id == 1).values(appends=LOCK.c.appends + 1))
    size = tree_size(conn)
    tree = merkle.Frontier(HASHER, size, fetch_nodes(conn, merkle.perfect_pieces(0, size)))
    time_text = utc_text(now)
    entry_rows: list[dict[str, Any]] = []
    node_rows: list[dict[str, Any]] = []
    document_rows: list[dict[str, Any]] = []
    out: list[tuple[int, bytes, bytes]] = []
    for record in records:
        index = tree.size
        fields = {k: v for k, v in record.items() if v is not None}
        fields["index"] = index
        fields["time"] = time_text
        leaf = canonical_json(fields)
        leaf_hash = HASHER.leaf(leaf)
        for (level, idx), h in tree.append(leaf_hash):
            node_rows.append({"level": level, "idx": idx, "hash": h})
        entry_rows.append(
            {
                "idx": index,
                "kind": fields["kind"],
                "leaf": leaf,
                "sm3": fields.get("sm3"),
                "sha256": fields.get("sha256"),
                "title": (fields.get("title") or None),
                "created_at": now,
            }
        )
        document_rows += document_index_rows(index, fields)
        out.append((index, leaf, leaf_hash))
    if not entry_rows:
        raise ValueError("append needs at least one record")
    conn.execute(ENTRIES.insert(), entry_rows)
    conn.execute(NODES.insert(), node_rows)
    if document_rows:
        conn.execute(DOCUMENTS.insert(), document_rows)
    checkpoint = sign_checkpoint(key, origin, tree.size, tree.root(), now)
    conn.execute(CHECKPOINTS.insert(), [checkpoint])
    return out, to_signed(checkpoint)


def document_index_rows(index: int, fields: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of ``evidence_documents`` for entry ``index`` with these leaf fields."""
    return [{"idx": index, "position": position, "sm3": d["sm3"], "sha256": d["sha256"]}
            for position, d in certified_documents(fields)]


def latest_checkpoint_row(conn: Connection, at_least: int = 0) -> RowMapping | None:
    """The newest checkpoint (or the oldest one covering ``at_least`` entries when given)."""
    query = select(CHECKPOINTS)
    if at_least:
        query = query.where(CHECKPOINTS.c.tree_size >= at_least).order_by(CHECKPOINTS.c.tree_size.asc())
    else:
        query = query.order_by(CHECKPOINTS.c.tree_size.desc())
    row = conn.execute(query.limit(1)).mappings().first()
    return row


def checkpoint_row(conn: Connection, size: int) -> RowMapping | None:
    return conn.execute(select(CHECKPOINTS).where(CHECKPOINTS.c.tree_size == size)).mappings().first()
