"""Benchmark: analyse and render one industry chain over a large synthetic corpus, per stage.

    .venv/bin/python benchmarks/navigation_bench.py --patents 1000000 --corpus /tmp/navbench/corpus
    .venv/bin/python benchmarks/navigation_bench.py --corpus /tmp/navbench/corpus --chain nev

Stages: query (branch matching → ``branch_hits``, validity flags, ``chain_patents``), analysis (every
section's SQL, teams, recommendations), charts (all figures to PNG), DOCX, PDF. The default chain
is ``mid`` (defined below): ten branches that match about 11 % of the synthetic corpus — ~220k
patents in 2M, the issue's "~200k patents" in the largest corpus that fits this machine's time;
``wide`` matches about 30 %. Prints a table; nothing is asserted (timings are not tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import tempfile
import time
from pathlib import Path

WIDE_CHAIN = {
    "code": "wide",
    "name": "基准测试宽产业链",
    "home_region": "5101",
    "description": "Benchmark chain: broad IPC areas and keywords.",
    "branches": [
        {"id": "1", "name": "电气与能源", "level": 1, "query": "IPC=H01 OR IPC=H02"},
        {"id": "1.1", "name": "电池", "level": 2, "parent": "1", "query": "IPC=H01M OR TIAB=(电池 OR 电芯)"},
        {"id": "1.2", "name": "电机", "level": 2, "parent": "1", "query": "IPC=H02K OR IPC=H02P"},
        {"id": "2", "name": "信息通信", "level": 1, "query": "IPC=H04 OR IPC=G06"},
        {"id": "2.1", "name": "通信", "level": 2, "parent": "2", "query": "IPC=H04W OR IPC=H04L"},
        {"id": "2.2", "name": "计算", "level": 2, "parent": "2", "query": "IPC=G06F OR IPC=G06N"},
        {"id": "2.2.1", "name": "图像", "level": 3, "parent": "2.2", "query": "IPC=G06T OR IPC=G06V OR TIAB=图像识别"},
        {"id": "3", "name": "测量控制", "level": 1, "query": "IPC=G01 OR IPC=G05"},
        {"id": "4", "name": "车辆", "level": 1, "query": "IPC=B60 OR TIAB=新能源汽车"},
        {"id": "5", "name": "医药", "level": 1, "query": "IPC=A61K OR IPC=A61P"},
    ],
}

#: ~11 % of the synthetic corpus: about 220k chain patents in 2M (the issue's "~200k").
MID_CHAIN = {
    "code": "mid",
    "name": "基准测试产业链",
    "home_region": "5101",
    "description": "Benchmark chain matching about 200k patents of a 2M corpus.",
    "branches": [
        {"id": "1", "name": "电池", "level": 1, "query": "IPC=H01M OR TIAB=(电池 OR 电芯)"},
        {"id": "1.1", "name": "电极材料", "level": 2, "parent": "1", "query": "IPC=H01M4"},
        {"id": "1.2", "name": "电池管理", "level": 2, "parent": "1", "query": "IPC=H01M10 OR TIAB=电池管理"},
        {"id": "2", "name": "电机", "level": 1, "query": "IPC=H02K OR IPC=H02P"},
        {"id": "3", "name": "通信", "level": 1, "query": "IPC=H04W OR IPC=H04L"},
        {"id": "3.1", "name": "无线接入", "level": 2, "parent": "3", "query": "IPC=H04W OR TIAB=(基站 OR 无线)"},
        {"id": "4", "name": "图像", "level": 1, "query": "IPC=G06T OR IPC=G06V OR TIAB=图像识别"},
        {"id": "5", "name": "车辆", "level": 1, "query": "IPC=B60 OR TIAB=新能源汽车"},
        {"id": "5.1", "name": "车辆控制", "level": 2, "parent": "5", "query": "IPC=B60W"},
        {"id": "6", "name": "医药", "level": 1, "query": "IPC=A61K OR IPC=A61P"},
    ],
}
BENCH_CHAINS = {"wide": WIDE_CHAIN, "mid": MID_CHAIN}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patents", type=int, default=0, help="generate a corpus of this size first (0: reuse --corpus)")
    ap.add_argument("--seed", type=int, default=20261121)
    ap.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "navbench" / "corpus")
    ap.add_argument("--chain", default="mid", help="mid or wide (benchmark chains below) or a shipped chain code")
    ap.add_argument("--as-of", default="2025-09-30")
    ap.add_argument("--scan", action="store_true", help="match branches by a DuckDB scan even if an index exists")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "navbench" / "out")
    args = ap.parse_args()

    from zhichan.corpus.store import CorpusStore
    from zhichan.navigation.analysis import analyse
    from zhichan.navigation.chain_io import chain_from_dict
    from zhichan.navigation.report import build_document
    from zhichan.navigation.service import get_chain
    from zhichan.reports.docx import render_docx
    from zhichan.reports.pdf import render_pdf

    store = CorpusStore(args.corpus)
    if args.patents:
        from zhichan.corpus.generator import generate

        t = time.perf_counter()
        generate(args.patents, args.seed, store=store, workers=2)
        print(f"generated {args.patents:,} patents in {time.perf_counter() - t:.1f} s")
    snapshot = store.current()
    chain = chain_from_dict(BENCH_CHAINS[args.chain]) if args.chain in BENCH_CHAINS else get_chain(args.chain)
    as_of = dt.date.fromisoformat(args.as_of)
    args.out.mkdir(parents=True, exist_ok=True)

    marks: dict[int, tuple[float, float]] = {}

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def progress(done: int, total: int | None) -> None:
        marks[done] = clock()

    con = snapshot.connect()
    start = clock()
    result = analyse(con, chain, as_of, snapshot_id=snapshot.id, synthetic=snapshot.synthetic,
                     snapshot=None if args.scan else snapshot, progress=progress)
    end_analysis = clock()
    chain_patents = con.execute("SELECT count(*) FROM chain_patents").fetchone()[0]  # type: ignore[index]
    con_hits = con.execute("SELECT branch_id, count(*) FROM branch_hits GROUP BY branch_id ORDER BY branch_id").fetchall()
    total = con.execute("SELECT count(*) FROM patents").fetchone()[0]  # type: ignore[index]
    con.close()
    def since(t0: tuple[float, float], t1: tuple[float, float] | None = None) -> tuple[float, float]:
        t1 = t1 or clock()
        return t1[0] - t0[0], t1[1] - t0[1]

    query_s = since(start, marks[2])
    analysis_s = since(marks[2], end_analysis)

    t = clock()
    document = build_document(result, dt.datetime.now(dt.UTC))
    for figure in document.figures():
        figure.chart.png()
    charts_s = since(t)
    t = clock()
    (args.out / f"{chain.code}.docx").write_bytes(render_docx(document))
    docx_s = since(t)
    t = clock()
    pdf = render_pdf(document)
    (args.out / f"{chain.code}.pdf").write_bytes(pdf)
    pdf_s = since(t)

    match_s = since(start, marks[1])
    rows = [("  of which branch matching", match_s), ("query (match branches, flags)", query_s), ("analysis (all sections)", analysis_s),
            ("charts (PNG)", charts_s), ("DOCX", docx_s), ("PDF", pdf_s)]
    print(f"\nchain {chain.code}: {len(chain.branches)} branches, {chain_patents:,} chain patents "
          f"of {total:,} in snapshot {snapshot.id}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'stage':<34}{'wall s':>10}{'CPU s':>10}")
    for name, (wall, cpu) in rows:
        print(f"{name:<34}{wall:>10.2f}{cpu:>10.2f}")
    stages = rows[1:]
    print(f"{'total':<34}{sum(w for _, (w, _c) in stages):>10.2f}{sum(c for _, (_w, c) in stages):>10.2f}")
    hits = con_hits
    print("patents per branch:", ", ".join(f"{b}={n:,}" for b, n in hits))


if __name__ == "__main__":
    main()
