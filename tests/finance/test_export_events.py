"""A registered pledge reaches the corpus events through the corpus's own writing path, and the
existing 知识产权质押融资 indicators and high-value criterion 4 count it through their one definition."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.finance.helpers import BANK, PLEDGOR, World, build_world, documents
from zhichan.corpus.store import CorpusStore
from zhichan.corpus.testing import build_snapshot, patent
from zhichan.evidence.keys import SigningKey
from zhichan.finance.export import SOURCE, export_events
from zhichan.indicators import service as indicators
from zhichan.indicators.high_value import high_value_flags
from zhichan.platform.db import session_scope
from zhichan.settings import get_settings

D = dt.date
A = patent(serial=1, application_date="2016-03-01", region_code="510107")
B = patent(serial=2, application_date="2016-03-01", region_code="510107")


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> World:
    snap = build_snapshot(tmp_path, patents=[A, B])
    return build_world(engine, tmp_path / "files", SigningKey.generate(), snap)


def _values(snap, as_of):  # type: ignore[no-untyped-def]
    return {v.code: v.value for v in indicators.compute(["ip_pledge_count", "ip_pledge_amount", "high_value_pledge"],
                                                         ["510107"], as_of, snapshot=snap)}


def test_register_export_and_the_indicators_count_it(world: World, tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    store = CorpusStore(tmp_path / "corpus")
    before = store.current()
    assert _values(before, D(2026, 12, 31)) == {"ip_pledge_count": 0, "ip_pledge_amount": 0, "high_value_pledge": 0}
    case = world.apply(D(2026, 3, 2), rights=f"{A['application_number']}\n{B['application_number']}",
                       debt_amount="20000000.01", debt_end="2030-12-31")
    world.act("bank_user", case["id"], "confirm", D(2026, 3, 2), invalidation_consent="否")
    world.act("wuhou_officer", case["id"], "register", D(2026, 3, 4))
    with session_scope(world.engine) as s:
        result = export_events(s, store)
    assert result["added"] == 2 and result["snapshot_id"] == store.current_id()
    snap = store.current()
    con = snap.connect()
    try:
        rows = con.execute("SELECT application_number, event_type, event_date, amount_yuan, party_from, party_to, source "
                           "FROM events ORDER BY application_number").fetchall()
        assert con.execute("SELECT count(*) FROM patents").fetchall()[0][0] == 2  # carried over
    finally:
        con.close()
    # the debt split to the fen, the remainder to the first right, stored exact
    assert rows == [(A["application_number"], "pledge", D(2026, 3, 4), Decimal("10000000.01"), PLEDGOR, BANK, SOURCE),
                    (B["application_number"], "pledge", D(2026, 3, 4), Decimal("10000000.00"), PLEDGOR, BANK, SOURCE)]
    got = _values(snap, D(2026, 12, 31))
    assert got["ip_pledge_count"] == 2 and got["ip_pledge_amount"] == Decimal("20000000.01")
    # criterion 4 (settings: 10,000,000 yuan cumulative): both patents reach it with their share
    assert got["high_value_pledge"] == 2
    flags = {r["application_number"]: r["pledge_flag"] for r in high_value_flags(snap, D(2026, 12, 31)).to_pylist()}
    assert flags == {A["application_number"]: True, B["application_number"]: True}
    assert _values(snap, D(2026, 3, 3))["high_value_pledge"] == 0  # not before its registration

    with session_scope(world.engine) as s:  # nothing changed: no new snapshot
        assert export_events(s, store)["snapshot_id"] is None

    world.act("bank_user", case["id"], "release", D(2026, 9, 1), uploads=documents()[:1])
    with session_scope(world.engine) as s:
        result = export_events(s, store)
    assert result["added"] == 2 and result["removed"] == 0
    con = store.current().connect()
    try:
        kinds = con.execute("SELECT event_type, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall()
    finally:
        con.close()
    assert kinds == [("pledge", 2), ("pledge_release", 2)]
    # the corpus now shows the rights free again: a new pledge passes the already-pledged check
    world.apply(D(2026, 9, 2), rights=A["application_number"], debt_end="2030-12-31")


def test_the_job_runner_and_the_cli_write_the_register(world: World, tmp_path: Path, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The periodic check queues the export job only when the corpus lacks registrations; the job and
    `zhichan finance export-events` write them."""
    from typer.testing import CliRunner

    from zhichan.cli import app
    from zhichan.finance.jobs import EXPORT_KIND, register
    from zhichan.platform.jobs import Job, JobRegistry

    store = CorpusStore(tmp_path / "corpus")
    monkeypatch.setattr("zhichan.finance.export.CorpusStore", lambda: store)
    registry = JobRegistry()
    register(registry, world.engine)
    check = next(p for p in registry.periodic() if p.name == EXPORT_KIND)
    check.check(world.engine)
    with session_scope(world.engine) as s:
        assert s.query(Job).count() == 0  # nothing registered: nothing to do
    case = world.apply(D(2026, 3, 2), rights=A["application_number"], debt_end="2030-12-31")
    world.act("bank_user", case["id"], "confirm", D(2026, 3, 2), invalidation_consent="否")
    world.act("wuhou_officer", case["id"], "register", D(2026, 3, 4))
    check.check(world.engine)
    check.check(world.engine)  # queued once
    with session_scope(world.engine) as s:
        assert [j.kind for j in s.query(Job)] == [EXPORT_KIND]
    assert registry.run_one(world.engine)
    with session_scope(world.engine) as s:
        job = s.query(Job).one()
        assert job.status == "succeeded", job.message
    con = store.current().connect()
    try:
        assert con.execute("SELECT count(*) FROM events WHERE source = ?", [SOURCE]).fetchall()[0][0] == 1
    finally:
        con.close()
    world.act("wuhou_officer", case["id"], "cancel", D(2026, 4, 1), uploads=documents()[:1], ground="其他")
    monkeypatch.setenv("ZHICHAN_DATABASE_URL", str(world.engine.url.render_as_string(hide_password=False)))
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["finance", "export-events"])
    assert result.exit_code == 0, result.output
    assert "新增 1" in result.output
