"""Small hand-made corpora for tests: build records with sensible defaults, write a snapshot.

    from zhichan.corpus.testing import patent, event, build_snapshot
    snap = build_snapshot(tmp_path, patents=[patent("CN202110000001.X", kind="invention", ...)])
    con = snap.connect()

Application numbers given without a check character get a valid one computed.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import hashlib
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa

from zhichan.corpus.records import finalize_patent, finalize_record
from zhichan.corpus.schema import TABLES
from zhichan.corpus.store import CorpusStore, Snapshot
from zhichan.corpus.validate import application_number_with_check

_PROVENANCE = {"source": "test", "import_id": "test", "synthetic": False}


def _date(value: Any) -> Any:
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value)
    return value


def patent(application_number: str | None = None, **fields: Any) -> dict[str, Any]:
    """A finalized patent record. Dates may be ISO strings. Defaults: a granted invention in 成都市武侯区."""
    serial = fields.pop("serial", None)
    if application_number is None:
        year = _date(fields.get("application_date") or "2020-01-01").year
        application_number = f"{year}1{(serial or 0):07d}"
    if "." not in application_number:
        application_number = application_number_with_check(application_number.removeprefix("CN"))
    record: dict[str, Any] = {
        "application_number": application_number,
        "kind": "invention",
        "application_date": "2020-01-01",
        "legal_status": "granted",
        "grant_date": None,
        "title": "一种锂离子电池负极材料及其制备方法",
        "abstract": "本发明公开了一种锂离子电池负极材料。",
        "ipc": ["H01M4/13"],
        "applicants": ["成都示例科技有限公司"],
        "applicant_types": ["enterprise"],
        "region_code": "510107",
        "inventors": ["张三"],
        **_PROVENANCE,
    }
    record.update(fields)
    if record["legal_status"] == "granted" and record["grant_date"] is None and "grant_date" not in fields:
        record["grant_date"] = _date(record["application_date"]) + dt.timedelta(days=730)
    for key, value in list(record.items()):
        if key.endswith("_date"):
            record[key] = _date(value)
    return finalize_patent(record)


def record(table: str, **fields: Any) -> dict[str, Any]:
    """A finalized record of any other table (events, trademarks, …)."""
    data = {**_PROVENANCE, **fields}
    for key, value in list(data.items()):
        if key.endswith("_date"):
            data[key] = _date(value)
    return finalize_record(table, data)


def event(application_number: str, event_type: str, event_date: str | dt.date, **fields: Any) -> dict[str, Any]:
    return record("events", application_number=application_number, event_type=event_type,
                  event_date=event_date, **fields)


def build_snapshot(root: Path, **tables: list[dict[str, Any]]) -> Snapshot:
    """Write the given tables (lists of finalized records) as the current snapshot under ``root``.

    Many tests build the same small corpus in a fresh folder of their own: the first build of given
    tables in a process is kept, and the next one into a folder without a corpus is a copy of its files
    (a snapshot costs ~0.3 CPU-s to write: Parquet, key index, parties, manifest, fsync). A folder
    that holds a corpus already gets a new snapshot on top, written as always."""
    corpus = Path(root) / "corpus"
    key = None
    if not corpus.exists():
        key = hashlib.sha256(pickle.dumps(sorted(tables.items()), protocol=5)).hexdigest()
        cached = _built().get(key)
        if cached is not None:
            shutil.copytree(cached, corpus)
            return CorpusStore(corpus).current()
    store = CorpusStore(corpus)
    with store.writer(carry_over=False) as writer:
        for name, rows in tables.items():
            schema = TABLES[name][0]
            if rows:
                writer.write(name, pa.Table.from_pylist(rows, schema=schema))
        snapshot = writer.commit({"source": "test"})
    if key is not None:
        kept = Path(_cache_dir()) / key
        shutil.copytree(corpus, kept)
        _built()[key] = kept
    return snapshot


@functools.cache
def _cache_dir() -> str:
    folder = tempfile.mkdtemp(prefix="zhichan-test-corpora-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


@functools.cache
def _built() -> dict[str, Path]:
    return {}
