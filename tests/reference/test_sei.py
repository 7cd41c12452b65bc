from __future__ import annotations

import duckdb
import pytest

from zhichan.errors import InputError
from zhichan.reference import (
    SEI_LEVEL1,
    sei_categories,
    sei_category,
    sei_codes_for_ipc,
    sei_codes_for_ipc_batch,
    sei_lookup_table,
    sei_table_stats,
)


def test_categories_cover_the_nine_level1_industries():
    cats = sei_categories()
    assert len(cats) == 40
    assert {c.level1_code for c in cats} == set(SEI_LEVEL1) == {str(i) for i in range(1, 10)}
    nev = sei_category("5.2")
    assert (nev.name, nev.level1_code, nev.level1_name) == ("新能源汽车装置、配件制造", "5", "新能源汽车产业")
    assert sei_category("1.5").name == "人工智能"
    with pytest.raises(InputError):
        sei_category("10.1")


def test_subclass_main_group_and_subgroup_matches():
    # A01B is a bare-subclass entry for 2.1: any code in A01B maps
    assert sei_codes_for_ipc(["A01B99/99"]) == ["2.1"]
    # B60L13/00 (main group) → 2.4; B60L13/03 is listed for 5.1 and inherits 2.4 from its main group
    assert sei_codes_for_ipc(["B60L13/03"]) == ["2.4", "5.1"]
    assert sei_codes_for_ipc(["B60L13/00"]) == ["2.4"]
    # B60L50: only subgroups are listed (no /00) — a listed subgroup covers itself only
    assert sei_codes_for_ipc(["B60L50/30"]) == ["5.1"]
    assert sei_codes_for_ipc(["B60L50/99"]) == []
    assert sei_codes_for_ipc(["A47J27/00", "not ipc", None]) == []  # type: ignore[list-item]


def test_keyword_qualified_entries_need_the_keyword_in_the_text():
    # H01M10/0525 (lithium-ion cells) is listed for 5.2 新能源汽车 with "汽车相关关键词"
    assert "5.2" not in sei_codes_for_ipc(["H01M10/0525"])
    assert "5.2" in sei_codes_for_ipc(["H01M10/0525"], text="一种用于电动汽车的锂离子电池")
    assert "5.2" not in sei_codes_for_ipc(["H01M10/0525"], text="一种用于手机的锂离子电池")
    # G06N99 → 1.2 only with quantum-computing terms (1.4 has no keyword condition there)
    assert sei_codes_for_ipc(["G06N99/00"]) == ["1.4"]
    assert sei_codes_for_ipc(["G06N99/00"], text="量子计算方法") == ["1.2", "1.4"]


def test_batch_equals_single():
    lists = [["H01M10/0525"], ["A01B1/02", "B60L13/03"], [], None]
    texts = ["电动汽车电池", None, None, None]
    assert sei_codes_for_ipc_batch(lists, texts) == [
        sei_codes_for_ipc(codes or [], text) for codes, text in zip(lists, texts, strict=True)
    ]
    with pytest.raises(InputError):
        sei_codes_for_ipc_batch(lists, texts[:1])


def test_table_counts():
    stats = sei_table_stats()
    assert stats["sei_rows"] == 321
    assert stats["sei_rows_keyword"] == 9
    assert stats["sei_rows_industry"] == 281
    assert stats["sei_rows_none"] == 31
    assert (stats["key_entries_keyword"], stats["key_entries_industry"], stats["key_entries_none"]) == (928, 29_431, 4_090)


def test_lookup_table_as_a_duckdb_join_agrees_with_python():
    table = sei_lookup_table()
    assert set(table.columns) == {"ipc_key", "match_level", "sei_code", "keyword_qualified", "qualifier", "keyword_terms"}
    patents = [("p1", ["B60L13/03"]), ("p2", ["A01B99/99", "H01M10/0525"]), ("p3", ["B60L50/99"])]
    con = duckdb.connect()
    con.register("sei", table)
    con.execute("create table patents(id varchar, ipc varchar[])")
    con.executemany("insert into patents values (?, ?)", patents)
    rows = con.execute(
        """
        with codes as (select id, unnest(ipc) as code from patents)
        select c.id, list(distinct s.sei_code order by s.sei_code)
        from codes c join sei s on not s.keyword_qualified and (
             (s.match_level = 'subgroup' and s.ipc_key = c.code)
          or (s.match_level = 'main_group' and s.ipc_key = split_part(c.code, '/', 1) || '/00')
          or (s.match_level = 'subclass' and s.ipc_key = left(c.code, 4)))
        group by c.id order by c.id
        """
    ).fetchall()
    assert dict(rows) == {pid: sei_codes_for_ipc(codes) for pid, codes in patents if sei_codes_for_ipc(codes)}


def test_every_sei_category_has_an_english_name_matching_its_chinese() -> None:
    import csv

    from zhichan.reference import SEI_LEVEL1, sei_categories, sei_name
    from zhichan.reference._data import open_text

    with open_text("concordance/sei_names_en.csv") as f:
        rows = {row["code"]: row for row in csv.DictReader(f)}
    codes = set(SEI_LEVEL1) | {c.code for c in sei_categories()}
    assert set(rows) == codes
    for code in codes:
        assert rows[code]["name_zh"] == sei_name(code, "zh"), code
        english = sei_name(code, "en")
        assert english == rows[code]["name_en"] and english.isascii() and english[0].isupper(), code
    assert sei_name("5.2", "en") == "New-energy vehicle devices and parts"
    assert sei_name("5", "zh") == "新能源汽车产业"
    # the source cut 5.4's name short (新能源汽车相关服); the data carries the classification's name
    assert sei_name("5.4", "zh") == "新能源汽车相关服务"
    with pytest.raises(InputError):
        sei_name("5.9", "en")
