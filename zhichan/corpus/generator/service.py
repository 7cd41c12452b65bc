"""``generate()``: write a complete synthetic snapshot, chunk by chunk, in bounded memory."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool

import pyarrow as pa

from zhichan.corpus.generator import others
from zhichan.corpus.generator.others import Task
from zhichan.corpus.generator.patents import (
    CHUNK_ROWS,
    ChunkContext,
    Filings,
    draw_filings,
    generate_chunk,
    make_context,
    no_cyclic_gc,
)
from zhichan.corpus.generator.world import NAMES_RULE, World, build_world
from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.errors import CorpusError, InputError
from zhichan.legaltime import china_today
from zhichan.progress import ProgressCallback, no_progress

#: Application numbers carry a 7-digit serial per year and kind digit; the generator numbers the rows
#: of each year and kind digit 0, 1, 2 … (patents.draw_filings), so at most 10^7 stay unique.
MAX_PATENTS = 10_000_000
DEFAULT_AS_OF = dt.date(2025, 12, 31)


def generate(
    n_patents: int,
    seed: int,
    *,
    store: CorpusStore | None = None,
    as_of: dt.date = DEFAULT_AS_OF,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> Snapshot:
    """Generate a synthetic corpus of ``n_patents`` patents and make it the current snapshot.

    Deterministic: the same ``(n_patents, seed, as_of)`` gives the same records (content hashes),
    whatever the machine. Patents are drawn in chunks of :data:`CHUNK_ROWS` rows, each with its
    own random stream seeded by ``(seed, chunk index)``; trademarks, geographical indications and
    copyright registrations follow, in numbers proportional to ``n_patents``
    (see ``docs/synthetic-corpus.md``).

    ``workers`` processes draw chunks in parallel (default: 2 when the machine has 2 CPUs or more
    and ``n_patents`` ≥ 200,000, else 1); the output does not depend on it.
    """
    if not isinstance(n_patents, int) or n_patents < 1:
        raise InputError(f"专利数量必须为正整数：{n_patents} / n_patents must be a positive integer")
    if n_patents > MAX_PATENTS:
        raise InputError(
            f"合成专利数量上限为 {MAX_PATENTS:,} / at most {MAX_PATENTS:,} synthetic patents (7-digit serial numbers)"
        )
    if as_of.year < 2005 or as_of > china_today() + dt.timedelta(days=3660):
        raise InputError(f"as_of 超出范围：{as_of} / as_of out of range")
    progress = progress or no_progress
    store = store or CorpusStore()
    started = time.monotonic()
    stages: dict[str, float] = {}
    with no_cyclic_gc():
        world = build_world(n_patents, seed, as_of)
    ctx = make_context(world)
    stages["world"] = time.monotonic() - started
    # every row's year, kind and dates, in application-number order: the chunks cover increasing
    # ranges of numbers, so the snapshot is written in its key order and the commit does not sort
    layout = draw_filings(world, n_patents, CHUNK_ROWS)
    stages["layout"] = time.monotonic() - started - stages["world"]
    extra = others.counts(n_patents)
    total_units = n_patents + sum(extra.values())
    done = 0
    progress(0, total_units)
    counts = {"patents": 0, "events": 0}
    plan: list[Task] = [("patents", i, start, min(CHUNK_ROWS, n_patents - start))
                        for i, start in enumerate(range(0, n_patents, CHUNK_ROWS))]
    plan += others.tasks(extra)
    with store.writer(carry_over=False) as writer:
        for tables in _results(world, ctx, layout, plan, _worker_count(workers, n_patents)):
            for table, batch in tables:
                if table != "events" or batch.num_rows:
                    writer.write(table, batch)
                counts[table] = counts.get(table, 0) + batch.num_rows
                if table != "events":
                    done += batch.num_rows
            progress(min(done, total_units), total_units)
        stages["drawn"] = time.monotonic() - started - stages["world"] - stages["layout"]
        for table in ("trademarks", "geographical_indications", "copyrights"):
            counts.setdefault(table, 0)
        record = {
            "source": "synthetic",
            "import_id": world.import_id,
            "generator": {
                "n_patents": n_patents, "seed": seed, "as_of": as_of.isoformat(), "chunk_rows": CHUNK_ROWS,
                "names": NAMES_RULE,  # the names' rule (docs/synthetic-corpus.md, "Names")
                # one synthetic record stands for 1/scale real ones (calibration against national figures)
                "scale": world.scale,
            },
            "added": counts,
            "seconds": round(time.monotonic() - started, 1),
        }
        commit_started = time.monotonic()
        snapshot = writer.commit(record)
        stages["commit"] = time.monotonic() - commit_started
    record["seconds"] = round(time.monotonic() - started, 1)
    record["stage_seconds"] = {k: round(v, 1) for k, v in stages.items()}
    finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    store.record_import({**record, "file": "synthetic", "status": "completed", "snapshot_id": snapshot.id,
                         "finished_at": finished, "snapshot": snapshot.id, "at": finished})
    progress(total_units, total_units)
    return snapshot


def _worker_count(workers: int | None, n: int) -> int:
    if workers is not None:
        return max(1, workers)
    if n < 200_000:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


_STATE: dict[str, object] = {}


def _init_worker(world_file: str) -> None:
    # the built world is read from a pickle file (not sent through the start-up pipe: a large
    # pipe write blocks forever if the child dies while starting, e.g. an unguarded __main__)
    with open(world_file, "rb") as fh, no_cyclic_gc():
        world = pickle.load(fh)
    _STATE["world"] = world
    _STATE["ctx"] = make_context(world)


def _run(world: World, ctx: ChunkContext, task: Task, filings: Filings | None) -> list[tuple[str, pa.Table]]:
    """One task's tables: a chunk of patents with its events (``filings``: its rows of the layout), or a
    batch of another table."""
    table, index, start, _ = task
    with no_cyclic_gc():
        if table == "patents":
            assert filings is not None
            chunk = generate_chunk(world, index, filings, start, ctx)
            return [("patents", chunk.patents), ("events", chunk.events)]
        return others.run_task(world, task)


def _filings(layout: Filings, task: Task) -> Filings | None:
    table, _, start, size = task
    return layout.rows(start, start + size) if table == "patents" else None


def _work(task: Task, filings: Filings | None) -> list[tuple[str, pa.Table]]:
    return _run(_STATE["world"], _STATE["ctx"], task, filings)  # type: ignore[arg-type]


Result = list[tuple[str, pa.Table]]


def _result(future: Future[Result], pool: ProcessPoolExecutor) -> Result:
    """Wait for a task; fail loudly (instead of waiting forever) if a worker process was killed."""
    while True:
        try:
            return future.result(timeout=5)
        except (FuturesTimeout, BrokenProcessPool) as exc:
            processes = getattr(pool, "_processes", None) or {}
            if isinstance(exc, BrokenProcessPool) or any(p.exitcode is not None for p in list(processes.values())):
                raise CorpusError(
                    "生成进程意外退出（内存不足、被终止，或调用脚本缺少 if __name__ == \"__main__\": 保护） / "
                    "a generator worker process died (out of memory, killed, or the calling script lacks an "
                    "`if __name__ == \"__main__\":` guard — worker processes are spawned); use workers=1 to avoid them"
                ) from None


def _results(world: World, ctx: ChunkContext, layout: Filings, plan: list[Task], workers: int) -> Iterator[Result]:
    """Each task's tables in plan order; with several workers, drawn in spawned processes (bounded
    look-ahead) — the patents' chunks (each sent its rows of the layout) and the other tables'
    batches alike."""
    if workers <= 1 or len(plan) <= 1:
        for task in plan:
            yield _run(world, ctx, task, _filings(layout, task))
        return
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="zhichan-gen-") as tmp:
        world_file = os.path.join(tmp, "world.pickle")
        with open(world_file, "wb") as fh:
            pickle.dump(world, fh, protocol=pickle.HIGHEST_PROTOCOL)
        yield from _parallel(layout, plan, context, world_file, workers)


def _parallel(layout: Filings, plan: list[Task], context: multiprocessing.context.BaseContext, world_file: str,
              workers: int) -> Iterator[Result]:
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(world_file,)) as pool:
        pending: deque[Future[Result]] = deque()
        todo = iter(plan)
        for item in todo:
            pending.append(pool.submit(_work, item, _filings(layout, item)))
            if len(pending) >= workers + 1:
                break
        while pending:
            result = _result(pending.popleft(), pool)
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(pool.submit(_work, nxt, _filings(layout, nxt)))
            yield result
