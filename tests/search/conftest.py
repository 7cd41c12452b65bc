"""Fixtures of the retrieval tests: the fixed reference corpus with its index (built once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zhichan.corpus.store import Snapshot
from zhichan.corpus.testing import build_snapshot
from zhichan.search.build import build_index
from zhichan.search.highvalue import flags_by_patent, high_value_table
from zhichan.search.index import SearchIndex
from zhichan.search.layout import index_path

from . import corpus


@pytest.fixture(scope="session")
def ref_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshot]:
    """The reference corpus of docs/query-language.md, indexed (vectors included)."""
    root: Path = tmp_path_factory.mktemp("search-ref") / "var"
    snapshot = build_snapshot(root, patents=corpus.patents(), events=corpus.events())
    build_index(snapshot)
    yield snapshot
    SearchIndex._cache.pop(snapshot.id, None)


@pytest.fixture(scope="session")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshot]:
    """20,000 generated patents indexed single-threaded with a small writer heap: several segments,
    in the same order on every run (test_facets_exact.py, test_halves.py). The corpus is the indicator
    tests' national one, generated once per run and read only (``tests.helpers.generated_snapshot``); its
    index is built once per run too, in the corpus's data folder, by the first worker to ask."""
    from tests.helpers import generated_name, generated_snapshot, run_folder

    as_of = dt.date(2023, 12, 31)
    snapshot = generated_snapshot(tmp_path_factory, 20_000, 1, as_of)
    with run_folder(tmp_path_factory, generated_name(20_000, 1, as_of) + "-index"):
        if index_path(snapshot) is None:
            build_index(snapshot, heap_bytes=15_000_000, threads=1, with_vectors=False, workers=1)
    yield snapshot
    SearchIndex._cache.pop(snapshot.id, None)


@pytest.fixture(scope="session")
def ref_rows(ref_snapshot: Snapshot) -> list[dict[str, Any]]:
    """The reference corpus as dicts with each patent's high-value criteria (``hv``), for the oracle."""
    con = ref_snapshot.connect()
    try:
        table = con.sql("SELECT * FROM patents").to_arrow_table()
    finally:
        con.close()
    flags = flags_by_patent(high_value_table(ref_snapshot))
    rows = table.to_pylist()
    for row in rows:
        row["hv"] = flags.get(row["application_number"], set())
    return rows
