"""Tables of the evidence log (存证日志). Created by the Alembic branch ``evidence``.

The log is three append-only tables — entries, tree nodes, signed checkpoints — whose UPDATE,
DELETE (and on PostgreSQL TRUNCATE) are refused by database triggers created in the migration, and
a fourth, append-only too, that indexes the documents an entry lists (a case step's 决定书) by digest, and a
fifth, append-only as well, that records who deposited each deposit (its organization and user, by id).
The sixth table is a one-row lock that serializes appenders on SQLite and PostgreSQL alike.

Times are naive UTC, as in the platform tables. The searchable columns of an entry (digests,
kind, title, time) are copies of fields inside ``leaf``; the audit checks they agree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhichan.platform.db import Base


class LogEntry(Base):
    """One leaf of the Merkle log: the canonical JSON ``leaf`` is what is hashed (RFC 9162 leaf input)."""

    __tablename__ = "evidence_entries"

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    sm3: Mapped[str | None] = mapped_column(String(64), index=True)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CertifiedDocument(Base):
    """A document entry ``idx`` lists besides its own file (a case step's 决定书, notice or attachment, at ``position``
    in the leaf's ``documents``), so that the file alone finds the entry by its digest. Written in the entry's
    transaction; like the entry's own digest columns, a copy of the leaf that the audit checks."""

    __tablename__ = "evidence_documents"
    __table_args__ = (PrimaryKeyConstraint("idx", "position"),)

    idx: Mapped[int] = mapped_column(BigInteger, ForeignKey("evidence_entries.idx"))
    position: Mapped[int] = mapped_column(Integer)
    sm3: Mapped[str] = mapped_column(String(64), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)


class DepositOwner(Base):
    """Who deposited entry ``idx`` (a deposit): the caller's organization and user, by id — not by the name the leaf
    records as ``depositor``, which an organization's rename would orphan and a namesake would match
    (:mod:`zhichan.evidence.scope`). Written in the deposit's transaction; append-only like the log.

    ``source`` says how the row came (:data:`zhichan.evidence.service.OWNER_SOURCES`): ``deposit`` (written with a web
    or API deposit), ``command`` (with a command-line deposit's ``--org``; no user), ``name`` (back-filled by
    ``evidence_0003`` for a deposit made before it, where exactly one organization bore the recorded name; no user) or
    ``assigned`` (given afterwards by a platform administrator, :mod:`zhichan.evidence.owners`; who and why are in the
    platform's audit log) or ``corrected`` (an owner an administrator gave, corrected by one: ``replaces`` names the
    ``seq`` it supersedes). A deposit's rows are numbered from 0 (``seq``); its owner is the row of the highest number
    (the history is every row). A deposit with no row has no owner: no one opens its page (docs/evidence.md)."""

    __tablename__ = "evidence_deposit_owners"
    __table_args__ = (PrimaryKeyConstraint("idx", "seq"),
                      Index("ix_evidence_deposit_owners_org", "org_id", "idx"),
                      Index("ix_evidence_deposit_owners_user", "user_id", "idx"))

    idx: Mapped[int] = mapped_column(BigInteger, ForeignKey("evidence_entries.idx"), autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, server_default="0", autoincrement=False)
    org_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    source: Mapped[str] = mapped_column(String(16))
    replaces: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TreeNode(Base):
    """Hash of the perfect subtree of ``2**level`` leaves starting at leaf ``idx * 2**level`` (level 0 = leaf hash)."""

    __tablename__ = "evidence_nodes"
    __table_args__ = (PrimaryKeyConstraint("level", "idx"), {"sqlite_with_rowid": False})

    level: Mapped[int] = mapped_column(SmallInteger)
    idx: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class Checkpoint(Base):
    """A signed tree head: ``note`` is the signed text (origin, size, base64 root, time)."""

    __tablename__ = "evidence_checkpoints"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text)
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    key_fingerprint: Mapped[str] = mapped_column(String(64))


class AppendLock(Base):
    """One row; every append transaction updates it first, which serializes writers on both databases."""

    __tablename__ = "evidence_append_lock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    appends: Mapped[int] = mapped_column(BigInteger)
