"""High-value invention patents: each criterion alone, combined, and at its boundary — counts by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.indicators.conftest import D
from zhichan import reference
from zhichan.indicators import service
from zhichan.indicators.high_value import high_value_flags, high_value_flags_sql

HIGH_VALUE_AT_D = {"A_sei", "B_overseas", "C_ten_years_exactly", "E_pledge_at_threshold", "H_award",
                   "K_all_five", "P_lapsed_later_no_date", "S_two_criteria"}
VALID_NOT_HIGH_VALUE_AT_D = {"D_ten_years_minus_a_day", "F_pledge_below", "G_pledge_after", "I_award_after",
                             "J_other_award", "R_plain"}


def test_flags_of_each_patent_as_of_2023_12_31(high_value_corpus):
    snap, _ = high_value_corpus
    rows = by_title_flags(snap, D)
    # valid inventions only: lapsed (L, M), not yet granted (N), utility model (O), term over (T) are absent
    assert set(rows) == HIGH_VALUE_AT_D | VALID_NOT_HIGH_VALUE_AT_D | {"Q_foreign"}
    assert {k for k, r in rows.items() if r["is_high_value"]} == HIGH_VALUE_AT_D | {"Q_foreign"}
    assert rows["A_sei"] == flags(sei=True)
    assert rows["B_overseas"] == flags(overseas=True)
    assert rows["C_ten_years_exactly"] == flags(ten=True)
    assert rows["D_ten_years_minus_a_day"] == flags()
    assert rows["E_pledge_at_threshold"] == flags(pledge=True)  # 6,000,000 + 4,000,000 = threshold
    assert rows["F_pledge_below"] == flags()  # 9,999,999.99
    assert rows["G_pledge_after"] == flags()  # pledged 2024-01-05
    assert rows["H_award"] == flags(award=True)
    assert rows["I_award_after"] == flags()  # awarded 2024-06-01
    assert rows["J_other_award"] == flags()  # a provincial award is not criterion 5
    assert rows["K_all_five"] == flags(sei=True, overseas=True, ten=True, pledge=True, award=True)
    assert rows["S_two_criteria"] == flags(sei=True, overseas=True)
    assert rows["P_lapsed_later_no_date"] == flags(sei=True)  # lapsed 2024-03-01 per its status date


def flags(sei=False, overseas=False, ten=False, pledge=False, award=False):
    return {"sei_flag": sei, "overseas_family_flag": overseas, "maintained_10y_flag": ten, "pledge_flag": pledge,
            "award_flag": award, "is_high_value": any((sei, overseas, ten, pledge, award))}


def by_title_flags(snap, as_of):
    con = snap.connect()
    titles = dict(con.execute("SELECT application_number, split_part(title, ' ', 1) FROM patents").fetchall())
    table = high_value_flags(snap, as_of)
    return {titles[row.pop("application_number")]: row for row in table.to_pylist()}


def test_counts_written_by_hand(high_value_corpus):
    snap, _ = high_value_corpus
    got = {v.code: v.value for v in service.compute(None, ["510107"], D, snapshot=snap)}
    assert got["valid_inventions"] == 14
    assert got["high_value_inventions"] == 8
    assert got["high_value_sei"] == 4  # A K P S
    assert got["high_value_overseas_family"] == 3  # B K S
    assert got["high_value_maintained_10y"] == 2  # C K
    assert got["high_value_pledge"] == 2  # E K
    assert got["high_value_award"] == 2  # H K
    assert got["high_value_share"] == pytest.approx(100 * 8 / 14)
    people = reference.population("510107")
    # a ratio: compared with a tolerance (float division), the counts above are exact
    assert got["high_value_inventions_per_10k"] == pytest.approx(8 / (people / 10_000), rel=1e-12)
    # the foreign patent counts nowhere, not even for the nation
    nation = {v.code: v.value for v in service.compute(None, ["CN"], D, snapshot=snap)}
    assert nation["high_value_inventions"] == 8
    assert nation["valid_inventions"] == 14


def test_ten_year_anniversary_and_lapse_boundaries(high_value_corpus):
    snap, _ = high_value_corpus
    day_before = dt.date(2023, 12, 30)
    rows = by_title_flags(snap, day_before)
    assert rows["C_ten_years_exactly"]["maintained_10y_flag"] is False  # 10th anniversary is tomorrow
    assert "M_lapsed_on_the_day" in rows and rows["M_lapsed_on_the_day"]["is_high_value"]  # still valid
    assert "L_lapsed_day_before" not in rows  # lapsed on 2023-12-30: not valid at the end of that day
    got = {v.code: v.value for v in service.compute(["valid_inventions", "high_value_inventions"], ["510107"],
                                                    day_before, snapshot=snap)}
    # C drops out, M is still in
    assert got == {"valid_inventions": 15, "high_value_inventions": 8}
    # a day after the lapse of M and on C's anniversary
    rows_d = by_title_flags(snap, D)
    assert "M_lapsed_on_the_day" not in rows_d
    assert rows_d["C_ten_years_exactly"]["maintained_10y_flag"] is True


def test_leap_day_filing_reaches_ten_years_on_28_february(tmp_path):
    from tests.indicators.conftest import inv
    from zhichan.corpus.testing import build_snapshot

    snap = build_snapshot(tmp_path, patents=[inv("leap", application_date="2012-02-29")])
    assert by_title_flags(snap, dt.date(2022, 2, 27))["leap"]["maintained_10y_flag"] is False
    assert by_title_flags(snap, dt.date(2022, 2, 28))["leap"]["maintained_10y_flag"] is True


def test_pledge_threshold_is_configuration(high_value_corpus, settings, monkeypatch, capsys):
    snap, _ = high_value_corpus
    # the documented default, an amount of money (a Decimal, never a float)
    assert (settings.high_value_pledge_threshold_yuan, type(settings.high_value_pledge_threshold_yuan)) == (
        Decimal("10000000.00"), Decimal)
    from pydantic import ValidationError

    from zhichan.settings import Settings, get_settings

    # read by the platform's one money parser: grouped digits and a unit pass, anything else stops with the reason
    monkeypatch.setenv("ZHICHAN_HIGH_VALUE_PLEDGE_THRESHOLD_YUAN", "12,345,678.90 元")
    assert Settings().high_value_pledge_threshold_yuan == Decimal("12345678.90")
    for bad, reason in (("一千万", "应为金额（元）"), ("9999999.999", "最多 2 位小数"), ("-1", "应大于 0")):
        monkeypatch.setenv("ZHICHAN_HIGH_VALUE_PLEDGE_THRESHOLD_YUAN", bad)
        with pytest.raises(ValidationError, match=f"ZHICHAN_HIGH_VALUE_PLEDGE_THRESHOLD_YUAN：'{bad}' — {reason}"):
            Settings()
    # a command (zhichan serve too) stops with the variable and the reason, no traceback
    from zhichan.cli import main

    get_settings.cache_clear()
    monkeypatch.setattr("sys.argv", ["zhichan", "settings"])
    with pytest.raises(SystemExit) as stopped:
        main()
    said = " ".join(capsys.readouterr().out.split())
    assert stopped.value.code == 2 and "设置有误 / invalid setting: ZHICHAN_HIGH_VALUE_PLEDGE_THRESHOLD_YUAN：'-1' — 应大于 0" in said
    monkeypatch.setenv("ZHICHAN_HIGH_VALUE_PLEDGE_THRESHOLD_YUAN", "9999999.99")

    get_settings.cache_clear()
    rows = by_title_flags(snap, D)
    assert rows["F_pledge_below"]["pledge_flag"] is True  # now exactly at the threshold
    assert rows["G_pledge_after"]["pledge_flag"] is False
    got = {v.code: v.value for v in service.compute(["high_value_inventions"], ["510107"], D, snapshot=snap)}
    assert got["high_value_inventions"] == 9
    get_settings.cache_clear()


def test_flags_sql_is_usable_as_a_subquery(high_value_corpus):
    snap, _ = high_value_corpus
    con = snap.connect()
    sql = f"SELECT count(*) FROM patents JOIN ({high_value_flags_sql(D)}) AS hv USING (application_number) " \
          "WHERE hv.is_high_value AND patents.is_domestic"
    assert con.execute(sql).fetchone()[0] == 8


def test_drilldown_lists_exactly_the_counted_records(high_value_corpus, tmp_path):
    snap, _ = high_value_corpus
    table = service.drilldown("high_value_inventions_per_10k", "51", D, snapshot=snap)
    assert table.num_rows == 8
    assert {r["title"].split(" ")[0] for r in table.to_pylist()} == HIGH_VALUE_AT_D
    assert all(table.column("is_high_value").to_pylist())
    out = service.export_drilldown("high_value_inventions", "510107", D, tmp_path / "hv.xlsx", snapshot=snap)
    from openpyxl import load_workbook

    book = load_workbook(out, read_only=True)
    assert len(list(book["records"].iter_rows())) == 9  # header + 8
    book.close()
    csv_out = service.export_drilldown("high_value_inventions", "510107", D, tmp_path / "hv.csv", snapshot=snap)
    lines = csv_out.read_text("utf-8-sig").splitlines()
    assert len(lines) == 9 and lines[0].startswith("application_number,")


def test_a_compensated_invention_stays_valid_after_its_statutory_term(tmp_path):
    """专利法 第四十二条第二款: inventions filed 2003-05-01, their statutory term over on 2023-04-30; on 2023-12-31 those
    whose registered compensation runs past it are valid (and high-value), one compensated too briefly or with a
    compensation that cannot be read is not — counted alike on every engine (tests/indicators/test_engines.py)."""
    from tests.indicators.conftest import inv
    from zhichan.corpus.testing import build_snapshot, event
    from zhichan.indicators import levers

    rows = {name: inv(name, application_date="2003-05-01", grant_date="2008-01-01", sei_codes=["1.1"])
            for name in ("plain", "days", "until", "short", "unread")}
    details = {"days": "专利权期限补偿，补偿天数：400天", "until": "专利权期限补偿 届满日：2024-02-01",
               "short": "专利权期限补偿，补偿天数：30天", "unread": "专利权期限补偿（详见公告）"}
    snap = build_snapshot(tmp_path, patents=list(rows.values()), events=[
        event(rows[name]["application_number"], "legal_status_change", "2008-03-01", detail=detail)
        for name, detail in details.items()])
    got = {v.code: v.value for v in service.compute(["valid_inventions", "high_value_inventions"], ["510107"], D,
                                                     snapshot=snap)}
    assert (got["valid_inventions"], got["high_value_inventions"]) == (2, 2)
    assert set(by_title_flags(snap, D)) == {"days", "until"}
    on_the_last_day = {v.code: v.value for v in service.compute(["valid_inventions"], ["510107"], dt.date(2023, 4, 30),
                                                                 snapshot=snap)}
    assert on_the_last_day["valid_inventions"] == 5  # every one within its statutory term
    # the 21st anniversary (2024-05-01) falls inside the 400-day compensation (to 2024-06-03): year 22's annuity is due
    due = levers.annuity_due("510107", 6, D, snapshot=snap).to_pylist()
    assert [(r["title"].split(" ")[0], r["due_date"], r["annuity_year"]) for r in due] == [
        ("days", dt.date(2024, 5, 1), 22)]
