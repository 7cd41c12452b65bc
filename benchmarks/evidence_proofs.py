"""Evidence log at scale: proofs and checkpoints at 1M and 10M entries on SQLite.

    .venv/bin/python benchmarks/evidence_proofs.py --sizes 1000000,10000000 --dir /tmp/evbench

The log is built with the benchmark's **bulk path** (``zhichan.evidence.bulk.bulk_append_sqlite``):
the same rows deposits write — entries, every perfect-subtree node, one SM2-signed checkpoint per
batch of 1,000 — streamed in large transactions without fsyncs (tests/evidence/test_bulk.py checks it
row for row against normal deposits and audits the result). Its rate is NOT the deposit rate; that is
``benchmarks/evidence_log.py``. Each size extends the previous one in the same database, so the
smaller size is measured first.

Per size: inclusion proofs of random entries against the newest checkpoint and consistency proofs
between random pairs of checkpoints, through ``EvidenceService`` (the database lookups included), and
their verification (RFC 9162 algorithms, signed roots); the root over the whole log from stored
nodes, SM2 signing and verifying of its checkpoint; one durable deposit with its new checkpoint.
Every proof is verified; nothing else is asserted. Prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from zhichan.evidence import log as evlog
from zhichan.evidence import merkle
from zhichan.evidence.bulk import bulk_append_sqlite
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.schemas import CheckpointNote, utc_text
from zhichan.evidence.service import DepositRequest, EvidenceService
from zhichan.platform.db import make_engine, upgrade

ORIGIN = "bench.zhichan/evidence"


def records(start: int, count: int) -> Iterator[dict[str, Any]]:
    """The synthetic deposits of benchmarks/evidence_log.py (file i = its 8-byte index)."""
    for i in range(start, start + count):
        data = i.to_bytes(8, "big")
        yield DepositRequest(
            sm3=hashlib.new("sm3", data).hexdigest(), sha256=hashlib.sha256(data).hexdigest(), size=8,
            title=f"合成基准文件 {i}", depositor="基准测试（合成）",
        ).record()


def load() -> str:
    return "load {:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())


def stats(samples: list[float]) -> str:
    s = sorted(samples)
    p50, p95 = s[len(s) // 2], s[min(len(s) - 1, int(len(s) * 0.95))]
    return f"median {p50:.3f} ms, p95 {p95:.3f} ms, mean {statistics.fmean(s):.3f} ms"


def timed_ms(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn(*args)
    return (time.perf_counter() - t) * 1000, out


def measure(log: EvidenceService, key: SigningKey, samples: int, rng: random.Random) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    size = log.size()
    newest = log.latest_checkpoint()
    assert newest.parsed.tree_size == size
    root = newest.parsed.root_hash

    gen, ver = [], []
    hashes = set()
    for _ in range(samples):
        i = rng.randrange(size)
        ms, proof = timed_ms(log.inclusion_proof, i)
        gen.append(ms)
        path = [bytes.fromhex(x) for x in proof.path]
        leaf_hash = bytes.fromhex(proof.leaf_hash)
        ms, ok = timed_ms(merkle.verify_inclusion, merkle.SM3, proof.index, proof.tree_size, leaf_hash, path, root)
        assert ok, i
        ver.append(ms)
        hashes.add(len(path))
    rows.append((f"inclusion proof generation ({samples:,} random entries)", stats(gen)))
    rows.append((f"inclusion proof verification ({min(hashes)}–{max(hashes)} hashes)", stats(ver)))

    with log.engine.connect() as conn:
        sizes = [int(s) for (s,) in conn.exec_driver_sql("SELECT tree_size FROM evidence_checkpoints")]
        roots = dict(conn.exec_driver_sql("SELECT tree_size, root_hash FROM evidence_checkpoints").all())
    cgen, cver = [], []
    hashes = set()
    for _ in range(samples):
        a, b = sorted(rng.sample(sizes, 2))
        ms, proof = timed_ms(log.consistency_proof, a, b)
        cgen.append(ms)
        assert proof.first_checkpoint is not None
        first_root, second_root = proof.first_checkpoint.parsed.root_hash, proof.second_checkpoint.parsed.root_hash
        assert (first_root, second_root) == (bytes(roots[a]), bytes(roots[b]))
        path = [bytes.fromhex(x) for x in proof.path]
        ms, ok = timed_ms(merkle.verify_consistency, merkle.SM3, a, b, first_root, second_root, path)
        assert ok, (a, b)
        cver.append(ms)
        hashes.add(len(path))
    rows.append((f"consistency proof generation ({samples:,} random checkpoint pairs)", stats(cgen)))
    rows.append((f"consistency proof verification ({min(hashes)}–{max(hashes)} hashes)", stats(cver)))

    cert = [timed_ms(log.certificate, rng.randrange(size))[0] for _ in range(min(samples, 500))]
    rows.append(("certificate data (entry + proof + first covering checkpoint)", stats(cert)))

    # a checkpoint over the whole log: root from the stored frontier nodes, SM2 sign, SM2 verify
    roots_ms, sign_ms, verify_ms = [], [], []
    for _ in range(200):
        with log.engine.connect() as conn:
            ms, r = timed_ms(evlog.root_hash, conn, size)
        assert r == root
        roots_ms.append(ms)
        note = CheckpointNote(origin=ORIGIN, tree_size=size, root_hash=r, time=utc_text(dt.datetime.now(dt.UTC))).text()
        ms, sig = timed_ms(key.sign, note.encode())
        sign_ms.append(ms)
        ms, ok = timed_ms(key.public.verify, note.encode(), sig)
        assert ok
        verify_ms.append(ms)
    rows.append((f"root of all {size:,} entries from stored nodes ({len(merkle.perfect_pieces(0, size))} rows)", stats(roots_ms)))
    rows.append(("checkpoint SM2 sign", stats(sign_ms)))
    rows.append(("checkpoint SM2 verify", stats(verify_ms)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated, increasing")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=1000, help="entries per signed checkpoint")
    parser.add_argument("--deposits", type=int, default=20, help="durable single deposits at the end of each size")
    parser.add_argument("--audit", action="store_true", help="full audit of the log at the largest size (slow)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    workdir = args.dir or Path(tempfile.mkdtemp(prefix="zhichan-evidence-proofs-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "proofs.sqlite3"
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine)
    key = SigningKey.generate()
    (workdir / "log-key.pem").write_text(key.public.to_pem())  # to audit or verify the log afterwards
    log = EvidenceService(engine, key, ORIGIN)
    rng = random.Random(10)
    now = dt.datetime(2026, 1, 1)
    results: dict[int, list[tuple[str, str]]] = {}
    print(f"start: {load()}, {os.cpu_count()} cores, database {db_path}", flush=True)

    for target in sizes:
        start = log.size()
        rows: list[tuple[str, str]] = []
        if target > start:
            t = time.perf_counter()
            last = [t]

            def progress(done: int, total: int | None, t: float = t, last: list[float] = last) -> None:
                if time.perf_counter() - last[0] > 30:
                    last[0] = time.perf_counter()
                    print(f"  … {done:,}/{total:,} ({done / (last[0] - t):,.0f}/s, {load()})", flush=True)

            bulk_append_sqlite(
                engine, records(start, target - start), key=key, origin=ORIGIN, now=now, batch_size=args.batch,
                progress=progress, total=target - start,
            )
            seconds = time.perf_counter() - t
            rows.append(
                (f"bulk path load {start:,} → {target:,} (benchmark only, not deposits)",
                 f"{seconds:.0f} s, {(target - start) / seconds:,.0f} entries/s")
            )
        size = log.size()
        with engine.connect() as conn:  # fold the WAL in, so the file size is the database's
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db_bytes = sum(p.stat().st_size for p in workdir.glob("proofs.sqlite3*"))
        with engine.connect() as conn:
            nodes = conn.exec_driver_sql("SELECT count(*) FROM evidence_nodes").scalar() or 0
            cps = conn.exec_driver_sql("SELECT count(*) FROM evidence_checkpoints").scalar() or 0
        rows.append(("database size", f"{db_bytes / 1e9:.2f} GB ({db_bytes / size:.0f} B/entry), {nodes:,} nodes, {cps:,} checkpoints"))
        print(f"measuring at {size:,} ({load()})", flush=True)
        rows += measure(log, key, args.samples, rng)
        single = [timed_ms(log.deposit, DepositRequest(**_request(s)))[0] for s in range(args.deposits)]
        rows.append((f"one durable deposit + signed checkpoint at {size:,} ({args.deposits}×)", stats(single)))
        rows.append(("machine load during measurement", load()))
        results[target] = rows
        print(f"\n— {size:,} entries —", flush=True)
        width = max(len(r[0]) for r in rows)
        for name, value in rows:
            print(f"{name:<{width}}  {value}", flush=True)
    if args.audit:
        t = time.perf_counter()
        report = log.audit()
        assert report.ok, report.problems[:5]
        print(f"\nfull audit of {report.tree_size:,} entries, {report.checkpoints:,} checkpoints: OK, "
              f"{time.perf_counter() - t:.0f} s ({load()})", flush=True)
    engine.dispose()
    print(f"\nend: {load()}; database left in {workdir} (delete it when done)")


def _request(i: int) -> dict[str, Any]:
    data = f"single deposit {i} {time.time_ns()}".encode()
    return {
        "sm3": hashlib.new("sm3", data).hexdigest(), "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
        "title": f"合成单条存证 {i}", "depositor": "基准测试（合成）",
    }


if __name__ == "__main__":
    main()
