"""A text search's listings (SQLite and PostgreSQL): the index hits looked up by asset number, in
chunks, or — for many hits — matched walking the listings newest first; both give the newest matching
active patent listings, up to the page size."""

from __future__ import annotations

import pytest

from tests.exchange.conftest import Exchange
from tests.exchange.helpers import moment
from zhichan.exchange import listings
from zhichan.exchange.listings import create_listing, list_listings, withdraw_listing
from zhichan.platform.db import session_scope
from zhichan.platform.scope import Scope


@pytest.mark.parametrize("path", ["index", "walk"])
def test_listing_search_paths_agree(exchange: Exchange, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ex = exchange
    names = ["ok", "resumed", "expired_exclusive", "ordinary_licensed", "coowned"]
    with session_scope(ex.world.engine) as s:
        ids = [create_listing(s, ex.world.scope("ent_user"), ex.snapshot, asset_kind="patent", number=ex.numbers[n],
                              mode="sale", price="", description="", pledgee_consent=False, now=moment()).id
               for n in names]
        withdraw_listing(s, ex.world.scope("ent_user"), ids[1])  # not active: never found by the public
    if path == "index":
        monkeypatch.setattr(listings, "HITS_CHUNK", 2)  # three chunks for five hits
    else:
        monkeypatch.setattr(listings, "HITS_BY_INDEX", 1)
        monkeypatch.setattr(listings, "SCAN_PAGE", 2)  # pages of two listings
    hits = {ex.numbers[n] for n in names} | {"CN209900000001.1"}
    with session_scope(ex.world.engine) as s:
        found = [r.id for r in list_listings(s, Scope.anonymous(), hits=hits)]
        assert found == [ids[4], ids[3], ids[2], ids[0]]
        assert [r.id for r in list_listings(s, Scope.anonymous(), hits=hits, limit=2)] == [ids[4], ids[3]]
        assert [r.id for r in list_listings(s, Scope.anonymous(), hits={ex.numbers["ok"]})] == [ids[0]]
        assert list_listings(s, Scope.anonymous(), hits=set()) == []
