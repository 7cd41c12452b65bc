"""The synthetic corpus generator: contract, determinism, validity of what it writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from stdnum.cn import uscc

from zhichan.corpus.generator import generate
from zhichan.corpus.records import content_hash, finalize_patent, finalize_record
from zhichan.corpus.schema import IMPORTED_TABLES, TABLES
from zhichan.corpus.store import CorpusStore
from zhichan.corpus.validate import normalize_application_number
from zhichan.errors import InputError

N = 3_000


def _hashes(snapshot, table: str) -> list[str]:
    con = snapshot.connect()
    key = TABLES[table][1][0]
    return [r[0] for r in con.execute(f"SELECT content_hash FROM {table} ORDER BY {key}").fetchall()]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("gen")
    return generate(N, 7, store=CorpusStore(Path(root) / "corpus"))


def test_contract_counts_and_labels(small):
    counts = small.counts
    assert counts["patents"] == N
    assert counts["events"] > 0
    assert counts["trademarks"] >= N // 2
    assert counts["copyrights"] == round(N * 0.25)
    assert counts["geographical_indications"] >= 40
    con = small.connect()
    for table in IMPORTED_TABLES:
        row = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE synthetic AND source = 'synthetic' "
            f"AND import_id = 'synthetic-seed7-n{N}') FROM {table}"
        ).fetchone()
        assert row[0] == row[1], table
    assert small.synthetic
    generator = small.manifest["import"]["generator"]
    assert {k: generator[k] for k in ("n_patents", "seed", "as_of", "chunk_rows")} == {
        "n_patents": N, "seed": 7, "as_of": "2025-12-31", "chunk_rows": 25_000}
    assert 1e-5 < generator["scale"] < 1e-3  # 3,000 records stand for the ~56M national ones


def test_same_seed_same_content(small, tmp_path: Path):
    again = generate(N, 7, store=CorpusStore(tmp_path / "corpus"))
    for table in IMPORTED_TABLES:
        assert _hashes(again, table) == _hashes(small, table), table


def test_other_seed_other_content(small, tmp_path: Path):
    other = generate(N, 8, store=CorpusStore(tmp_path / "corpus"))
    assert set(_hashes(other, "patents")).isdisjoint(_hashes(small, "patents"))


def test_identities_unique_and_valid(small):
    con = small.connect()
    for table in IMPORTED_TABLES:
        key = TABLES[table][1][0]
        dup = con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchone()[0]
        assert dup == 0, table
    numbers = [r[0] for r in con.execute("SELECT application_number FROM patents").fetchall()]
    assert all(normalize_application_number(x) == x for x in numbers)
    codes = [r[0] for r in con.execute(
        "SELECT DISTINCT u FROM (SELECT unnest(applicant_uscc) AS u FROM patents) WHERE u <> ''").fetchall()]
    assert len(codes) > 50
    assert all(uscc.is_valid(c) for c in codes)
    # region digits of the code (positions 3-8) are the first applicant's county, also once the patent was sold
    rows = con.execute(
        "SELECT applicant_uscc[1], region_code, transfer_count FROM patents WHERE applicant_uscc[1] <> ''"
    ).fetchall()
    assert any(sold for _, _, sold in rows) and all(code[2:8] == region for code, region, _ in rows)


def test_records_equal_what_finalize_derives(small):
    """Derived columns and content hashes are those of zhichan.corpus.records (sampled rows)."""
    con = small.connect()
    cur = con.execute("SELECT * FROM patents USING SAMPLE 200 ROWS (reservoir, 1)")
    names = [d[0] for d in cur.description]
    for values in cur.fetchall():
        row = dict(zip(names, values, strict=True))
        stored_hash = row["content_hash"]
        again = finalize_patent({k: v for k, v in row.items() if k not in ("content_hash", "sei_codes", "tech_field",
                                                                           "ipc_subclasses", "status_group")})
        for field in ("sei_codes", "tech_field", "ipc_subclasses", "status_group", "first_patentee_key", "city_code",
                      "province_code", "is_domestic"):
            assert again[field] == row[field], field
        assert again["content_hash"] == stored_hash
    for table in ("events", "trademarks", "copyrights", "geographical_indications"):
        cur = con.execute(f"SELECT * FROM {table} USING SAMPLE 50 ROWS (reservoir, 1)")
        names = [d[0] for d in cur.description]
        for values in cur.fetchall():
            row = dict(zip(names, values, strict=True))
            assert finalize_record(table, {k: v for k, v in row.items() if k != "content_hash"})["content_hash"] == \
                row["content_hash"], table
            assert content_hash(table, row) == row["content_hash"]


def test_dates_are_consistent_and_not_after_as_of(small):
    con = small.connect()
    bad = con.execute("""
        SELECT count(*) FROM patents WHERE
            application_date > DATE '2025-12-31' OR publication_date > DATE '2025-12-31'
            OR grant_date > DATE '2025-12-31' OR lapse_date > DATE '2025-12-31'
            OR legal_status_date > DATE '2025-12-31'
            OR publication_date < application_date OR grant_date < application_date
            OR lapse_date < coalesce(grant_date, application_date)
            OR (status_group = 'valid' AND (grant_date IS NULL OR lapse_date IS NOT NULL))
            OR (legal_status = 'expired' AND lapse_date <> application_date + CASE kind
                  WHEN 'invention' THEN INTERVAL 20 YEAR WHEN 'utility_model' THEN INTERVAL 10 YEAR
                  ELSE CASE WHEN application_date >= DATE '2021-06-01' THEN INTERVAL 15 YEAR ELSE INTERVAL 10 YEAR END END)
    """).fetchone()[0]
    assert bad == 0
    assert con.execute("SELECT count(*) FROM events WHERE event_date > DATE '2025-12-31'").fetchone()[0] == 0
    orphans = con.execute(
        "SELECT count(*) FROM events e ANTI JOIN patents p USING (application_number)").fetchone()[0]
    assert orphans == 0


def test_as_of_moves_the_status(tmp_path: Path):
    snap = generate(500, 3, store=CorpusStore(tmp_path / "corpus"), as_of=dt.date(2015, 12, 31))
    con = snap.connect()
    latest = con.execute("SELECT max(application_date), max(grant_date), max(lapse_date) FROM patents").fetchone()
    assert all(d <= dt.date(2015, 12, 31) for d in latest)
    assert con.execute("SELECT max(event_date) FROM events").fetchone()[0] <= dt.date(2015, 12, 31)


def test_progress_and_bad_arguments(tmp_path: Path):
    seen: list[tuple[int, int | None]] = []
    generate(200, 1, store=CorpusStore(tmp_path / "corpus"), progress=lambda d, t: seen.append((d, t)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    for bad in (0, -5, 10_000_001):
        with pytest.raises(InputError):
            generate(bad, 1, store=CorpusStore(tmp_path / "corpus2"))


def test_worker_processes_do_not_change_the_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Chunks and the other tables' batches drawn in spawned worker processes equal those drawn
    in-process (small chunks and batches here)."""
    from zhichan.corpus.generator import others, service

    monkeypatch.setattr(service, "CHUNK_ROWS", 700)
    monkeypatch.setattr(others, "BATCH", 300)
    one = generate(2_000, 5, store=CorpusStore(tmp_path / "one"), workers=1)
    two = generate(2_000, 5, store=CorpusStore(tmp_path / "two"), workers=2)
    for table in ("patents", "events", "trademarks", "copyrights", "geographical_indications"):
        assert _hashes(one, table) == _hashes(two, table), table
    assert one.counts["trademarks"] > 2 * 300
    assert len(set(_hashes(one, "patents"))) == 2_000


def test_every_record_is_placed_where_an_import_of_its_address_places_it(small):
    """An import of the real export places a patent by its 申请人地址 (and 国省代码), the applicant's as filed — also
    after a transfer (the holders now are 当前权利人, with no address). The generator gave a sold patent its buyer's
    county while its address stayed the applicant's, so an import of the same record moved it to another county (of
    3,000 patents of seed 7, the sold domestic ones: their county by the generator, the applicant's by an import)."""
    from zhichan.corpus.importing import _resolve_regions

    rows = small.connect().execute(
        "SELECT applicant_address, province_code, is_domestic, region_code, transfer_count FROM patents").fetchall()
    records = [{"applicant_address": a, "province_code": p, "is_domestic": d} for a, p, d, _, _ in rows]
    _resolve_regions(records, {})
    resolved = [(r.get("region_code"), region, sold) for r, (_, _, _, region, sold) in zip(records, rows, strict=True)]
    assert sum(1 for _, region, sold in resolved if sold and region) > 20  # sold domestic records among them
    assert [a for a, _, _ in resolved] == [b for _, b, _ in resolved]


def test_every_county_of_the_demo_city_holds_valid_inventions_whatever_the_size(tmp_path: Path):
    """The demo city's counties each hold calibration.DISTRICT_FLOOR_INVENTIONS valid inventions of an enterprise of the
    county, one filed over ten years before (high-value), never sold — at 2,000 patents, where its 20 counties otherwise
    hold valid inventions in 1 (510116) — and the floor's enterprises are no applicant of the national mix."""
    from zhichan.platform.orgs import DEMO_CITY
    from zhichan.reference import children

    snapshot = generate(2_000, 20261121, store=CorpusStore(tmp_path / "corpus"))
    counties = [c for c in children(DEMO_CITY) if len(c) == 6]
    assert len(counties) == 20
    held = dict(((region, over10), (n, holders)) for region, over10, n, holders in snapshot.connect().execute("""
        SELECT region_code, application_date < DATE '2015-12-31', count(*), count(DISTINCT first_patentee) FROM patents
        WHERE kind = 'invention' AND legal_status = 'granted' AND is_domestic AND transfer_count = 0
          AND first_patentee_type = 'enterprise' AND city_code = ?
        GROUP BY 1, 2""", [DEMO_CITY[:4]]).fetchall())
    assert all(held.get((c, True), (0, 0))[0] >= 1 and held.get((c, False), (0, 0))[0] >= 1 for c in counties), held



def test_a_foreign_applicants_record_has_no_mainland_region(small):
    """An export names the applicant (国省代码 美国(US), 申请人地址 abroad) and an import resolves no county for a
    foreign or 港澳台 one; the generator gave a foreign patent sold to a domestic enterprise that enterprise's county,
    so ``HV=是 AND RC=5101`` found 13 where the cockpit, counting domestic patents only, said 12."""
    con = small.connect()
    foreign, placed, sold_home = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE region_code IS NOT NULL OR city_code IS NOT NULL "
        "OR province_code IS NOT NULL), count(*) FILTER (WHERE transfer_count > 0 AND first_patentee <> applicants[1]) "
        "FROM patents WHERE NOT is_domestic").fetchall()[0]
    assert foreign > 50 and sold_home > 0 and placed == 0
    assert con.execute("SELECT count(*) FROM patents WHERE is_domestic AND region_code IS NULL").fetchall() == [(0,)]

def test_columnwise_hash_equals_the_record_hash_on_escapes_nulls_and_empty_lists():
    """The generator's column-wise hash (Arrow fragments, escapes found on the UTF-8 bytes) is
    content_hash() for values JSON escapes, nulls, empty and null lists and amounts (decimals)."""
    import datetime as dt
    from decimal import Decimal

    import pyarrow as pa

    from zhichan.corpus.generator.rows import build_table
    from zhichan.corpus.schema import EVENTS

    values = ['say "hi"', "a\\b", "line\nbreak", "tab\there", "\x01ctrl", "普通文字", "", None]
    n = len(values)
    columns = {
        "application_number": [f"CN2020100{i:05d}.0" for i in range(n)],
        "event_type": ["licence"] * n,
        "event_date": pa.array([dt.date(2024, 1, 1 + i) if i % 3 else None for i in range(n)], pa.date32()),
        "amount_yuan": [None, *(Decimal(a) for a in ("1.5", "100000", "9999999999999999.99", "0.1")), None,
                        Decimal("3.00"), Decimal("7.25")],
        "party_from": values,
        "party_to": list(reversed(values)),
        "detail": pa.array(values, pa.string()),
        "event_id": [str(i) for i in range(n)],
    }
    table = build_table(EVENTS, columns, n, "imp", "2025-12-31")
    for row in table.to_pylist():
        assert content_hash("events", row) == row["content_hash"]
    lists = [["a\"b", "c"], [], None, ["普通", "x\ny"], ["plain"], [""], ["\\"], []]
    from zhichan.corpus.generator.rows import content_hashes
    from zhichan.corpus.records import PROVENANCE_FIELDS
    from zhichan.corpus.schema import PATENTS

    arrays = {f.name: pa.nulls(n, f.type) for f in PATENTS if f.name not in PROVENANCE_FIELDS}
    arrays["applicants"] = pa.array(lists, pa.list_(pa.string()))
    arrays["title"] = pa.array(values, pa.string())
    arrays["is_domestic"] = pa.array([True, False, None, True, False, True, None, False])
    arrays["claim_count"] = pa.array([1, None, 0, -3, 20, 5, 6, 7], pa.int32())
    hashes = content_hashes(PATENTS, arrays, n).to_pylist()
    for i in range(n):
        record = {name: arr[i].as_py() for name, arr in arrays.items()}
        assert content_hash("patents", record) == hashes[i], i


def test_no_transfer_or_licence_goes_to_its_own_source(small):
    """A transfer's assignee and a licence's licensee differ from the party they come from, names compared as the
    subsidy measure and a right's first patentee compare them (``normalize_name``): the 20,000-patent demo held 16
    transfers and 4 licences from a party to itself (seed 7 at 3,000 patents: some of each)."""
    from zhichan.corpus.parties import normalize_name

    con = small.connect()
    rows = con.execute("SELECT event_type, party_from, party_to FROM events WHERE event_type IN ('transfer', 'licence')"
                       ).fetchall()
    kinds = {kind for kind, _, _ in rows}
    assert kinds == {"transfer", "licence"} and all(a and b for _, a, b in rows)
    assert [r for r in rows if normalize_name(r[1]) == normalize_name(r[2])] == []
