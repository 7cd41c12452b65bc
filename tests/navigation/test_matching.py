"""Branch matching: the index path and the scan path give the same ``branch_hits``."""

from __future__ import annotations

import pytest

from zhichan.corpus.testing import build_snapshot
from zhichan.navigation.chain_io import builtin_chains
from zhichan.navigation.matching import _search_index, materialize_branch_hits

from .conftest import AS_OF, hand_events, hand_patents


def _hits(con) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return con.execute("SELECT branch_id, application_number FROM branch_hits ORDER BY ALL").fetchall()


def test_scan_counts_patents_filed_by_the_date(hand_snapshot, test_chain):  # type: ignore[no-untyped-def]
    con = hand_snapshot.connect()
    assert materialize_branch_hits(con, test_chain, AS_OF) == 8 + 4 + 6
    # P15 (H01M, filed 2025) is not counted as of 2024-12-31
    assert all(not an.startswith("CN2025") for _, an in _hits(con))
    con.close()


@pytest.mark.slow
def test_index_and_scan_agree(tmp_path, test_chain):  # type: ignore[no-untyped-def]
    from zhichan.search.build import build_index

    ps = hand_patents()
    snap = build_snapshot(tmp_path, patents=list(ps.values()), events=hand_events(ps))
    build_index(snap, with_vectors=False)
    assert _search_index(snap) is not None
    for chain in (test_chain, builtin_chains()["nev"]):
        con = snap.connect()
        materialize_branch_hits(con, chain, AS_OF)
        scanned = _hits(con)
        materialize_branch_hits(con, chain, AS_OF, snap)
        assert _hits(con) == scanned
        con.close()
