"""The content hash's versions: a first import of patents hashes with version 2 (cheaper to build
a column at a time), an import on top of stored records keeps the stored table's version, and the
snapshot's manifest records each table's — so an update never compares hashes of two versions
(every record would read as changed) and never reads a changed patent as unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

import zhichan.corpus.importing as importing
from tests.corpus.helpers import generated_export, write_csv
from zhichan.corpus.importers.columnar import content_bytes_v2_sql
from zhichan.corpus.records import content_bytes_v2, content_hash
from zhichan.corpus.schema import TABLES
from zhichan.corpus.store import CorpusStore
from zhichan.errors import CorpusError
from zhichan.settings import Settings, get_settings

AS_OF = dt.date(2025, 12, 31)
PATENTS = TABLES["patents"][0]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[list[str]]]:
    return generated_export(tmp_path_factory.mktemp("generated"), 300, 41)


def _import(path: Path, store: CorpusStore, monkeypatch: pytest.MonkeyPatch, *, columnar: bool = True,
            as_of: dt.date = AS_OF, **env: str) -> importing.ImportResult:
    with monkeypatch.context() as patched:
        patched.setenv("ZHICHAN_IMPORT_COLUMNAR", "true" if columnar else "false")
        for name, value in env.items():
            patched.setenv(name, value)
        get_settings.cache_clear()
        try:
            return importing.import_file(path, store=store, as_of=as_of)
        finally:
            get_settings.cache_clear()


def _patents(store: CorpusStore) -> dict[str, dict[str, Any]]:
    con = store.current().connect()
    try:
        rows = con.sql("SELECT * FROM patents").to_arrow_table().to_pylist()
    finally:
        con.close()
    return {r["application_number"]: r for r in rows}


def _as_written_before_versions(store: CorpusStore) -> None:
    """The current snapshot's manifest as a release before hash versions wrote it (no ``content_hash``)."""
    path = store.current().path / "manifest.json"
    manifest = json.loads(path.read_text("utf-8"))
    del manifest["content_hash"]
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")


def test_version_2_bytes_built_in_duckdb_are_the_python_encoding() -> None:
    """Nulls and empty values, texts with characters JSON escapes, 4-byte characters (the length
    prefix counts bytes), lists with such items, dates, integers and yes/no: the same bytes."""
    base = {f.name: None for f in PATENTS}
    base.update(application_number="CN202010000001.4", kind="invention", legal_status="granted",
                status_group="valid", synthetic=False, is_domestic=True, family_granted_abroad=False)
    records = [
        dict(base),
        {**base, "title": "", "abstract": None, "ipc": [], "applicants": None},
        {**base, "title": 'a"b\\c\td\ne\rf', "abstract": "𠀀一种装置", "ipc": ["H04N5/225", 'x"y', "t\tz"],
         "applicants": ["甲公司", ""], "application_date": dt.date(2020, 1, 2), "backward_citations": 0,
         "family_size": 12, "tech_field": 3, "is_domestic": False, "family_granted_abroad": True},
        {**base, "title": "1:x", "abstract": "N"},  # a text that looks like a prefix
        {**base, "title": "1", "abstract": ":xN"},
    ]
    table = pa.Table.from_pylist(records, schema=PATENTS)
    con = duckdb.connect()
    try:
        con.register("t", table)
        built = [r[0] for r in con.sql(f"SELECT {content_bytes_v2_sql('patents')} FROM t").fetchall()]
    finally:
        con.close()
    assert [b.encode("utf-8") for b in built] == [content_bytes_v2("patents", r) for r in records]
    # every field's encoding says where it ends: text moved between fields changes the bytes
    assert len({content_bytes_v2("patents", r) for r in records}) == len(records)
    assert content_hash("patents", records[3], 2) != content_hash("patents", records[4], 2)
    assert len(content_hash("patents", records[2], 2)) == 32 and len(content_hash("patents", records[2])) == 64


@pytest.mark.parametrize("columnar", [True, False])
def test_a_first_import_hashes_with_version_2_and_the_same_file_again_changes_nothing(
        tmp_path: Path, settings: Settings, generated, monkeypatch: pytest.MonkeyPatch, columnar: bool) -> None:
    header, rows = generated
    path = write_csv(tmp_path / "export.csv", header, rows)
    store = CorpusStore(tmp_path / "corpus")
    first = _import(path, store, monkeypatch, columnar=columnar, ZHICHAN_IMPORT_WORKERS="2",
                    ZHICHAN_IMPORT_BATCH_ROWS="64")
    assert first.added == len(rows) and (first.columnar_rows > 0) == columnar
    snapshot = store.current()
    assert snapshot.manifest["content_hash"]["patents"] == 2
    assert snapshot.content_hash_version("events") == 1  # events keep version 1
    patents = _patents(store)
    assert all(content_hash("patents", r, 2) == r["content_hash"] for r in patents.values())
    again = _import(path, store, monkeypatch, columnar=columnar)
    assert (again.added, again.updated, again.unchanged, again.snapshot_id) == (0, 0, len(rows), None)
    assert store.current().id == snapshot.id


@pytest.mark.parametrize("columnar", [True, False])
def test_an_update_on_a_snapshot_hashed_before_versions_keeps_version_1(
        tmp_path: Path, settings: Settings, generated, monkeypatch: pytest.MonkeyPatch, columnar: bool) -> None:
    """The old snapshot -> new code path: patents a release before versions imported (version 1,
    no version in the manifest). An update with unchanged, changed and new rows compares version-1
    hashes: the unchanged rows read as unchanged, the changed ones as updated, and the new snapshot
    stays at version 1 — the hashes the search index's incremental build compares (``_delta``)
    are those of the records themselves, unchanged for the unchanged patents."""
    header, rows = generated
    store = CorpusStore(tmp_path / "corpus")
    with monkeypatch.context() as old_release:
        old_release.setattr(importing, "NEW_TABLE_HASH_VERSION", {})  # every table at version 1
        _import(write_csv(tmp_path / "old.csv", header, rows[:200]), store, monkeypatch, columnar=columnar)
    _as_written_before_versions(store)
    old = _patents(store)
    assert store.current().content_hash_version("patents") == 1
    assert all(len(r["content_hash"]) == 64 for r in old.values())

    title = header.index("专利名称")
    changed = [list(r) for r in rows[150:170]]
    for r in changed:
        r[title] = r[title] + "（改）"
    update = [*rows[100:150], *changed, *rows[200:260]]  # 50 unchanged, 20 changed, 60 new
    result = _import(write_csv(tmp_path / "update.csv", header, update), store, monkeypatch, columnar=columnar,
                     as_of=AS_OF + dt.timedelta(days=7), ZHICHAN_IMPORT_WORKERS="2", ZHICHAN_IMPORT_BATCH_ROWS="32")
    assert (result.unchanged, result.updated, result.added, result.rejected) == (50, 20, 60, 0)
    assert store.current().content_hash_version("patents") == 1
    new = _patents(store)
    assert len(new) == 260
    assert all(content_hash("patents", r) == r["content_hash"] for r in new.values())
    number = header.index("申请号")
    for r in rows[:150]:  # unchanged: the same hash as in the old snapshot
        assert new[r[number]]["content_hash"] == old[r[number]]["content_hash"]
    for r in changed:
        assert new[r[number]]["content_hash"] != old[r[number]]["content_hash"]
        assert new[r[number]]["title"].endswith("（改）")


def test_the_merge_refuses_staged_hashes_of_another_version_than_the_stored_table(
        tmp_path: Path, settings: Settings, generated, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another import storing the table meanwhile (with hashes of another version) fails this one
    before anything is compared or written; the current snapshot stays."""
    header, rows = generated
    store = CorpusStore(tmp_path / "corpus")
    with monkeypatch.context() as old_release:
        old_release.setattr(importing, "NEW_TABLE_HASH_VERSION", {})
        _import(write_csv(tmp_path / "old.csv", header, rows[:100]), store, monkeypatch)
    current = store.current().id
    monkeypatch.setattr(importing, "_hash_version", lambda store, table: 2)
    with pytest.raises(CorpusError, match="run the import again"):
        _import(write_csv(tmp_path / "update.csv", header, rows[50:150]), store, monkeypatch)
    assert store.current().id == current
    assert store.current().content_hash_version("patents") == 1
