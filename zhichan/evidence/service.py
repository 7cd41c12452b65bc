"""Evidence deposit (存证): the service the CLI, the web pages and data-IP registration call.

``EvidenceService`` wraps one database and one signing key. Depositing records a file's SM3 and
SHA-256 digests with its metadata as a leaf of the append-only Merkle log and signs a checkpoint;
everything else — looking up entries by digest, proofs, certificates, the audit — reads the log.
The file itself never leaves the depositor: only digests are kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, func, select

from zhichan.errors import NotFoundError
from zhichan.evidence import log, merkle
from zhichan.evidence.keys import PublicKey, SigningKey, key_dir, load_signing_key
from zhichan.evidence.schemas import (
    AuditReport,
    Certificate,
    ConsistencyProof,
    Entry,
    EvidenceError,
    InclusionProof,
    SignedCheckpoint,
    VerificationReport,
    b64,
    canonical_json,
)
from zhichan.legaltime import utcnow
from zhichan.progress import ProgressCallback, no_progress
from zhichan.settings import get_settings

HEX64 = re.compile(r"^[0-9a-f]{64}$")
KINDS = ("deposit", "dataip.application", "dataip.notice", "dataip.objection", "dataip.decision", "procedure.step",
         "exchange.open_licence.licence", "exchange.open_licence.record", "exchange.bid", "exchange.auction.close",
         "exchange.auction.stop", "finance.pledge_registration")

#: Field limits keep a leaf (and so the certificate's QR code) small; see docs/evidence.md.
LIMITS = {"title": 200, "depositor": 200, "file_name": 255, "media_type": 100, "note": 500, "category": 50}

#: The usual deposit categories (存证类别); any other short label is accepted too.
CATEGORIES = ("数据知识产权", "设计稿", "商业秘密", "电商侵权证据", "原创作品", "合同协议", "技术资料", "其他")


@dataclass(frozen=True)
class FileDigest:
    sm3: str
    sha256: str
    size: int


def digest_stream(stream: BinaryIO, chunk: int = 1 << 20) -> FileDigest:
    sm3, sha = hashlib.new("sm3"), hashlib.sha256()
    size = 0
    while block := stream.read(chunk):
        sm3.update(block)
        sha.update(block)
        size += len(block)
    return FileDigest(sm3.hexdigest(), sha.hexdigest(), size)


def digest_file(path: Path) -> FileDigest:
    try:
        with path.open("rb") as fh:
            return digest_stream(fh)
    except FileNotFoundError as exc:
        raise NotFoundError(f"找不到文件 {path} / file not found: {path}") from exc


def digest_bytes(data: bytes) -> FileDigest:
    return FileDigest(hashlib.new("sm3", data).hexdigest(), hashlib.sha256(data).hexdigest(), len(data))


@dataclass(frozen=True)
class DepositRequest:
    """What a depositor states about a file. Only the digests, never the file, enter the log."""

    sm3: str
    sha256: str
    title: str
    depositor: str
    size: int | None = None
    file_name: str | None = None
    media_type: str | None = None
    note: str | None = None
    category: str = "其他"

    @classmethod
    def for_file(cls, path: Path, *, title: str, depositor: str, **extra: Any) -> DepositRequest:
        d = digest_file(path)
        return cls(sm3=d.sm3, sha256=d.sha256, size=d.size, file_name=path.name, title=title, depositor=depositor, **extra)

    def record(self) -> dict[str, Any]:
        sm3, sha = self.sm3.strip().lower(), self.sha256.strip().lower()
        if not HEX64.match(sm3) or not HEX64.match(sha):
            raise EvidenceError("摘要应为 64 位十六进制 / digests must be 64 hexadecimal characters (SM3 and SHA-256)")
        record: dict[str, Any] = {"kind": "deposit", "sm3": sm3, "sha256": sha}
        for name in ("category", "title", "depositor", "file_name", "media_type", "note"):
            value = getattr(self, name)
            if value is not None:
                value = " ".join(str(value).split())
                if len(value) > LIMITS[name]:
                    raise EvidenceError(f"{name} 超过 {LIMITS[name]} 字 / {name} is longer than {LIMITS[name]} characters")
            record[name] = value or None
        if not record["title"] or not record["depositor"] or not record["category"]:
            raise EvidenceError("存证需要标题、存证人和类别 / a deposit needs a title, a depositor and a category")
        if self.size is not None:
            if self.size < 0:
                raise EvidenceError("文件大小不能为负 / file size cannot be negative")
            record["size"] = int(self.size)
        return record


@dataclass(frozen=True)
class Owner:
    """Who deposits, by id (``evidence_deposit_owners``; :func:`zhichan.evidence.scope.owner`): the caller's
    organization and user. The leaf keeps the depositor's name as stated; ownership is these ids. ``source``: how the
    row comes (:data:`OWNER_SOURCES`)."""

    org_id: int | None
    user_id: int | None
    source: str = "deposit"


#: how an owner row came (``evidence_deposit_owners.source``): written with a deposit through the web or the API
#: (``deposit``) or the command line's ``--org`` (``command``), back-filled by the name ``evidence_0003`` found one
#: organization bearing (``name``), given afterwards by a platform administrator (``assigned``: who and why are in the
#: platform's audit log, action ``evidence.owner_assign``; :mod:`zhichan.evidence.owners`) or corrected by one
#: (``corrected``: a row numbered after the one it ``replaces``; action ``evidence.owner_correct``)
OWNER_SOURCES = ("deposit", "command", "name", "assigned", "corrected")

#: the platform audit log's action for an owner given to a deposit, on the target :func:`owner_assign_target`
OWNER_ASSIGN_ACTION = "evidence.owner_assign"
#: the platform audit log's action for an owner corrected (its detail's ``seq`` the row it wrote)
OWNER_CORRECT_ACTION = "evidence.owner_correct"


def owner_assign_target(index: int) -> str:
    return f"deposit:{index}"


def entry_from_leaf(index: int, leaf: bytes) -> Entry:
    fields = json.loads(leaf)
    return Entry(
        index=index, kind=fields.get("kind", ""), leaf=leaf.decode("utf-8"), fields=fields,
        leaf_hash=log.HASHER.leaf(leaf).hex(),
    )


class EvidenceService:
    """The evidence log of one deployment: ``EvidenceService.open(engine)`` uses the configured key and origin."""

    def __init__(self, engine: Engine, signing_key: SigningKey, origin: str) -> None:
        self.engine = engine
        self.key = signing_key
        self.origin = origin

    @classmethod
    def open(cls, engine: Engine, *, create_key: bool = True) -> EvidenceService:
        settings = get_settings()
        key = load_signing_key(key_dir(settings.data_dir), create=create_key)
        return cls(engine, key, settings.evidence_log_origin)

    @property
    def public_key(self) -> PublicKey:
        return self.key.public

    # -- writing -------------------------------------------------------------------------------

    def append_records(
        self, records: list[dict[str, Any]], *, now: dt.datetime | None = None, conn: Connection | None = None
    ) -> list[Entry]:
        """Append already-validated records (``kind`` among :data:`KINDS`) with one signed checkpoint.

        With ``conn``, the append joins the caller's transaction (data-IP registration writes its own
        rows in the same commit); otherwise it commits on its own.
        """
        for r in records:
            if r.get("kind") not in KINDS:
                raise EvidenceError(f"未知的日志条目类型 {r.get('kind')} / unknown entry kind {r.get('kind')}")
        if conn is not None:
            appended, _ = log.append(conn, records, key=self.key, origin=self.origin, now=now or utcnow())
        else:
            self._durable()
            with self.engine.begin() as own:
                appended, _ = log.append(own, records, key=self.key, origin=self.origin, now=now or utcnow())
        return [entry_from_leaf(i, leaf) for i, leaf, _ in appended]

    def deposit(self, request: DepositRequest, *, owner: Owner | None = None, now: dt.datetime | None = None) -> Entry:
        """存证: record one file's digests and metadata; returns the entry (its certificate is ready at once).

        ``owner``: who deposits (the web layer's caller), recorded in the entry's transaction; without it (the
        command line) the deposit has no owner and no one opens its page (docs/evidence.md, "Who deposited")."""
        return self.deposit_all([request], owner=owner, now=now)[0]

    def deposit_all(self, requests: list[DepositRequest], *, owner: Owner | None = None,
                    now: dt.datetime | None = None) -> list[Entry]:
        """Deposit several files in one append (one signed checkpoint), each owned by ``owner`` when given — the
        entries and their owner rows in one transaction."""
        records = [r.record() for r in requests]
        if owner is None:
            return self.append_records(records, now=now)
        if owner.source not in OWNER_SOURCES:
            raise EvidenceError(f"未知的存证人来源 {owner.source} / unknown owner source {owner.source}")
        self._durable()
        with self.engine.begin() as conn:
            entries = self.append_records(records, now=now, conn=conn)
            conn.execute(log.OWNERS.insert(), [{"idx": e.index, "org_id": owner.org_id, "user_id": owner.user_id,
                                                "source": owner.source} for e in entries])
        return entries

    def deposit_many(
        self, requests: Iterable[DepositRequest], *, batch_size: int = 1000, progress: ProgressCallback = no_progress,
        total: int | None = None, now: dt.datetime | None = None,
    ) -> int:
        """Deposit in batches of ``batch_size`` (one transaction, one fsync and one signed checkpoint each)."""
        done = 0
        batch: list[dict[str, Any]] = []
        for request in requests:
            batch.append(request.record())
            if len(batch) >= batch_size:
                self.append_records(batch, now=now)
                done += len(batch)
                batch = []
                progress(done, total)
        if batch:
            self.append_records(batch, now=now)
            done += len(batch)
            progress(done, total)
        return done

    def _durable(self) -> None:
        """On SQLite, make commits survive power loss (synchronous=FULL) for the log's connection."""
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA synchronous=FULL")

    def checkpoint(self, *, now: dt.datetime | None = None) -> SignedCheckpoint:
        """The checkpoint of the current size, signing one if the newest is older (e.g. after a key change)."""
        with self.engine.begin() as conn:
            size = log.tree_size(conn)
            row = log.checkpoint_row(conn, size)
            if row is not None and row["key_fingerprint"] == self.key.public.fingerprint:
                return log.to_signed(row)
            if row is not None:
                raise EvidenceError(
                    "当前大小的检查点已由另一密钥签名 / the checkpoint of this size was signed by another key"
                )
            values = log.sign_checkpoint(self.key, self.origin, size, log.root_hash(conn, size), now or utcnow())
            conn.execute(log.CHECKPOINTS.insert(), [values])
            return log.to_signed(values)

    # -- reading -------------------------------------------------------------------------------

    def size(self) -> int:
        with self.engine.connect() as conn:
            return log.tree_size(conn)

    def get_entry(self, index: int) -> Entry:
        with self.engine.connect() as conn:
            leaf = conn.execute(select(log.ENTRIES.c.leaf).where(log.ENTRIES.c.idx == index)).scalar()
        if leaf is None:
            raise NotFoundError(f"存证日志中没有第 {index} 条 / no log entry {index}")
        return entry_from_leaf(index, bytes(leaf))

    def find(self, digest: str) -> list[Entry]:
        """Every entry certifying a file with this SM3 or SHA-256 digest (公开核验: verify by digest): entries whose
        own file it is (a deposit) and entries listing it among their documents (the case step that issued a 决定书),
        found through the document index — which, like every search column, is not trusted: the caller proves
        the file against the signed leaf (:meth:`verify_entry` with ``digest``)."""
        digest = digest.strip().lower()
        if not HEX64.match(digest):
            raise EvidenceError("摘要应为 64 位十六进制 / a digest is 64 hexadecimal characters")
        with self.engine.connect() as conn:
            rows = conn.execute(log.certifying_query(digest)).all()
        return [entry_from_leaf(int(i), bytes(leaf)) for i, leaf in rows]

    def has_checkpoint(self) -> bool:
        """Whether a checkpoint is signed yet (none before the first entry: the verify page offers none to download)."""
        with self.engine.connect() as conn:
            return log.latest_checkpoint_row(conn) is not None

    def latest_checkpoint(self) -> SignedCheckpoint:
        with self.engine.connect() as conn:
            row = log.latest_checkpoint_row(conn)
        if row is None:
            raise NotFoundError("存证日志为空 / the evidence log is empty")
        return log.to_signed(row)

    def list_checkpoints(self, limit: int = 50) -> list[SignedCheckpoint]:
        c = log.CHECKPOINTS
        with self.engine.connect() as conn:
            rows = conn.execute(select(c).order_by(c.c.tree_size.desc()).limit(limit)).mappings().all()
        return [log.to_signed(r) for r in rows]

    def _checkpoint_for(self, conn: Any, size: int | None, index: int) -> Any:
        row = log.latest_checkpoint_row(conn) if size is None else log.checkpoint_row(conn, size)
        if row is None or int(row["tree_size"]) <= index:
            raise NotFoundError(
                f"没有覆盖第 {index} 条的检查点 / no checkpoint{'' if size is None else f' of size {size}'} covers entry {index}"
            )
        return row

    def inclusion_proof(self, index: int, size: int | None = None) -> InclusionProof:
        """Proof that entry ``index`` is in the checkpoint of ``size`` (default: the newest)."""
        with self.engine.connect() as conn:
            row = self._checkpoint_for(conn, size, index)
            n = int(row["tree_size"])
            path = log.inclusion_path(conn, index, n)
            leaf_hash = log.fetch_nodes(conn, [(0, index)])[(0, index)]
        return InclusionProof(
            index=index, tree_size=n, leaf_hash=leaf_hash.hex(), path=[p.hex() for p in path], checkpoint=log.to_signed(row)
        )

    def consistency_proof(self, first: int, second: int | None = None) -> ConsistencyProof:
        with self.engine.connect() as conn:
            second_row = log.latest_checkpoint_row(conn) if second is None else log.checkpoint_row(conn, second)
            if second_row is None:
                raise NotFoundError(f"没有大小为 {second} 的检查点 / no checkpoint of size {second}")
            n = int(second_row["tree_size"])
            if first > n:
                raise EvidenceError(f"{first} 大于 {n} / first size {first} is beyond second size {n}")
            first_row = log.checkpoint_row(conn, first)
            path = log.consistency_path(conn, first, n)
        return ConsistencyProof(
            first=first, second=n, path=[p.hex() for p in path],
            first_checkpoint=log.to_signed(first_row) if first_row else None, second_checkpoint=log.to_signed(second_row),
        )

    def checkpoint_at(self, size: int) -> SignedCheckpoint:
        """The stored signed checkpoint of exactly ``size`` entries."""
        with self.engine.connect() as conn:
            row = log.checkpoint_row(conn, size)
        if row is None:
            raise NotFoundError(f"没有大小为 {size} 的检查点 / no checkpoint of size {size}")
        return log.to_signed(row)

    def consistency_path(self, first: int, second: int) -> list[bytes]:
        """The RFC 9162 consistency proof between any two sizes the log has reached (no checkpoint needed)."""
        if not 0 <= first <= second:
            raise EvidenceError(f"大小应满足 0 ≤ {first} ≤ {second} / sizes must satisfy 0 <= first <= second")
        with self.engine.connect() as conn:
            n = log.tree_size(conn)
            if second > n:
                raise NotFoundError(
                    f"日志只有 {n} 条，无法证明到大小 {second} / the log has {n} entries, cannot prove up to size {second}"
                )
            return log.consistency_path(conn, first, second)

    def audit_witnessed(
        self, old: SignedCheckpoint, new: SignedCheckpoint, public_key: PublicKey | None = None
    ) -> VerificationReport:
        """``zhichan evidence audit OLD NEW`` against this log: the consistency proof comes from the database.

        The database is not trusted: the proof is checked against the two *signed* roots the
        witness holds, so a log rewritten after OLD was exported cannot produce a proof that passes.
        """
        from zhichan.evidence import witness

        old, new, _ = witness.order(old, new)
        a, b = old.parsed.tree_size, new.parsed.tree_size
        try:
            proof: list[bytes] | None = self.consistency_path(a, b) if a < b else []
            missing = ""
        except NotFoundError as exc:
            proof, missing = None, exc.message
        return witness.audit_checkpoints(old, new, public_key or self.public_key, proof, missing=missing)

    def certificate(self, index: int) -> Certificate:
        """Certificate data for one entry, proven against the first checkpoint that covers it (so re-issuing gives the same data)."""
        with self.engine.connect() as conn:
            leaf = conn.execute(select(log.ENTRIES.c.leaf).where(log.ENTRIES.c.idx == index)).scalar()
            if leaf is None:
                raise NotFoundError(f"存证日志中没有第 {index} 条 / no log entry {index}")
            row = log.latest_checkpoint_row(conn, at_least=index + 1)
            if row is None:
                raise NotFoundError(f"第 {index} 条尚无检查点 / no checkpoint covers entry {index} yet")
            path = log.inclusion_path(conn, index, int(row["tree_size"]))
        entry = entry_from_leaf(index, bytes(leaf))
        title = {"deposit": "电子数据存证证书", "finance.pledge_registration": "知识产权质押登记证书"}.get(
            entry.kind, "数据知识产权登记存证证书")
        return Certificate(
            index=index, leaf=entry.leaf, inclusion_proof=[b64(p) for p in path], checkpoint=log.to_signed(row), title=title
        )

    def verify_entry(self, index: int, *, digest: str | None = None) -> VerificationReport:
        """Online check of one entry against the newest checkpoint: leaf hash, inclusion, signature — and with
        ``digest`` (a file's SM3 or SHA-256), that the signed leaf certifies that file (its own or a listed document;
        only the digest is named, not the document's file name)."""
        from zhichan.evidence.verify import certified_files, verify_certificate

        entry = self.get_entry(index)
        proof = self.inclusion_proof(index)
        cert = Certificate(
            index=index, leaf=entry.leaf, inclusion_proof=[b64(bytes.fromhex(p)) for p in proof.path],
            checkpoint=proof.checkpoint, title="",
        )
        report = verify_certificate(cert, self.public_key)
        report.add("存储的叶哈希 / Stored leaf hash", proof.leaf_hash == entry.leaf_hash,
                   f"第 {index} 条 / Entry {index}")
        if digest is not None:
            digest = digest.strip().lower()
            found = next((f for f in certified_files(entry.fields) if digest in (f["sm3"], f["sha256"])), None)
            report.add("文件摘要 / File digests", found is not None,
                       f"SM3 {found['sm3']}" if found is not None
                       else f"条目不证明摘要为 {digest} 的文件 / The entry does not certify a file with digest {digest}")
        return report

    # -- audit ---------------------------------------------------------------------------------

    def _leaves(self, conn: Any, batch: int = 10_000) -> Iterator[tuple[int, bytes, Any]]:
        e = log.ENTRIES
        last = -1
        while True:
            rows = conn.execute(
                select(e.c.idx, e.c.leaf, e.c.kind, e.c.sm3, e.c.sha256, e.c.title)
                .where(e.c.idx > last).order_by(e.c.idx).limit(batch)
            ).all()
            if not rows:
                return
            for row in rows:
                yield int(row[0]), bytes(row[1]), row
            last = int(rows[-1][0])

    def audit(self, *, progress: ProgressCallback = no_progress) -> AuditReport:
        """Recompute the whole log from its entries and check every stored node and every checkpoint.

        O(n) reads and O(log n) memory. Finds: edited or missing entries, search columns and document index rows
        that disagree with their leaf, edited nodes, checkpoints whose root, size, origin or signature is wrong.
        """
        problems: list[str] = []
        frontier = merkle.Frontier(log.HASHER)
        listed: dict[tuple[int, int], tuple[str, str]] = {}  # the document index the leaves of a batch call for
        with self.engine.connect() as conn:
            size = log.tree_size(conn)
            count = conn.execute(select(func.count()).select_from(log.ENTRIES)).scalar() or 0
            if count != size:
                problems.append(f"entries are not contiguous: {count} rows for indices 0..{size - 1}")
            checkpoints = conn.execute(select(log.CHECKPOINTS).order_by(log.CHECKPOINTS.c.tree_size)).mappings().all()
            by_size = {int(c["tree_size"]): c for c in checkpoints}
            pending: list[tuple[merkle.Node, bytes]] = []
            if 0 in by_size:
                self._audit_checkpoint(by_size[0], frontier.root(), problems)
            checked = 0  # the entries below this one have had their document index checked

            def flush() -> None:
                nonlocal checked
                stored = log.fetch_nodes_lenient(conn, [n for n, _ in pending])
                for node, h in pending:
                    if stored.get(node) != h:
                        problems.append(f"tree node {node} does not match the entries")
                pending.clear()
                self._audit_documents(conn, listed, checked, frontier.size, problems)
                listed.clear()
                checked = frontier.size

            for index, leaf, row in self._leaves(conn):
                if index != frontier.size:
                    problems.append(f"entry {frontier.size} is missing")
                    break
                fields = self._audit_leaf(index, leaf, row, problems)
                listed.update({(index, r["position"]): (r["sm3"], r["sha256"])
                               for r in log.document_index_rows(index, fields)})
                pending.extend(frontier.append(log.HASHER.leaf(leaf)))
                if frontier.size in by_size:
                    self._audit_checkpoint(by_size[frontier.size], frontier.root(), problems)
                if len(pending) >= 10_000:
                    flush()
                    progress(frontier.size, size)
            flush()
            # rows of the index naming no entry read (the foreign key stops them unless the database was altered)
            d = log.DOCUMENTS
            beyond = conn.execute(select(func.count()).select_from(d).where(d.c.idx >= frontier.size)).scalar() or 0
            if beyond:
                problems.append(f"{beyond} document index rows name entries beyond the log")
            expected_nodes = sum(size >> level for level in range(size.bit_length()))
            stored_nodes = conn.execute(select(func.count()).select_from(log.NODES)).scalar() or 0
            if stored_nodes != expected_nodes:
                problems.append(f"{stored_nodes} tree nodes stored, {expected_nodes} expected")
            for c in checkpoints:
                if int(c["tree_size"]) > frontier.size:
                    problems.append(f"checkpoint of size {c['tree_size']} is beyond the log ({frontier.size} entries)")
            notices = self._audit_owners(conn, problems)
        progress(size, size)
        return AuditReport(tree_size=size, checkpoints=len(checkpoints), problems=problems[:1000], notices=notices)

    def _audit_owners(self, conn: Any, problems: list[str]) -> list[str]:
        """What can be checked of ``evidence_deposit_owners``, which the signed leaves do not cover (who owns a deposit
        is not in its leaf, so no owner can be proven right or wrong): problems — a row naming no entry or an entry
        that is not a deposit, two current owners of one deposit (two rows nothing replaces), a correction replacing a
        row that is not there (or not before it), a row other than a correction replacing one, a row naming neither
        organization nor user, a source the platform does not write, an ``assigned`` row the audit log has no
        assignment for, a ``corrected`` row it has no correction for (the schema's primary key and foreign key stop
        the first two unless the database was altered); notices — the rows by source and the
        deposits without an owner (made from the command line without ``--org``, or left unowned by the back-fill),
        which are not a fault of the log: an administrator gives them an owner."""
        from zhichan.platform.models import AuditEntry

        o, e = log.OWNERS, log.ENTRIES
        for idx, kind in conn.execute(select(o.c.idx, e.c.kind).select_from(o.outerjoin(e, e.c.idx == o.c.idx))
                                      .where(e.c.idx.is_(None) | (e.c.kind != "deposit")).order_by(o.c.idx).limit(1000)):
            problems.append(f"owner row of entry {idx}: " + ("no such entry" if kind is None else f"a {kind}, not a deposit"))
        # a deposit's rows are a chain: the first (seq 0), then each correction replacing the one before it; the
        # owner is the row nothing replaces — one per deposit (the primary key stops two first rows or two
        # corrections of one row unless the database was altered)
        later = o.alias("later_owner")
        heads = (select(o.c.idx, func.count().label("n"))
                 .where(~select(later.c.idx).where(later.c.idx == o.c.idx, later.c.replaces == o.c.seq).exists())
                 .group_by(o.c.idx).having(func.count() > 1).order_by(o.c.idx).limit(1000))
        for idx, count in conn.execute(heads):
            problems.append(f"deposit {idx}: {count} current owners (owner rows nothing replaces)")
        replaced = o.alias("replaced_owner")
        for idx, seq, replaces in conn.execute(
                select(o.c.idx, o.c.seq, o.c.replaces).where(o.c.source == "corrected", (
                    o.c.replaces.is_(None) | (o.c.replaces >= o.c.seq)
                    | ~select(replaced.c.idx).where(replaced.c.idx == o.c.idx, replaced.c.seq == o.c.replaces).exists()))
                .order_by(o.c.idx, o.c.seq).limit(1000)):
            problems.append(f"deposit {idx}: correction {seq} replaces owner row {replaces}, which is not before it")
        for idx, seq, source in conn.execute(
                select(o.c.idx, o.c.seq, o.c.source).where(o.c.source != "corrected", (o.c.seq != 0)
                                                           | o.c.replaces.is_not(None))
                .order_by(o.c.idx, o.c.seq).limit(1000)):
            problems.append(f"deposit {idx}: owner row {seq} is {source!r} but replaces another (only a correction does)")
        for idx in conn.execute(select(o.c.idx).where(o.c.org_id.is_(None), o.c.user_id.is_(None))
                                .order_by(o.c.idx).limit(1000)).scalars():
            problems.append(f"owner row of deposit {idx} names neither an organization nor a user")
        by_source = {str(source): int(n) for source, n in conn.execute(select(o.c.source, func.count()).group_by(o.c.source))}
        for source in sorted(set(by_source) - set(OWNER_SOURCES)):
            problems.append(f"{by_source[source]} owner rows of an unknown source {source!r}")
        assigned = set(conn.execute(select(o.c.idx).where(o.c.source == "assigned")).scalars())
        if assigned:
            a = AuditEntry.__table__
            recorded = set(conn.execute(select(a.c.target).where(a.c.action == OWNER_ASSIGN_ACTION,
                                                                  a.c.success.is_(True))).scalars())
            for idx in sorted(i for i in assigned if owner_assign_target(int(i)) not in recorded)[:1000]:
                problems.append(f"deposit {idx}: owner assigned, but the audit log records no assignment")
        corrected = {(int(i), int(n)) for i, n in conn.execute(select(o.c.idx, o.c.seq).where(o.c.source == "corrected"))}
        if corrected:
            a = AuditEntry.__table__
            logged = set()
            for target, detail in conn.execute(select(a.c.target, a.c.detail).where(
                    a.c.action == OWNER_CORRECT_ACTION, a.c.success.is_(True))):
                try:
                    seq = json.loads(detail).get("seq")
                except (ValueError, AttributeError):
                    continue
                logged.add((str(target), seq))
            for idx, seq in sorted(c for c in corrected if (owner_assign_target(c[0]), c[1]) not in logged)[:1000]:
                problems.append(f"deposit {idx}: owner corrected (row {seq}), but the audit log records no correction")
        no_owner = (e.c.kind == "deposit", ~select(o.c.idx).where(o.c.idx == e.c.idx).exists())
        unowned = conn.execute(select(func.count()).select_from(e).where(*no_owner)).scalar() or 0
        notices = ["owner rows by source: " + (", ".join(f"{s} {n}" for s, n in sorted(by_source.items())) or "none")]
        if unowned:
            first = [str(i) for i in conn.execute(select(e.c.idx).where(*no_owner).order_by(e.c.idx).limit(20)).scalars()]
            notices.append(f"deposits without an owner: {unowned} — entries {', '.join(first)}"
                           f"{' …' if unowned > len(first) else ''} (zhichan evidence owner INDEX --org ID --reason … "
                           "gives one; its page /evidence/deposits/INDEX, to a platform administrator)")
        return notices

    def _audit_documents(self, conn: Any, listed: dict[tuple[int, int], tuple[str, str]], start: int, end: int,
                         problems: list[str]) -> None:
        """The document index of entries ``start`` … ``end - 1`` against what their leaves list."""
        d = log.DOCUMENTS
        stored = {(int(r.idx), int(r.position)): (r.sm3, r.sha256) for r in conn.execute(
            select(d.c.idx, d.c.position, d.c.sm3, d.c.sha256).where(d.c.idx >= start, d.c.idx < end))}
        for key in sorted(listed.keys() | stored.keys()):
            if listed.get(key) != stored.get(key):
                problems.append(f"entry {key[0]}: document index row {key[1]} disagrees with the leaf")

    def _audit_leaf(self, index: int, leaf: bytes, row: Any, problems: list[str]) -> dict[str, Any]:
        """Problems of one leaf; its fields (empty when it is not canonical JSON)."""
        try:
            fields = json.loads(leaf)
        except ValueError:
            problems.append(f"entry {index}: leaf is not JSON")
            return {}
        if not isinstance(fields, dict) or canonical_json(fields) != leaf:
            problems.append(f"entry {index}: leaf is not canonical JSON")
            return {}
        if fields.get("index") != index:
            problems.append(f"entry {index}: leaf says index {fields.get('index')}")
        columns = {"kind": row[2], "sm3": row[3], "sha256": row[4], "title": row[5]}
        for name, value in columns.items():
            if fields.get(name) != value:
                problems.append(f"entry {index}: column {name} disagrees with the leaf")
        return fields

    def _audit_checkpoint(self, row: Any, root: bytes, problems: list[str]) -> None:
        signed = log.to_signed(row)
        size = int(row["tree_size"])
        try:
            note = signed.parsed
        except EvidenceError:
            problems.append(f"checkpoint {size}: malformed note")
            return
        if note.tree_size != size or bytes(row["root_hash"]) != note.root_hash:
            problems.append(f"checkpoint {size}: note disagrees with its columns")
        if note.root_hash != root:
            problems.append(f"checkpoint {size}: root does not match the entries")
        if note.origin != self.origin:
            problems.append(f"checkpoint {size}: origin {note.origin!r} is not this log's {self.origin!r}")
        if signed.key_fingerprint != self.public_key.fingerprint:
            problems.append(f"checkpoint {size}: signed by another key ({signed.key_fingerprint[:16]}…)")
        elif not self.public_key.verify(signed.note.encode("utf-8"), bytes(row["signature"])):
            problems.append(f"checkpoint {size}: signature does not verify")
