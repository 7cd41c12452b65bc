"""A text search's listings (SQLite and PostgreSQL): the visible listings walked newest first until the page is
full, the remaining hits looked up by asset number once the walk has gone far enough — the same pages as
the straightforward filter in Python, and a total that is exact or marked as estimated."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from tests.exchange.conftest import Exchange
from tests.exchange.helpers import moment
from tests.procedures.helpers import World, build_world
from zhichan.evidence.keys import SigningKey
from zhichan.exchange import listings
from zhichan.exchange.listings import create_listing, list_listings, withdraw_listing
from zhichan.exchange.models import Listing
from zhichan.exchange.openlicence import TextHits
from zhichan.exchange.scope import manages
from zhichan.platform import inlists
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import create_org
from zhichan.platform.scope import Scope


@pytest.mark.parametrize("path", ["lookup", "walk"])
def test_listing_search_paths_agree(exchange: Exchange, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ex = exchange
    names = ["ok", "resumed", "expired_exclusive", "ordinary_licensed", "coowned"]
    with session_scope(ex.world.engine) as s:
        ids = [create_listing(s, ex.world.scope("ent_user"), ex.snapshot, asset_kind="patent", number=ex.numbers[n],
                              mode="sale", price="", description="", pledgee_consent=False, now=moment()).id
               for n in names]
        withdraw_listing(s, ex.world.scope("ent_user"), ids[1])  # not active: never found by the public
    if path == "lookup":  # one listing walked per hit, then the hits by number, two per statement
        monkeypatch.setattr(listings, "WALK_PER_HIT", 1)
        monkeypatch.setattr(inlists, "IN_LIST_SIZE", 2)
    else:  # walked in pages of two listings
        monkeypatch.setattr(listings, "SCAN_PAGE", 2)
    hits = {ex.numbers[n] for n in names} | {"CN209900000001.1"}
    with session_scope(ex.world.engine) as s:
        found = list_listings(s, Scope.anonymous(), hits=hits)
        assert [r.id for r in found.rows] == [ids[4], ids[3], ids[2], ids[0]]
        assert (found.total, found.estimated, found.has_next) == (4, False, False)
        first = list_listings(s, Scope.anonymous(), hits=hits, per_page=2)
        assert [r.id for r in first.rows] == [ids[4], ids[3]] and first.has_next
        second = list_listings(s, Scope.anonymous(), hits=hits, per_page=2, page=2)
        assert [r.id for r in second.rows] == [ids[2], ids[0]] and not second.has_next
        assert [r.id for r in list_listings(s, Scope.anonymous(), hits={ex.numbers["ok"]}).rows] == [ids[0]]
        empty = list_listings(s, Scope.anonymous(), hits=set())
        assert (empty.rows, empty.total, empty.estimated) == ([], 0, False)


def _random_market(engine: Engine, rng: random.Random, files: Path) -> tuple[World, list[str]]:
    """400 listings of four organizations in two areas, over 150 asset numbers (a patent listed more than
    once, in several modes), in every state; one in ten a trademark."""
    world = build_world(engine, files, SigningKey.generate())
    numbers = [f"CN2020{i:07d}.{i % 10}" for i in range(150)]
    with session_scope(engine) as s:
        home = s.scalars(select(Organization).where(Organization.name == "成都示例科技有限公司")).one()
        parents = {o.name: o for o in s.scalars(select(Organization))}
        orgs = [home, create_org(s, "锦江示例科技（合成）", OrgKind.ENTERPRISE, "510104", parents["锦江区知识产权局"],
                                 party_key="锦江示例科技（合成）"),
                create_org(s, "武侯第二科技（合成）", OrgKind.ENTERPRISE, "510107", parents["武侯区知识产权局"],
                           party_key="武侯第二科技（合成）"),
                create_org(s, "西湖示例科技（合成）", OrgKind.ENTERPRISE, "330106", parents["西湖区市场监督管理局"],
                           party_key="西湖示例科技（合成）")]
        owners = [(o.id, o.path, o.name) for o in orgs]
    start = dt.datetime(2026, 11, 1)
    rows: list[dict[str, Any]] = []
    for i in range(400):
        org_id, path, name = rng.choice(owners)
        rows.append({"asset_kind": "trademark" if rng.random() < 0.1 else "patent", "asset_number": rng.choice(numbers),
                     "title": f"合成挂牌 {i}", "mode": rng.choice(listings.MODES), "price_yuan": None, "description": "",
                     "owner": name, "ipc": "", "asset_region": "", "pledgee_consent": False,
                     "state": rng.choices(("active", "withdrawn", "concluded"), (7, 2, 1))[0], "org_id": org_id,
                     "org_path": path, "party_key": name, "user_id": None, "synthetic": True,
                     "created_at": start + dt.timedelta(minutes=i)})
    with engine.begin() as c:
        c.execute(insert(Listing), rows)
    return world, numbers


def _expected(every: list[Listing], scope: Scope, *, mine: bool, mode: str, hits: set[str]) -> list[int]:
    """The straightforward filter: every listing as a row, kept by the visibility rule row by row."""
    kept = []
    for row in every:
        if not (row.state == "active" or manages(scope, row)):
            continue
        if mine and not (scope.is_authenticated and (row.org_id == scope.org_id if scope.role == Role.ENTERPRISE_USER
                                                     else row.org_path.startswith(scope.org_path or "/"))):
            continue
        if (mode and row.mode != mode) or row.asset_kind != "patent" or row.asset_number not in hits:
            continue
        kept.append(row.id)
    return sorted(kept, reverse=True)


@pytest.mark.parametrize("chunks", ["fixed", "by rate"])
def test_listing_search_matches_python_filter(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              chunks: str) -> None:
    """Random listings, hit sets from three numbers to nearly all (a broad query), every kind of caller, with
    and without the mode and "mine" filters, three pages: the same listings as the Python filter, the same
    exact total, or an estimate flagged as one only when more listings match than the walk needed."""
    rng = random.Random(14)
    world, numbers = _random_market(engine, rng, tmp_path)
    # small pages and chunks so that every path runs: walks over several pages, walks that run out of
    # budget and look the rest up, lookups over several chunks, walks that reach the oldest listing
    if chunks == "fixed":
        monkeypatch.setattr(listings, "SCAN_PAGE", 9)
    else:  # each walk as long as the rate seen so far says, from one listing up
        monkeypatch.setattr(listings, "WALK_LEAST", 1)
    monkeypatch.setattr(inlists, "IN_LIST_SIZE", 4)
    monkeypatch.setattr(listings, "WALK_PER_HIT", 3)
    monkeypatch.setattr(listings, "ESTIMATE_SAMPLE", 20)  # fewer than the hits of a broad query
    scopes = {"public": Scope.anonymous()} | {name: world.scope(name) for name in
                                              ("ent_user", "wuhou_officer", "chengdu_officer", "sh_officer")}
    hit_sets: list[set[str] | TextHits] = [set(rng.sample(numbers, k)) for k in (3, 12)]
    hit_sets += [TextHits(sorted(rng.sample(numbers, k))) for k in (60, 140)]  # as the index gives them
    seen = {"estimated": 0, "exact": 0}
    with Session(engine) as s:
        every = list(s.scalars(select(Listing)))
        for scope_name, scope in scopes.items():
            for hits in hit_sets:
                for mine in (False, True):
                    for mode in ("", "sale"):
                        expected = _expected(every, scope, mine=mine, mode=mode, hits=hits)
                        for page in (1, 2, 3):
                            found = list_listings(s, scope, mine=mine, mode=mode, hits=hits, page=page, per_page=7)
                            what = (scope_name, len(hits), mine, mode, page)
                            assert [r.id for r in found.rows] == expected[(page - 1) * 7:page * 7], what
                            assert found.has_next == (len(expected) > page * 7), what
                            if found.estimated:
                                seen["estimated"] += 1
                                # the walk stopped with the page and one more found: more match than that
                                assert len(expected) > page * 7 and page * 7 < found.total, what
                            else:
                                seen["exact"] += 1
                                assert found.total == len(expected), what
    assert seen["estimated"] and seen["exact"]


def test_plain_list_pages_and_total(engine: Engine, tmp_path: Path) -> None:
    """Without a query: every visible listing, newest first, in pages, with the exact total."""
    world, _ = _random_market(engine, random.Random(5), tmp_path)
    with Session(engine) as s:
        every = list(s.scalars(select(Listing)))
        for name in ("ent_user", "chengdu_officer"):
            scope = world.scope(name)
            expected = sorted((r.id for r in every if r.state == "active" or manages(scope, r)), reverse=True)
            for page in (1, 2, 5):
                found = list_listings(s, scope, page=page, per_page=80)
                assert [r.id for r in found.rows] == expected[(page - 1) * 80:page * 80]
                assert (found.total, found.estimated, found.has_next) == (len(expected), False,
                                                                          len(expected) > page * 80)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_public_pages_read_indexes_only(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's plan for every statement of the public list and of a public search, broad (walked) and narrow
    (looked up): the walk and the list's page of ids read the walk index in id order (before it, SQLite sorted
    every active listing to find the newest), a lookup — of the hits, or of the sample a broad search's total is
    estimated from — reads the number index (not the walk index, which covers it too), the list's count an
    index of the states, the page's rows come by primary key — nothing scans the table or sorts."""
    _random_market(engine, random.Random(7), tmp_path)
    monkeypatch.setattr(listings, "SCAN_PAGE", 50)  # the walk stops before the oldest: the total is estimated
    monkeypatch.setattr(listings, "ESTIMATE_SAMPLE", 20)  # from a sample of the hits
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        statements.append((statement, parameters))

    def plans(s: Session) -> list[str]:
        ran = list(statements)
        done = [" | ".join(r[-1] for r in s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all())
                for sql, params in ran]
        statements.clear()
        return done

    with Session(engine) as s:
        numbers = sorted(set(s.scalars(select(Listing.asset_number))))
        event.listen(engine, "before_cursor_execute", record)
        try:
            broad = list_listings(s, Scope.anonymous(), hits=set(numbers), per_page=5)
            walked = plans(s)
            narrow = list_listings(s, Scope.anonymous(), hits=set(numbers[:2]), per_page=5)
            looked_up = plans(s)
            listed = list_listings(s, Scope.anonymous(), per_page=5)
            plain = plans(s)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert broad.estimated and len(broad.rows) == 5 and not narrow.estimated and len(listed.rows) == 5
    # the walk, the sample's lookup, the rows | one walk, the lookup, the rows | the page of ids, the count, the rows
    assert len(walked) == 3 and len(looked_up) == 3 and len(plain) == 3, (walked, looked_up, plain)
    for plan in (walked[0], looked_up[0], plain[0]):
        assert "COVERING INDEX ix_exchange_listings_walk" in plan, plan
    for plan in (walked[1], looked_up[1]):
        assert "COVERING INDEX ix_exchange_listings_number_state" in plan, plan
    assert "COVERING INDEX" in plain[1] and "(state=?)" in plain[1], plain  # the count: an index of the states
    for plan in walked + looked_up + plain:
        assert "TEMP B-TREE" not in plan and "SCAN exchange_listings" not in plan, plan
