"""Both cores for one search: the segments of an index build in two halves, searched side by side.

tantivy runs one search on the calling thread, segment after segment; tantivy-py releases the GIL
while it searches and aggregates. So the segments of a build are split into two halves of about
equal documents, each opened as an index of its own — a folder of its own (in a temporary folder of
the process, removed with it) whose ``meta.json`` lists the half's segments and whose files are links
to the build's segment files (nothing is copied, nothing in the build folder is written) — and a
count, a ranking or an aggregation runs on both halves in two threads (:meth:`Halves.map`): one on
the calling thread, one in a small shared pool.

What merges exactly, and what does not (the caller, :class:`zhichan.search.index.SearchIndex`, merges):
- Hit totals: summed — the halves hold disjoint documents, together all of them.
- Facet counts: summed per value; a half's list cut at its top values is merged only when that
  provably cannot change the merged top values, else counted again with every value.
- Scores: **not** those of the whole index. BM25 takes its statistics (documents, terms per field,
  each term's document frequency) from the searcher it runs on, so a half scores with the half's
  statistics. A half therefore only *proposes* its best hits; they are scored again on the whole
  index (the query restricted to those patents), so every score shown is the single searcher's.

Used for builds of at least :data:`SPLIT_MIN_DOCUMENTS` documents in two or more segments on a
machine of two or more cores (docs/search.md, "Search at 10M").
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import tantivy

from zhichan.search.layout import register_tokenizers

#: Below this many documents a search costs a few milliseconds: a second thread would not pay.
SPLIT_MIN_DOCUMENTS = 200_000

T = TypeVar("T")

_pool: tuple[int, ThreadPoolExecutor] | None = None  # (the process it belongs to, the pool)
_pool_lock = threading.Lock()


def _shared_pool() -> ThreadPoolExecutor:
    """The threads that run the second half of the searches of this process (one per core); a
    forked child, which inherits the pool but not its threads, makes its own."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="search-half"))
        return _pool[1]


def _remove(folder: str, owner: int) -> None:
    if os.getpid() == owner:  # not from a forked child's exit: the folder is its parent's
        shutil.rmtree(folder, ignore_errors=True)


def split_segments(segments: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Two groups of segments of about equal live documents (the largest first, each to the lighter
    group); each group keeps the build's segment order."""
    def live(segment: dict[str, Any]) -> int:
        return int(segment["max_doc"]) - int((segment.get("deletes") or {}).get("num_deleted_docs", 0))

    groups: tuple[list[int], list[int]] = ([], [])
    weight = [0, 0]
    for i in sorted(range(len(segments)), key=lambda i: -live(segments[i])):
        lighter = 0 if weight[0] <= weight[1] else 1
        groups[lighter].append(i)
        weight[lighter] += live(segments[i])
    return ([segments[i] for i in sorted(groups[0])], [segments[i] for i in sorted(groups[1])])


class Halves:
    """The two halves of one build's segments, each with its own searcher."""

    def __init__(self, folder: Path) -> None:
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        self._dir = Path(tempfile.mkdtemp(prefix="zhichan-halves-"))
        self._cleanup = weakref.finalize(self, _remove, str(self._dir), os.getpid())
        self.searchers: list[tantivy.Searcher] = []
        #: per half, the whole index's ordinal of each of its segments (the whole searcher reads the
        #: segments in the order meta.json lists them; a half keeps that order)
        self.ordinals: list[list[int]] = []
        position = {segment["segment_id"]: i for i, segment in enumerate(meta["segments"])}
        for i, group in enumerate(split_segments(meta["segments"])):
            self.ordinals.append([position[segment["segment_id"]] for segment in group])
            half = self._dir / str(i)
            half.mkdir()
            for segment in group:
                for file in folder.glob(f"{segment['segment_id'].replace('-', '')}.*"):
                    (half / file.name).symlink_to(file.resolve())
            (half / "meta.json").write_text(json.dumps({**meta, "segments": group}), "utf-8")
            index = tantivy.Index.open(str(half))
            register_tokenizers(index)
            index.config_reader("manual")  # a half never changes: no watcher on its meta.json
            self.searchers.append(index.searcher())

    @classmethod
    def of(cls, folder: Path, searcher: tantivy.Searcher, min_documents: int | None = None) -> Halves | None:
        """The halves of the build in ``folder`` (its tantivy folder), or None where one thread is
        as good: a small build (below ``min_documents``, by default :data:`SPLIT_MIN_DOCUMENTS`), a
        single segment, a single core."""
        least = SPLIT_MIN_DOCUMENTS if min_documents is None else min_documents
        if (os.cpu_count() or 1) < 2 or searcher.num_segments < 2 or searcher.num_docs < least:
            return None
        return cls(folder)

    def map(self, fn: Callable[[tantivy.Searcher], T]) -> list[T]:
        """``fn`` on each half's searcher, side by side: the second half in the shared pool, the
        first on the calling thread."""
        other = _shared_pool().submit(fn, self.searchers[1])
        try:
            first = fn(self.searchers[0])
        finally:
            second = other.result()  # waited for even when the first failed: nothing runs on
        return [first, second]

    def close(self) -> None:
        self.searchers.clear()
        self._cleanup()
