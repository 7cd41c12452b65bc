"""Batches handed to worker processes, results taken back in order (an import's columnar checks;
the index build's workers, which index what they prepare, have a loop of their own:
:func:`zhichan.search.build._index_in_workers`).

Workers are *spawned* (no fork of a process holding DuckDB or tantivy threads); each runs
``initializer(*initargs)`` once, then the batches it is given. A batch travels as Arrow IPC
bytes (:func:`to_ipc`, read back with :func:`from_ipc`). At most ``2 × workers`` batches are in
flight, so memory stays bounded however long the input.
"""

from __future__ import annotations

import collections
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa

from zhichan.errors import ZhichanError

T = TypeVar("T")


def to_ipc(data: pa.RecordBatch | pa.Table) -> bytes:
    """``data`` as one Arrow IPC stream (uncompressed: the bytes go through a pipe, not a disk)."""
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, data.schema) as writer:
        if isinstance(data, pa.Table):
            writer.write_table(data)
        else:
            writer.write_batch(data)
    return sink.getvalue()


def from_ipc(payload: bytes) -> pa.Table:
    """The table :func:`to_ipc` wrote."""
    return pa.ipc.open_stream(payload).read_all()


def to_ipc_file(data: pa.Table, path: Path) -> Path:
    """``data`` written to ``path`` as an Arrow IPC file, for a worker to map (:func:`from_ipc_file`).

    A large batch goes to a worker this way rather than as :func:`to_ipc` bytes through the pool's
    pipe: the bytes are copied once, into the page cache, where a pipe copies them into fresh
    memory in both processes several times over (pickling, the pipe, unpickling)."""
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, data.schema) as writer:
        writer.write_table(data)
    return path


def from_ipc_file(path: Path) -> pa.Table:
    """The table :func:`to_ipc_file` wrote, memory-mapped (no copy); the file is removed (the
    mapping stays valid until the table is released)."""
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    path.unlink()
    return table


def ordered_map(fn: Callable[..., T], calls: Iterable[tuple[Any, ...]], *, workers: int,
                initializer: Callable[..., None], initargs: tuple[Any, ...], what: tuple[str, str]) -> Iterator[T]:
    """``fn(*args)`` for each ``args`` of ``calls``, run in ``workers`` spawned processes, yielded in
    the order of ``calls``. ``what`` names the work (Chinese; English with its article) in the message raised when a
    worker dies (out of memory, killed, or a calling script without a ``__main__`` guard).
    Leaving the iterator early (an exception in the caller) cancels the batches not yet started
    and waits for the running ones, so nothing a worker writes outlives the call."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    def result(future: Future[T]) -> T:
        try:
            return future.result()
        except BrokenProcessPool:
            raise ZhichanError(
                f"{what[0]}进程意外退出（内存不足、被终止，或调用脚本缺少 if __name__ == \"__main__\": 保护） / "
                f"{what[1]} process died (out of memory, killed, or the calling script lacks an "
                "`if __name__ == \"__main__\":` guard — worker processes are spawned); use one worker to avoid them"
            ) from None

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)
    try:
        # every worker started now, not as the first batches come: they import and initialize
        # while the caller prepares the first batch (the pool starts one process a submitted call)
        for _ in range(workers):
            pool.submit(int)
        pending: collections.deque[Future[T]] = collections.deque()
        for args in calls:
            pending.append(pool.submit(fn, *args))
            while len(pending) > 2 * workers:  # the memory bound: 2 × workers batches in flight
                yield result(pending.popleft())
        while pending:
            yield result(pending.popleft())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
