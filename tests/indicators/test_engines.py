"""Two engines, one definition: the SQL sent to each engine is snapshot-tested, and Spark's numbers
equal DuckDB's for every indicator and every region.

Update the stored SQL after an intended change with ``ZHICHAN_UPDATE_SQL_SNAPSHOTS=1``.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from zhichan import reference
from zhichan.indicators import registry, service
from zhichan.indicators.engines import plain, to_spark_sql
from zhichan.indicators.high_value import high_value_flags_sql

SNAPSHOTS = Path(__file__).parent / "snapshots"
AS_OF = dt.date(2023, 12, 31)


def _queries() -> dict[str, str]:
    queries = {
        f"compute_{source}": registry.compute_sql(source, codes, AS_OF, Decimal("10000000"))
        for source, codes in registry.sources_for(
            [c for c, i in registry.indicators().items() if i.additive]).items()
    }
    queries["drilldown_high_value_inventions_5101"] = registry.drilldown_sql(
        "high_value_inventions", "5101", AS_OF, Decimal("10000000"))
    queries["high_value_flags"] = high_value_flags_sql(AS_OF, Decimal("10000000"))
    return queries


@pytest.mark.parametrize("name", sorted(_queries()))
def test_sql_sent_to_each_engine_matches_the_snapshot(name):
    sql = _queries()[name]
    for engine, text in (("duckdb", sql), ("spark", to_spark_sql(sql))):
        path = SNAPSHOTS / engine / f"{name}.sql"
        if os.environ.get("ZHICHAN_UPDATE_SQL_SNAPSHOTS"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n", "utf-8")
        assert path.read_text("utf-8") == text + "\n", f"{engine} SQL of {name} changed"


def test_spark_sql_uses_spark_functions():
    spark_sql = to_spark_sql(registry.compute_sql("domestic_patents", ["high_value_sei"], AS_OF, Decimal(1)))
    assert "SIZE(p.sei_codes)" in spark_sql and "array_length" not in spark_sql.lower()
    assert "CAST('2023-12-31' AS DATE)" in spark_sql


ALL_REGIONS = [reference.NATION, *reference.all_provinces(), *reference.all_cities(), *reference.all_counties()]


def _key(values):
    """Every number of each value with its type: an amount a Decimal on both engines, a sum of days an int."""
    return [(v.code, v.region_code, *((x, type(x)) for x in (v.value, v.previous_value, v.yoy_change)),
             v.share_of_parent, v.rank, v.rank_of) for v in values]


@pytest.mark.spark
@pytest.mark.slow
def test_every_corpus_indicator_for_every_region_is_identical_on_duckdb_and_spark(random_corpus, spark):
    # The corpus's indicators, over the generated corpus. A domain's figures (cases, exchange, finance,
    # protection, services) are compared on Spark in that domain's tests, over workflow data that has
    # them — here their tables are empty and the comparison would only cost Spark queries.
    corpus = [code for code in registry.indicators()
              if set(registry.sources_for(registry.base_codes([code]))) <= set(registry.RELATIONS)]
    assert {"valid_inventions", "high_value_inventions", "ip_pledge_amount", "valid_trademarks"} <= set(corpus)
    # one as-of date (plus its 同比 date 2022-12-31): Spark queries are slow to start, keep them few
    for as_of in (AS_OF,):
        duck = service.compute(corpus, ALL_REGIONS, as_of, snapshot=random_corpus, engine="duckdb")
        spk = service.compute(corpus, ALL_REGIONS, as_of, snapshot=random_corpus, engine="spark")
        assert len(duck) == len(ALL_REGIONS) * len(corpus)
        # exact equality, ratios included: both engines return the same integers (money as exact
        # DECIMAL sums) and the ratios are divided by the same Python code
        assert _key(duck) == _key(spk)
        nation = {v.code: v.value for v in duck if v.region_code == reference.NATION}
        assert all(nation[c] for c in ("valid_inventions", "high_value_inventions", "patent_applications",
                                       "ip_pledge_amount", "high_value_pledge", "high_value_award",
                                       "valid_trademarks", "geographical_indications")), nation

    for code, region in (("high_value_inventions", "CN"), ("ip_pledge_amount", "51"), ("valid_trademarks", "5101")):
        duck_rows = service.drilldown(code, region, AS_OF, snapshot=random_corpus, engine="duckdb").to_pylist()
        spark_rows = service.drilldown(code, region, AS_OF, snapshot=random_corpus, engine="spark").to_pylist()
        assert duck_rows, code
        assert [{k: plain(v) for k, v in r.items()} for r in duck_rows] == \
               [{k: plain(v) for k, v in r.items()} for r in spark_rows], code
        if code == "high_value_inventions":  # past their statutory term (2023-04-30), in force by a compensation
            compensated = {r["title"].split(" ")[0] for r in duck_rows if r["title"].startswith("comp")}
            assert compensated == {"comp9100001", "comp9100002"}, compensated
    # the holders' ranking, with which holders are synthetic (generated parties) and which not (the edge rows)
    from zhichan.indicators.levers import top_contributors

    duck_top = top_contributors("valid_inventions", "CN", AS_OF, 50, snapshot=random_corpus, engine="duckdb")
    spark_top = top_contributors("valid_inventions", "CN", AS_OF, 50, snapshot=random_corpus, engine="spark")
    assert duck_top == spark_top and any(r["synthetic"] for r in duck_top)


@pytest.mark.spark
def test_spark_registers_a_snapshots_tables_once_and_follows_snapshot_and_export(tmp_path, spark, monkeypatch):
    """The session's views are registered once per snapshot and workflow export, not for every query
    (each registration lists the files of every table), and they follow a switch of snapshot or a
    new export: a query never reads another snapshot's tables."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from zhichan.corpus.testing import build_snapshot, patent
    from zhichan.figures import workflow_tables
    from zhichan.indicators.engines import SparkEngine

    registered: list[str] = []
    frame = type(spark.range(1))  # the session's DataFrame class
    original = frame.createOrReplaceTempView

    def spy(df, name):  # type: ignore[no-untyped-def]
        registered.append(name)
        original(df, name)

    monkeypatch.setattr(frame, "createOrReplaceTempView", spy)
    one = build_snapshot(tmp_path / "one", patents=[patent() for _ in range(2)])
    two = build_snapshot(tmp_path / "two", patents=[patent() for _ in range(3)])
    table, declared = next(iter(workflow_tables().items()))

    def rows(n):  # type: ignore[no-untyped-def]
        # a row of nulls, where the table allows one; one placeholder per type where it does not
        fill = {pa.string(): "x", pa.int64(): 1, pa.int32(): 1, pa.bool_(): False, pa.date32(): dt.date(2024, 1, 1)}
        row = {f.name: None if f.nullable else fill.get(f.type, 0) for f in declared.schema}
        return pa.Table.from_pylist([dict(row) for _ in range(n)], schema=declared.schema)

    def counts(snapshot):  # type: ignore[no-untyped-def]
        row = SparkEngine(snapshot).query(f"SELECT (SELECT count(*) FROM patents) AS p, "
                                          f"(SELECT count(*) FROM {table}) AS w").to_pylist()[0]
        return row["p"], row["w"]

    assert counts(one) == (2, 0)
    views = len(registered)
    assert views == len(set(registered)) and table in registered  # every table once
    assert counts(one) == (2, 0) and len(registered) == views  # the same snapshot: nothing registered again
    assert counts(two) == (3, 0) and len(registered) == 2 * views
    assert counts(one) == (2, 0) and len(registered) == 3 * views
    # an export (a workflow file written, then replaced) is read by the next query
    path = one.workflow_file(table)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(rows(1), path)
    assert counts(one) == (2, 1)
    pq.write_table(rows(2), path.with_suffix(".tmp"))
    path.with_suffix(".tmp").replace(path)
    assert counts(one) == (2, 2) and len(registered) == 5 * views


@pytest.mark.spark
def test_spark_reads_a_snapshot_written_with_float_amounts_as_duckdb_does(tmp_path, spark):
    """A snapshot written before amounts were exact stores them as ``float64``: Spark reads its parts to the fen, as
    DuckDB's views do (its sums identical, exact)."""
    from tests.corpus.helpers import as_float64_amounts
    from zhichan.corpus.testing import build_snapshot, event, patent
    from zhichan.indicators.engines import DuckDBEngine, SparkEngine

    right = patent("CN202010000001", region_code="510107")
    snapshot = build_snapshot(tmp_path, patents=[right], events=[
        event(right["application_number"], "pledge", f"2024-0{i + 1}-01", party_to=f"银行{i}", amount_yuan=Decimal(a))
        for i, a in enumerate(("0.10", "0.20", "12345678901.23"))])
    as_float64_amounts(snapshot.path)
    sql = "SELECT sum(amount_yuan) AS total, min(amount_yuan) AS least FROM events"
    expected = {"total": Decimal("12345678901.53"), "least": Decimal("0.10")}
    assert DuckDBEngine(snapshot).query(sql).to_pylist() == [expected]
    assert SparkEngine(snapshot).query(sql).to_pylist() == [expected]


def test_duckdb_readers_share_a_snapshots_views_and_follow_snapshot_and_export(tmp_path, monkeypatch):
    """The DuckDB engine's connections are cursors of one connection per snapshot and workflow export, its views
    made once (binding every table's files cost ~80 CPU-ms a connection); a reader's temporary tables are its own;
    a switch of snapshot or a new export is read by the next reader; offline and quiet like every connection."""
    import pyarrow.parquet as pq

    from zhichan.corpus import store
    from zhichan.corpus.testing import build_snapshot, patent
    from zhichan.figures import workflow_tables
    from zhichan.indicators.engines import DuckDBEngine

    made: list[str] = []
    register = store.Snapshot.register

    def spy(self, con):  # type: ignore[no-untyped-def]
        made.append(self.id)
        return register(self, con)

    monkeypatch.setattr(store.Snapshot, "register", spy)
    one = build_snapshot(tmp_path / "one", patents=[patent() for _ in range(2)])
    two = build_snapshot(tmp_path / "two", patents=[patent() for _ in range(3)])
    table, declared = next(iter(workflow_tables().items()))

    def counts(snapshot):  # type: ignore[no-untyped-def]
        engine = DuckDBEngine(snapshot)
        try:
            row = engine.query(f"SELECT (SELECT count(*) FROM patents) AS p, (SELECT count(*) FROM {table}) AS w")
        finally:
            engine.close()
        return row.to_pylist()[0]["p"], row.to_pylist()[0]["w"]

    assert counts(one) == (2, 0) and counts(one) == (2, 0) and made == [one.id]
    assert counts(two) == (3, 0) and counts(one) == (2, 0) and made == [one.id, two.id]
    path = one.workflow_file(table)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(declared.schema.empty_table(), path)
    assert counts(one) == (2, 0) and len(made) == 3  # an export: new views
    first, second = one.reader(), one.reader()
    try:
        first.execute("CREATE TEMP TABLE mine AS SELECT 1 AS x")
        with pytest.raises(duckdb.CatalogException):
            second.execute("SELECT * FROM mine")
        assert dict(second.sql("SELECT name, value FROM duckdb_settings() WHERE name IN "
                               "('enable_progress_bar', 'autoinstall_known_extensions')").fetchall()) \
            == {"enable_progress_bar": "false", "autoinstall_known_extensions": "false"}
    finally:
        first.close()
        second.close()
    assert len(made) == 3
