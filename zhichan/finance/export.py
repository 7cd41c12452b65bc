"""Registered pledges into the corpus: each registration becomes ``events`` rows of the next snapshot.

A registered pledge is one ``pledge`` event per pledged patent (出质登记, on the registration date,
pledgor → pledgee); its end (released on repayment, cancelled, disposed of) one ``pledge_release``
event per patent. The secured amount is split evenly over the pledge's rights (to the cent, the
remainder to the first) so a region's 质押融资金额 counts each registration once. Trademarks have no
row in the corpus's patent events.

The export writes through the corpus's own path — :class:`zhichan.corpus.store.SnapshotWriter` on top of
the current snapshot, every other table carried over — and replaces the events of source
:data:`SOURCE` with the register's current set, so running it twice changes nothing (no new snapshot
when nothing changed). The 知识产权质押融资 indicators and high-value criterion 4 then count these
events through their one definition (``zhichan/indicators/sql``).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal
from typing import Any

import pyarrow as pa
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.records import PLATFORM_SOURCE_PREFIX, finalize_record
from zhichan.corpus.schema import TABLES, EventType
from zhichan.corpus.store import CorpusStore, duckdb_connect
from zhichan.finance.models import Pledge, PledgedRight

SOURCE = f"{PLATFORM_SOURCE_PREFIX}finance"
END_WORDS = {"released": "债务清偿解除", "cancelled": "注销", "disposed": "违约处置"}


def _split(amount: Decimal, parts: int) -> list[Decimal]:
    share = (amount / parts).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return [amount - share * (parts - 1)] + [share] * (parts - 1)


def register_events(session: Session) -> list[dict[str, Any]]:
    """The events rows the register stands for today (finalized canonical records)."""
    rows: list[dict[str, Any]] = []
    pledges = session.scalars(select(Pledge).where(Pledge.registered_on.is_not(None)).order_by(Pledge.id)).all()
    rights: dict[int, list[PledgedRight]] = {}
    for r in session.scalars(select(PledgedRight).join(Pledge, Pledge.id == PledgedRight.pledge_id)
                             .where(Pledge.registered_on.is_not(None)).order_by(PledgedRight.id)):
        rights.setdefault(r.pledge_id, []).append(r)
    import_id = "finance-register"
    for p in pledges:
        held = rights.get(p.id, [])
        if not held:
            continue
        shares = _split(Decimal(p.debt_amount), len(held))
        for right, share in zip(held, shares, strict=True):
            if right.kind != "patent":
                continue
            base = {"application_number": right.number, "party_from": p.pledgor, "party_to": p.pledgee,
                    "source": SOURCE, "import_id": import_id, "synthetic": bool(p.synthetic)}
            rows.append(finalize_record("events", {
                **base, "event_type": EventType.PLEDGE.value, "event_date": p.registered_on, "amount_yuan": share,
                "detail": f"质押登记 {p.registration_number}", "source_date": p.registered_on}))
            if p.ended_on is not None and p.status in END_WORDS:
                rows.append(finalize_record("events", {
                    **base, "event_type": EventType.PLEDGE_RELEASE.value, "event_date": p.ended_on, "amount_yuan": None,
                    "detail": f"质押解除（{END_WORDS[p.status]}） {p.registration_number}", "source_date": p.ended_on}))
    return rows


def _present(parent: Any, con: Any) -> set[str]:
    parent.register(con)
    return {r[0] for r in con.execute("SELECT event_id FROM events WHERE source = ?", [SOURCE]).fetchall()}


def export_pending(session: Session, store: CorpusStore | None = None) -> bool:
    """Whether the current snapshot lacks some of the register's events (or carries stale ones)."""
    store = store or CorpusStore()
    parent = store.current_or_none()
    if parent is None:
        return False
    con = duckdb_connect()
    try:
        return _present(parent, con) != {r["event_id"] for r in register_events(session)}
    finally:
        con.close()


def export_events(session: Session, store: CorpusStore | None = None) -> dict[str, Any]:
    """Write the register's events into a new snapshot when they differ from the current one's."""
    store = store or CorpusStore()
    parent = store.current_or_none()
    rows = register_events(session)
    wanted = {r["event_id"] for r in rows}
    if parent is None:
        return {"snapshot_id": None, "events": len(rows), "added": 0, "removed": 0,
                "message": "尚无语料快照 / no corpus snapshot to write into"}
    con = duckdb_connect()
    try:
        present = _present(parent, con)
        added, removed = len(wanted - present), len(present - wanted)
        if not added and not removed:
            return {"snapshot_id": None, "events": len(rows), "added": 0, "removed": 0,
                    "message": "登记簿与语料一致，未生成新快照 / the corpus already carries the register"}
        con.register("register_events", pa.Table.from_pylist(rows, schema=TABLES["events"][0]))
        columns = ", ".join(TABLES["events"][0].names)
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with store.writer() as writer:  # every other table carries over from the current snapshot
            writer.copy_query("events", con, f"""
                SELECT {columns} FROM events WHERE source <> '{SOURCE}'
                UNION ALL
                SELECT {columns} FROM register_events
                ORDER BY application_number, event_date, event_id
            """)
            record = {"import_id": f"finance-{writer.id}", "file": "质押登记簿 / pledge register", "source": SOURCE,
                      "table": "events", "started_at": started, "added": added, "updated": 0, "unchanged":
                      len(wanted) - added, "stale": 0, "rejected": 0, "removed": removed, "snapshot_id": writer.id,
                      "status": "completed", "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
            snapshot = writer.commit(record)
        store.record_import(record)
    finally:
        con.close()
    return {"snapshot_id": snapshot.id, "events": len(rows), "added": added, "removed": removed,
            "message": f"已写入新快照 {snapshot.id} / written into snapshot {snapshot.id}"}
