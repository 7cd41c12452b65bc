"""Domain figures: what a domain package contributes to the statistics, declared in its own
``figures.py`` as ``FIGURES = Figures(...)``.

- **Workflow tables**: rows of the workflow database exported to ``<data_dir>/workflow/<name>.parquet``
  by :func:`export_workflow` (the job ``procedures.export`` and ``zhichan procedures export``), which every snapshot's
  DuckDB or Spark connection reads as the table ``<name>`` (empty until the first export).
- **Relations**: readable SELECTs over those tables (and the snapshot's), in the package's
  ``sql/<name>.sql`` with the ``${as_of}``/``${period_start}`` parameters; each has a ``geo`` column
  (the region it is counted in) and a ``synthetic`` column.
- **Indicators**: :class:`~zhichan.indicators.models.IndicatorDef` over those relations, registered
  with every other indicator — one SQL definition each, on DuckDB and Spark, drill-down included.

The procedures domain is the worked example: its cases are the table ``cases``, the relation
``procedure_cases`` and the case figures of every domain (``zhichan/procedures/figures.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import importlib.util
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from zhichan.domains import DOMAIN_PACKAGES

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from zhichan.indicators.models import IndicatorDef
    from zhichan.procedures.declaration import ProcedureRegistry


@dataclass(frozen=True)
class ExportContext:
    """What an export sees: a read session on the workflow database, the procedure declarations and
    the China date of the export."""

    session: Session
    registry: ProcedureRegistry
    today: dt.date


@dataclass(frozen=True)
class WorkflowTable:
    name: str
    schema: pa.Schema
    #: the table's rows, in Arrow batches of ``schema``
    batches: Callable[[ExportContext], Iterable[pa.RecordBatch]]
    #: changes whenever the rows would (e.g. count and latest update); the export skips an unchanged table
    version: Callable[[Session], str]


@dataclass(frozen=True)
class Relation:
    name: str
    package: str  # the package whose ``sql/<name>.sql`` holds the SELECT
    #: record key (drill-down order), holder key, holder name, holder type (contributors)
    keys: tuple[str, str, str, str | None]
    drill: tuple[str, ...]  # the columns a drill-down returns
    depends: tuple[str, ...] = ()  # other relations it reads
    #: drill columns holding a coded value, with the message-catalogue prefix of its labels
    #: (``("activated_by", "exchange.dormant.by")``: ``deal`` reads ``exchange.dormant.by.deal``), or
    #: :data:`PROCEDURE_TITLE` / :data:`PROCEDURE_STATE` for a procedure's name and a case's state (the
    #: titles its declaration gives). The records page shows the label in the page's language; the JSON
    #: API and the exports keep the code.
    labels: tuple[tuple[str, str], ...] = ()
    #: drill columns whose codes the domain names itself, with the function giving a code's label in a
    #: language (``("centre", centre_label)``: ``CN-CD`` reads as the centre's name) — the records page
    #: shows it, the API and the exports keep the code, as for :attr:`labels`
    names: tuple[tuple[str, Callable[[str, str], str]], ...] = ()


#: a ``Relation.labels`` prefix: the column holds a procedure's name (``finance.pledge``), read as its
#: declaration's title
PROCEDURE_TITLE = "@procedure"
#: a ``Relation.labels`` prefix: the column holds a case's state, read as the title the declaration of the
#: row's ``procedure`` (for the row's ``geo``) gives it; a state no declaration has (``open``: not closed
#: on the as-of date) reads ``procedures.case_state.<state>``
PROCEDURE_STATE = "@procedure_state"


@dataclass(frozen=True)
class Figures:
    tables: tuple[WorkflowTable, ...] = ()
    relations: tuple[Relation, ...] = ()
    indicators: Callable[[], list[IndicatorDef]] = field(default=lambda: [])


def batches_of(rows: Iterable[Mapping[str, Any]], schema: pa.Schema, size: int = 50_000) -> Iterator[pa.RecordBatch]:
    """Rows (dicts keyed by the schema's field names) as Arrow batches of ``size``."""
    chunk: list[Mapping[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield pa.RecordBatch.from_pylist(chunk, schema=schema)
            chunk = []
    if chunk:
        yield pa.RecordBatch.from_pylist(chunk, schema=schema)


@cache
def all_figures() -> tuple[Figures, ...]:
    """The ``FIGURES`` of every domain package that has a ``figures`` module, in the packages' order."""
    found = []
    for package in DOMAIN_PACKAGES:
        if importlib.util.find_spec(f"{package}.figures") is not None:
            found.append(importlib.import_module(f"{package}.figures").FIGURES)
    return tuple(found)


def _by_name(items: Iterable[Any], what: str) -> dict[str, Any]:
    named: dict[str, Any] = {}
    for item in items:
        if item.name in named:
            raise ValueError(f"{what} {item.name!r} is declared twice")
        named[item.name] = item
    return named


@cache
def workflow_tables() -> dict[str, WorkflowTable]:
    return _by_name((t for figures in all_figures() for t in figures.tables), "workflow table")


@cache
def domain_relations() -> dict[str, Relation]:
    return _by_name((r for figures in all_figures() for r in figures.relations), "relation")


def domain_indicators() -> list[IndicatorDef]:
    """Every domain's indicators. A domain's figures count the platform's own records (its workflow tables, a
    corpus table at most refining a date: ``preexam_granted``), so their data source is the platform's: counted to
    today by default, not to the corpus's data end (docs/indicators.md, "Which date a figure is at")."""
    from dataclasses import replace

    return [replace(ind, data_source="platform") for figures in all_figures() for ind in figures.indicators()]


def export_workflow(engine: Engine, registry: ProcedureRegistry, data_dir: Path, now: dt.datetime | None = None,
                    *, if_changed: bool = False) -> list[Path]:
    """Write every workflow table to ``<data_dir>/workflow/<name>.parquet`` (each replaced atomically)
    and return the files written; ``if_changed``: skip a table whose version the last export holds.
    An export makes no new snapshot (the search index and the cockpit's caches stay valid)."""
    from zhichan.corpus.store import workflow_dir
    from zhichan.legaltime import china_date
    from zhichan.platform.db import session_scope
    from zhichan.platform.models import utcnow

    moment = now or utcnow()
    folder = workflow_dir(data_dir)
    meta = folder / "export.json"
    done: dict[str, Any] = json.loads(meta.read_text("utf-8")) if meta.exists() else {}
    written: list[Path] = []
    with session_scope(engine) as session:
        ctx = ExportContext(session, registry, china_date(moment))
        for table in workflow_tables().values():
            target = folder / f"{table.name}.parquet"
            version = table.version(session)
            # a table whose columns changed (a new release) is written again even if its rows did not
            shape = hashlib.sha256(table.schema.to_string().encode()).hexdigest()[:16]
            last = done.get(table.name, {})
            if if_changed and target.exists() and last.get("version") == version and last.get("schema") == shape:
                continue
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{table.name}-{os.getpid()}.parquet"
            with pq.ParquetWriter(tmp, table.schema, compression="zstd") as writer:
                for batch in table.batches(ctx):
                    writer.write_batch(batch)
            os.replace(tmp, target)
            done[table.name] = {"version": version, "schema": shape, "as_of": ctx.today.isoformat(),
                                "exported_at": moment.isoformat(timespec="seconds")}
            written.append(target)
    if written:
        tmp_meta = folder / f".export-{os.getpid()}.json"
        tmp_meta.write_text(json.dumps(done, ensure_ascii=False, indent=1), "utf-8")
        os.replace(tmp_meta, meta)
    return written
