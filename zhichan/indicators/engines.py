"""Analytics engines behind one small interface: run DuckDB-dialect SQL on a snapshot, get Arrow.

- :class:`DuckDBEngine` (default): the snapshot's Parquet through DuckDB views.
- :class:`SparkEngine`: the same SQL transpiled by SQLGlot to Spark SQL, run by PySpark over the
  snapshot's Parquet (``local[2]`` unless the ``spark_master`` setting names a cluster).

Indicator logic lives only in the SQL; an engine translates the dialect and nothing else.
"""

from __future__ import annotations

import os
import sys
import threading
import weakref
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from zhichan.corpus.rights import term_compensations
from zhichan.corpus.schema import TABLES, money_columns
from zhichan.errors import InputError, MissingDependency
from zhichan.figures import workflow_tables
from zhichan.settings import get_settings

if TYPE_CHECKING:
    from zhichan.corpus.store import Snapshot

ENGINES = ("duckdb", "spark")


def to_spark_sql(duckdb_sql: str) -> str:
    """DuckDB dialect → Spark SQL (``array_length`` → ``SIZE``, ``DATE 'x'`` → ``CAST``, …).
    SQLGlot is imported here: only the Spark engine needs it."""
    import sqlglot

    return sqlglot.transpile(duckdb_sql, read="duckdb", write="spark", pretty=True, comments=False)[0]


class Engine(Protocol):
    name: str

    def query(self, sql: str) -> pa.Table:
        """Run DuckDB-dialect ``sql``; the result as an Arrow table."""
        ...


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, snapshot: Snapshot, threads: int | None = None) -> None:
        self.snapshot = snapshot
        self._con = snapshot.reader(threads)

    def query(self, sql: str) -> pa.Table:
        return self._con.sql(sql).to_arrow_table()

    def close(self) -> None:
        self._con.close()


@cache
def spark_session(master: str | None = None) -> Any:
    """One SparkSession per process (start-up costs ~6 s), configured by the settings
    ``spark_master``, ``spark_shuffle_partitions`` and ``spark_driver_memory``."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:  # pragma: no cover - depends on the installation
        raise MissingDependency("Apache Spark (pyspark)", "pip install 'zhichan[spark]'") from None
    settings = get_settings()
    master = master or settings.spark_master
    # Spark's Python workers: this interpreter (its virtual environment has pyarrow), unless set
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName("zhichan-indicators")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(settings.spark_shuffle_partitions))
        .config("spark.driver.memory", settings.spark_driver_memory)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.log.level", "ERROR")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


#: per SparkSession, what its temporary views point at (:meth:`~zhichan.corpus.store.Snapshot.views_key`); one lock serializes a
#: session's queries, since the views are the session's, not the engine's
_VIEWS: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = weakref.WeakKeyDictionary()
_VIEWS_LOCK = threading.Lock()


class SparkEngine:
    name = "spark"

    def __init__(self, snapshot: Snapshot, master: str | None = None) -> None:
        self.snapshot = snapshot
        self.spark = spark_session(master)

    def _register(self) -> None:
        """Point the session's temporary views at this snapshot, unless they already do: registering
        the tables (a file listing each) used to cost as much as a small query, on every query."""
        key = self.snapshot.views_key()
        if _VIEWS.get(self.spark) == key:
            return
        _VIEWS.pop(self.spark, None)  # half-registered views are nobody's
        for table in TABLES:
            self._read_table(table).createOrReplaceTempView(table)
        compensations = term_compensations(self.snapshot)  # as DuckDB's view: the same rows, computed once
        rows = list(zip(*(compensations.column(c).to_pylist() for c in compensations.column_names), strict=True))
        self.spark.createDataFrame(rows, _spark_schema_of(compensations.schema)).createOrReplaceTempView("term_compensations")
        for table, declared in workflow_tables().items():
            schema = _spark_schema_of(declared.schema)
            path = self.snapshot.workflow_file(table)
            df = self.spark.read.schema(schema).parquet(str(path)) if path.exists() else self.spark.createDataFrame([], schema)
            df.createOrReplaceTempView(table)
        _VIEWS[self.spark] = key

    def _read_table(self, table: str) -> Any:
        """``table``'s part files in the canonical types. A part written before amounts were exact holds them as
        ``float64`` (a snapshot may mix both: docs/corpus.md): those parts are read as such and their amounts
        rounded to the fen as DuckDB's view rounds them (the value × 100, ties away from zero —
        ``zhichan.corpus.schema.MONEY_SQL``)."""
        import pyarrow.parquet as pq

        schema = _spark_schema(table)
        money = money_columns(table)
        files = self.snapshot.files(table)
        legacy = [f for f in files if money and any(pa.types.is_floating(pq.read_schema(f).field(c).type) for c in money)]
        if not legacy:
            return self.spark.read.schema(schema).parquet(self.snapshot.parquet_glob(table))
        from pyspark.sql import functions as F
        from pyspark.sql import types as T

        stored = T.StructType([T.StructField(f.name, T.DoubleType() if f.name in money else f.dataType, True)
                               for f in schema.fields])
        old = self.spark.read.schema(stored).parquet(*map(str, legacy)).select(*[
            F.expr(f"CAST(round({name} * 100) / 100 AS DECIMAL(18, 2))").alias(name) if name in money else F.col(name)
            for name in schema.names])
        current = [str(f) for f in files if f not in legacy]
        return old.unionByName(self.spark.read.schema(schema).parquet(*current)) if current else old

    def query(self, sql: str) -> pa.Table:
        with _VIEWS_LOCK:
            self._register()
            return self.spark.sql(to_spark_sql(sql)).toArrow()

    def close(self) -> None:
        """The session is shared by the process and stays up."""


@cache
def _spark_schema(table: str) -> Any:
    """The canonical Arrow schema as a Spark schema (so empty tables and all-null columns read alike)."""
    return _spark_schema_of(TABLES[table][0])


def _spark_schema_of(schema: pa.Schema) -> Any:
    from pyspark.sql import types as T

    def convert(t: pa.DataType) -> Any:
        if pa.types.is_string(t) or pa.types.is_large_string(t):
            return T.StringType()
        if pa.types.is_boolean(t):
            return T.BooleanType()
        if pa.types.is_date32(t):
            return T.DateType()
        if pa.types.is_int8(t):
            return T.ByteType()
        if pa.types.is_int16(t):
            return T.ShortType()
        if pa.types.is_int32(t):
            return T.IntegerType()
        if pa.types.is_int64(t):
            return T.LongType()
        if pa.types.is_floating(t):
            return T.DoubleType()
        if pa.types.is_decimal(t):  # money columns (decimal128(18, 2)): exact on both engines
            return T.DecimalType(t.precision, t.scale)
        if pa.types.is_list(t):
            return T.ArrayType(convert(t.value_type))
        raise TypeError(f"no Spark type for {t}")

    return T.StructType([T.StructField(f.name, convert(f.type), True) for f in schema])


def open_engine(snapshot: Snapshot, engine: str = "duckdb") -> DuckDBEngine | SparkEngine:
    if engine == "duckdb":
        return DuckDBEngine(snapshot)
    if engine == "spark":
        return SparkEngine(snapshot)
    raise InputError(f"未知计算引擎：{engine}（可选 duckdb、spark） / unknown engine {engine}: use duckdb or spark")


def plain(value: Any) -> Any:
    """Arrow scalars from either engine as plain Python numbers, once an indicator's records are summed exactly: money
    (DECIMAL(18, 2) summed: DuckDB's DECIMAL(38, 2), Spark's DECIMAL(28, 2)) stays a ``Decimal`` to the fen; a sum of
    whole numbers (days) that DuckDB returns as a DECIMAL(38, 0) (its HUGEINT) is an ``int``, as Spark's ``bigint``
    is, so both engines give the same types."""
    if isinstance(value, Decimal) and value.as_tuple().exponent == 0:
        return int(value)
    return value
