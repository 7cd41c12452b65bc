"""``zhichan.corpus.testing.build_snapshot``: the same tables built again in a fresh folder are a copy of
the first build, a snapshot like any other; a folder that holds a corpus gets a new snapshot on top."""

from __future__ import annotations

from pathlib import Path

from zhichan.corpus.store import CorpusStore
from zhichan.corpus.testing import build_snapshot, event, patent


def _tables(title: str) -> dict[str, list[dict[str, object]]]:
    first = patent("202110000001", title=title, application_date="2021-01-05")
    return {"patents": [first, patent("202110000002", application_date="2021-02-05")],
            "events": [event(first["application_number"], "pledge", "2022-01-01", party_to="某银行")]}


def _rows(snapshot) -> list[tuple]:  # type: ignore[no-untyped-def]
    con = snapshot.connect()
    try:
        return con.execute("SELECT application_number, title FROM patents ORDER BY 1").fetchall()
    finally:
        con.close()


def test_a_second_build_of_the_same_tables_is_an_equal_snapshot(tmp_path: Path) -> None:
    title = f"一种测试用电池{tmp_path.name}"  # tables no other test of this process builds
    first = build_snapshot(tmp_path / "a", **_tables(title))
    second = build_snapshot(tmp_path / "b", **_tables(title))
    assert second.path.parent.parent.parent == tmp_path / "b"  # …/b/corpus/snapshots/<id>
    assert CorpusStore(tmp_path / "b" / "corpus").current_id() == second.id
    assert second.counts == first.counts == {**first.counts, "patents": 2, "events": 1}
    assert _rows(second) == _rows(first) and _rows(second)[0][1] == title
    for file in first.path.rglob("*"):
        if file.is_file():
            assert (second.path / file.relative_to(first.path)).read_bytes() == file.read_bytes()


def test_other_tables_or_a_folder_with_a_corpus_get_a_snapshot_of_their_own(tmp_path: Path) -> None:
    title = f"一种测试用电池{tmp_path.name}"
    first = build_snapshot(tmp_path / "a", **_tables(title))
    other = build_snapshot(tmp_path / "b", **_tables(title + "二"))
    assert _rows(other)[0][1] == title + "二"
    on_top = build_snapshot(tmp_path / "a", **_tables(title + "三"))
    assert on_top.id != first.id and on_top.path.parent == first.path.parent
    assert CorpusStore(tmp_path / "a" / "corpus").current_id() == on_top.id
    assert _rows(on_top)[0][1] == title + "三"
