"""Evidence log benchmark: batched durable deposits into SQLite, proofs and checkpoints at size N.

    .venv/bin/python benchmarks/evidence_log.py --entries 1000000
    .venv/bin/python benchmarks/evidence_log.py --entries 10000000 --batch 5000   # ~10+ min, ~6 GB disk
    .venv/bin/python benchmarks/evidence_log.py --entries 500000 --steps 500000 --back-fill --skip-audit

Deposits go through the real service (validation, canonical leaf, node writes, one SM2-signed
checkpoint and one fsync per batch: SQLite WAL with synchronous=FULL). Proof timings include the
database lookups (one query for the checkpoint, one batched primary-key query for the nodes).
Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
from pathlib import Path

from zhichan.evidence import merkle
from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import DepositRequest, EvidenceService
from zhichan.platform.db import make_engine, upgrade


def requests(start: int, count: int):  # type: ignore[no-untyped-def]
    for i in range(start, start + count):
        data = i.to_bytes(8, "big")
        yield DepositRequest(
            sm3=hashlib.new("sm3", data).hexdigest(), sha256=hashlib.sha256(data).hexdigest(), size=8,
            title=f"合成基准文件 {i}", depositor="基准测试（合成）",
        )


def step(i: int) -> dict[str, object]:
    """A case step's record as the procedure engine writes it, listing its decision and notice (synthetic)."""
    return {"kind": "procedure.step", "procedure": "bench.synthetic", "case": f"ZC-BENCH-{i:07d}", "seq": 2,
            "event": "decide", "documents": [
                {"label": label, "file_name": f"{label}-{i}.pdf", "size": 1000,
                 "sm3": hashlib.new("sm3", f"{i}-{name}".encode()).hexdigest(),
                 "sha256": hashlib.sha256(f"{i}-{name}".encode()).hexdigest()}
                for label, name in (("决定书", "decision"), ("通知书", "notice"))]}


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p50, p95 = samples[len(samples) // 2], samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return f"median {p50:.2f} ms, p95 {p95:.2f} ms, mean {statistics.fmean(samples):.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--skip-audit", action="store_true")
    parser.add_argument("--steps", type=int, default=0,
                        help="case-step records appended after the deposits, each listing two documents")
    parser.add_argument("--back-fill", action="store_true",
                        help="also time the document index's back-fill (migration evidence_0002) over the whole log")
    args = parser.parse_args()

    workdir = args.dir or Path(tempfile.mkdtemp(prefix="zhichan-evidence-bench-"))
    engine = make_engine(f"sqlite:///{workdir / 'bench.sqlite3'}")
    upgrade(engine)
    key = SigningKey.generate()
    log = EvidenceService(engine, key, "bench.zhichan/evidence")
    rows: list[tuple[str, str]] = []
    rng = random.Random(7)

    # deposits: the first 100k on an empty log, then the rest
    start = log.size()
    first = min(100_000, args.entries - start)
    if first > 0:
        t = time.perf_counter()
        log.deposit_many(requests(start, first), batch_size=args.batch)
        rate = first / (time.perf_counter() - t)
        rows.append((f"deposits/s, batches of {args.batch}, durable (entries {start:,}–{start + first:,})", f"{rate:,.0f}"))
    rest = args.entries - log.size()
    if rest > 0:
        t = time.perf_counter()
        last_report = t
        done = 0
        for chunk_start in range(log.size(), args.entries, 100_000):
            n = min(100_000, args.entries - chunk_start)
            log.deposit_many(requests(chunk_start, n), batch_size=args.batch)
            done += n
            if time.perf_counter() - last_report > 30:
                print(f"  … {chunk_start + n:,} entries, {done / (time.perf_counter() - t):,.0f}/s", flush=True)
                last_report = time.perf_counter()
        rows.append((f"deposits/s up to {args.entries:,} entries", f"{rest / (time.perf_counter() - t):,.0f}"))
    single = timed(lambda: log.deposit(next(requests(log.size(), 1))), 50)
    rows.append(("single deposit + checkpoint (one transaction)", ms(single)))
    if args.steps:
        t = time.perf_counter()
        for first_step in range(0, args.steps, args.batch):
            log.append_records([step(i) for i in range(first_step, min(args.steps, first_step + args.batch))])
        rows.append((f"case steps/s ({args.steps:,}, two documents each, batches of {args.batch})",
                     f"{args.steps / (time.perf_counter() - t):,.0f}"))
    size = log.size()
    db_bytes = sum(p.stat().st_size for p in workdir.glob("bench.sqlite3*"))
    rows.append(("database size", f"{db_bytes / 1e9:.2f} GB ({db_bytes / size:.0f} B/entry)"))

    # inclusion proofs against the newest checkpoint
    checkpoint = log.latest_checkpoint()
    root = checkpoint.parsed.root_hash
    indices = [rng.randrange(size) for _ in range(args.samples)]
    proofs = []
    gen = []
    for i in indices:
        t0 = time.perf_counter()
        proofs.append(log.inclusion_proof(i))
        gen.append((time.perf_counter() - t0) * 1000)
    rows.append((f"inclusion proof generation at {size:,}", ms(gen)))
    ver = []
    for p in proofs:
        path = [bytes.fromhex(x) for x in p.path]
        leaf_hash = bytes.fromhex(p.leaf_hash)
        t0 = time.perf_counter()
        ok = merkle.verify_inclusion(merkle.SM3, p.index, p.tree_size, leaf_hash, path, root)
        ver.append((time.perf_counter() - t0) * 1000)
        assert ok
    rows.append(("inclusion proof verification", ms(ver) + f", {len(proofs[0].path)} hashes"))
    certs = timed(lambda: log.certificate(rng.randrange(size)), min(args.samples, 200))
    rows.append(("certificate data (entry + proof + checkpoint)", ms(certs)))

    # consistency proofs between random checkpoints
    sizes = [c.tree_size for c in log.list_checkpoints(limit=100_000)]
    cons = []
    cver = []
    for _ in range(min(args.samples, 300)):
        first_size = rng.choice(sizes)
        t0 = time.perf_counter()
        c = log.consistency_proof(first_size)
        cons.append((time.perf_counter() - t0) * 1000)
        assert c.first_checkpoint is not None
        t0 = time.perf_counter()
        assert merkle.verify_consistency(
            merkle.SM3, c.first, c.second, c.first_checkpoint.parsed.root_hash, root, [bytes.fromhex(x) for x in c.path]
        )
        cver.append((time.perf_counter() - t0) * 1000)
    rows.append(("consistency proof generation", ms(cons)))
    rows.append(("consistency proof verification", ms(cver)))

    # checkpoint signing and verification (SM2 via gmssl-pyx)
    note = checkpoint.note.encode()
    n = 500
    t = time.perf_counter()
    sigs = [key.sign(note) for _ in range(n)]
    rows.append(("checkpoint signatures/s (SM2 sign)", f"{n / (time.perf_counter() - t):,.0f}"))
    t = time.perf_counter()
    assert all(key.public.verify(note, s) for s in sigs)
    rows.append(("checkpoint verifications/s (SM2 verify)", f"{n / (time.perf_counter() - t):,.0f}"))

    if not args.skip_audit:
        t = time.perf_counter()
        report = log.audit()
        assert report.ok, report.problems[:5]
        rows.append((f"full audit of {size:,} entries", f"{time.perf_counter() - t:.1f} s"))

    if args.back_fill:  # a deployment upgrading to evidence_0002 indexes every entry written before it
        from alembic import command

        from zhichan.platform.db import alembic_config

        command.downgrade(alembic_config(engine), "evidence_0001")  # drops the index, keeps the log
        t, cpu = time.perf_counter(), time.process_time()
        upgrade(engine)
        rows.append((f"document index back-fill of {size:,} entries (upgrade to evidence_0002)",
                     f"{time.perf_counter() - t:.1f} s wall, {time.process_time() - cpu:.1f} CPU-s"))
        if args.steps:
            listed = log.find(hashlib.new("sm3", b"0-decision").hexdigest())
            assert [e.index for e in listed] == [size - args.steps], listed  # the first step's letter, found again

    width = max(len(r[0]) for r in rows)
    print(f"\nevidence log benchmark — {workdir}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
