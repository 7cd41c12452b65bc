"""zhichan.parallel: batches in worker processes, results in order, a clear message when one dies."""

from __future__ import annotations

import os

import pyarrow as pa
import pytest

from zhichan.errors import ZhichanError
from zhichan.parallel import from_ipc, from_ipc_file, ordered_map, to_ipc, to_ipc_file


def test_results_come_back_in_the_order_of_the_calls() -> None:
    calls = [(i, 2) for i in range(25)]  # more than the 2 × workers in flight
    assert list(ordered_map(pow, calls, workers=2, initializer=int, initargs=(), what=("测试", "a test"))) == [
        i * i for i in range(25)]


def test_every_worker_is_started_before_the_first_call_is_prepared() -> None:
    """The workers import and initialize while the caller prepares the first batch (an import
    reads it from the file), not one by one as batches are handed out."""
    import multiprocessing
    from collections.abc import Iterator

    started: list[int] = []

    def calls() -> Iterator[tuple[int, int]]:
        started.append(len(multiprocessing.active_children()))
        yield 2, 3

    assert list(ordered_map(pow, calls(), workers=2, initializer=int, initargs=(), what=("测试", "a test"))) == [8]
    assert started == [2]


def test_a_worker_that_dies_stops_the_work_with_a_message_in_both_languages() -> None:
    with pytest.raises(ZhichanError) as raised:
        list(ordered_map(os._exit, [(3,)], workers=2, initializer=int, initargs=(), what=("测试", "a test")))
    assert str(raised.value).startswith("测试进程意外退出") and "a test process died" in str(raised.value)


def test_a_table_and_a_batch_travel_whole() -> None:
    table = pa.table({"a": [1, 2, None], "b": ["x", "中文", ""]})
    assert from_ipc(to_ipc(table)).equals(table)
    assert from_ipc(to_ipc(table.to_batches()[0])).equals(table)


def test_a_table_handed_over_as_a_file_is_mapped_back_whole_and_the_file_removed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    table = pa.table({"a": [1, 2, None], "b": ["x", "中文", ""]})
    path = to_ipc_file(table, tmp_path / "batch-00000.arrow")
    assert path.exists()
    assert from_ipc_file(path).equals(table)
    assert not path.exists()
