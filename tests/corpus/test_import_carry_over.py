"""An import writes one table; every other table of the previous snapshot carries over unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.corpus.helpers import write_csv
from zhichan.corpus.importing import import_file, load_mapper
from zhichan.corpus.schema import IMPORTED_TABLES
from zhichan.corpus.store import CorpusStore
from zhichan.corpus.testing import build_snapshot, event, patent, record

AS_OF = dt.date(2025, 6, 30)

#: table → (mapping YAML, header, one row) holding only the columns the table requires.
ONE_ROW_FILES: dict[str, tuple[str, list[str], list[str]]] = {
    "patents": (
        "table: patents\nsource: bureau\ncolumns:\n  application_number: 申请号\n  title: 名称\n"
        "  application_date: 申请日\n  kind: {column: 类型, parser: kind}\n  applicants: 申请人\n  region_code: 区划\n",
        ["申请号", "名称", "申请日", "类型", "申请人", "区划"],
        ["CN202110000009.2", "一种储能电池热管理系统", "2021-02-03", "发明", "成都储能科技有限公司", "510107"],
    ),
    "events": (
        "table: events\nsource: pledge_list\ncolumns:\n  application_number: application_number\n"
        "  event_type: event_type\n  event_date: event_date\n  amount_yuan: amount_yuan\n",
        ["application_number", "event_type", "event_date", "amount_yuan"],
        ["CN202010000001.1", "pledge", "2024-05-06", "12000000"],
    ),
    "trademarks": (
        "table: trademarks\nsource: tm_list\ncolumns:\n  registration_number: 注册号\n  mark_name: 商标\n"
        "  registrant: 注册人\n  region_code: 区划\n",
        ["注册号", "商标", "注册人", "区划"],
        ["87654321", "蜀锦", "成都蜀锦织绣有限责任公司", "510107"],
    ),
    "geographical_indications": (
        "table: geographical_indications\nsource: gi_list\ncolumns:\n  gi_id: 编号\n  name: 名称\n"
        "  gi_type: 类型\n  region_code: 区划\n",
        ["编号", "名称", "类型", "区划"],
        ["GI-0009", "郫县豆瓣", "product", "510117"],
    ),
    "copyrights": (
        "table: copyrights\nsource: cr_list\ncolumns:\n  registration_number: 登记号\n  work_type: 类型\n"
        "  title: 名称\n  owner: 著作权人\n  region_code: 区划\n",
        ["登记号", "类型", "名称", "著作权人", "区划"],
        ["2024SR0000009", "software", "示例管理软件V1.0", "成都示例科技有限公司", "510107"],
    ),
}


def _store_with_every_table(root: Path) -> CorpusStore:
    """A current snapshot holding two records in each imported table (and the parties derived)."""
    first = patent("CN202010000001", region_code="510107", applicants=["成都示例科技有限公司"])
    second = patent("CN202010000002", region_code="440305", applicants=["深圳示例电子有限公司"])
    build_snapshot(
        root,
        patents=[first, second],
        events=[event(first["application_number"], "transfer", "2023-01-02"),
                event(second["application_number"], "licence", "2023-03-04")],
        trademarks=[record("trademarks", registration_number=str(10_000_000 + i), mark_name=f"商标{i}",
                           is_geographical_indication=False, region_code="510107") for i in range(2)],
        geographical_indications=[record("geographical_indications", gi_id=f"GI-000{i}", name=f"地理标志{i}",
                                         gi_type="product", region_code="510107") for i in range(2)],
        copyrights=[record("copyrights", registration_number=f"2023SR000000{i}", work_type="software",
                           region_code="510107") for i in range(2)],
    )
    return CorpusStore(root / "corpus")


@pytest.mark.parametrize("table", IMPORTED_TABLES)
def test_importing_one_table_keeps_every_other_table(tmp_path: Path, table: str) -> None:
    store = _store_with_every_table(tmp_path)
    before = store.current()
    assert all(before.counts[name] == 2 for name in (*IMPORTED_TABLES, "parties"))
    spec, header, row = ONE_ROW_FILES[table]
    (tmp_path / "map.yaml").write_text(spec, "utf-8")
    path = write_csv(tmp_path / f"{table}.csv", header, [row])

    result = import_file(path, mapper=load_mapper(tmp_path / "map.yaml"), store=store, as_of=AS_OF)

    assert (result.added, result.rejected) == (1, 0), result.rejects
    after = store.current()
    assert after.id == result.snapshot_id != before.id
    expected = {name: 3 if name == table else 2 for name in IMPORTED_TABLES}
    expected["parties"] = 3 if table == "patents" else 2
    assert after.counts == expected
    con = after.connect()
    try:  # the records themselves carried over, not just the counts
        for name in IMPORTED_TABLES:
            if name != table:
                old = before.connect()
                try:
                    assert sorted(con.sql(f"SELECT content_hash FROM {name}").fetchall()) == sorted(
                        old.sql(f"SELECT content_hash FROM {name}").fetchall())
                finally:
                    old.close()
    finally:
        con.close()


def test_commercial_export_onto_a_full_store_keeps_every_other_table(tmp_path: Path, sample_csv: Path) -> None:
    store = _store_with_every_table(tmp_path)
    result = import_file(sample_csv, store=store, as_of=AS_OF)
    counts = store.current().counts
    assert result.added == 10 and counts["patents"] == 12
    assert counts["events"] == 2 + result.events_added
    assert (counts["trademarks"], counts["geographical_indications"], counts["copyrights"]) == (2, 2, 2)


def test_events_then_copyrights_after_the_sample_keep_the_patents(store: CorpusStore, sample_csv: Path,
                                                                  tmp_path: Path) -> None:
    """The issue's sequence: the real sample, a mapped events file, then a copyright list."""
    import_file(sample_csv, store=store, as_of=AS_OF)
    for table in ("events", "copyrights"):
        spec, header, row = ONE_ROW_FILES[table]
        if table == "events":
            row = ["CN202223220665.2", *row[1:]]
        (tmp_path / f"{table}.yaml").write_text(spec, "utf-8")
        result = import_file(write_csv(tmp_path / f"{table}.csv", header, [row]),
                             mapper=load_mapper(tmp_path / f"{table}.yaml"), store=store, as_of=AS_OF)
        assert result.added == 1, result.rejects
        counts = store.current().counts
        assert counts["patents"] == 10 and counts["parties"] > 0


def test_the_generators_population_scale_survives_later_imports(tmp_path: Path, sample_csv: Path) -> None:
    """Generate, import the real sample and a mapped events file: every 每万人口 figure keeps its scale."""
    from zhichan import reference
    from zhichan.corpus.generator import generate
    from zhichan.indicators import service

    store = CorpusStore(tmp_path / "corpus")
    generated = generate(1_500, 11, store=store)
    scale = generated.population_scale
    assert 0 < scale < 1e-3 and generated.generator is not None
    as_of = dt.date(2025, 12, 31)
    codes = ["valid_inventions", "valid_inventions_per_10k", "high_value_inventions_per_10k"]

    def figures(snapshot):  # type: ignore[no-untyped-def]
        return {(v.region_code, v.code): v.value for v in service.compute(codes, ["CN", "51", "41"], as_of,
                                                                            snapshot=snapshot)}

    before = figures(generated)
    import_file(sample_csv, store=store, as_of=dt.date(2024, 6, 30))  # 10 real records, all in 河南 (41)
    spec, header, row = ONE_ROW_FILES["copyrights"]
    (tmp_path / "cr.yaml").write_text(spec, "utf-8")
    import_file(write_csv(tmp_path / "cr.csv", header, [row]), mapper=load_mapper(tmp_path / "cr.yaml"), store=store)
    after_snapshot = store.current()
    assert after_snapshot.id != generated.id and after_snapshot.population_scale == scale
    assert after_snapshot.manifest["generator"] == generated.generator
    after = figures(after_snapshot)
    assert after[("51", "valid_inventions_per_10k")] == before[("51", "valid_inventions_per_10k")]  # untouched
    assert after[("51", "high_value_inventions_per_10k")] == before[("51", "high_value_inventions_per_10k")]
    people = reference.population("CN")
    assert after[("CN", "valid_inventions_per_10k")] == pytest.approx(
        after[("CN", "valid_inventions")] / (people * scale / 10_000))
    assert after[("CN", "valid_inventions_per_10k")] > 1  # not ~2,800× too low
    assert service.population_scale(after_snapshot) == scale


def test_a_corpus_without_synthetic_records_has_no_scale(store: CorpusStore, sample_csv: Path) -> None:
    import_file(sample_csv, store=store, as_of=AS_OF)
    snapshot = store.current()
    assert snapshot.generator is None and snapshot.population_scale == 1.0


def test_two_writers_at_once_lose_nothing(tmp_path):
    """A writer of events that started before an import finished: the import's patents survive
    (carried-over tables come from the snapshot current at commit), and the second writer to start
    leaves the first one's work folder alone."""
    import pyarrow as pa

    from zhichan.corpus.schema import EVENTS, TABLES

    build_snapshot(tmp_path, patents=[patent("202010000001")])
    store = CorpusStore(tmp_path / "corpus")
    with store.writer() as export:  # e.g. registered pledges written as events
        export.replace("events", [pa.RecordBatch.from_pylist([], schema=EVENTS)])
        with store.writer() as importer:
            assert export.tmp.exists()  # not removed as a leftover
            rows = [patent("202010000001"), patent("202010000002")]
            importer.write("patents", pa.Table.from_pylist(rows, schema=TABLES["patents"][0]))
            imported = importer.commit({"source": "test"})
        assert imported.counts["patents"] == 2
        exported = export.commit({"source": "test-export"})
    assert exported.counts["patents"] == 2 and store.current().id == exported.id
