from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhichan.errors import InputError
from zhichan.reference import (
    clean_title,
    ipc_known,
    ipc_level,
    ipc_main_group,
    ipc_title,
    ipc_titles,
    is_valid_ipc,
    normalize_ipc,
)


@pytest.mark.parametrize(
    "raw",
    ["H04N 5/225", "H04N5/225", "h04n5/225", "H04N0005225000", "Ｈ０４Ｎ５／２２５", "H04N5/225(2006.01)",
     "H04N 5/225 (2006.01)", "H04N5/2250", "H04N0005/225"],
)
def test_normalize_ipc(raw):
    assert normalize_ipc(raw) == "H04N5/225"


def test_normalize_ipc_group_forms():
    assert normalize_ipc("A01B0001000000") == "A01B1/00"
    assert normalize_ipc("A01B0001020000") == "A01B1/02"
    assert normalize_ipc("G06F 3/0488") == "G06F3/0488"
    assert normalize_ipc("H04N", allow_partial=True) == "H04N"
    assert normalize_ipc("h04", allow_partial=True) == "H04"


@pytest.mark.parametrize(
    "bad", ["", "H04N", "X04N5/225", "H04N5", "H04N5/2", "H04N0/00", "H4N5/225", "H04N12345/00",
            "H04N5/1234567", "H04N5/225;H04N5/232", "发明"],
)
def test_invalid_ipc(bad):
    assert not is_valid_ipc(bad)
    with pytest.raises(InputError):
        normalize_ipc(bad)


def test_partial_codes():
    assert is_valid_ipc("H04N", allow_partial=True)
    assert is_valid_ipc("H04", allow_partial=True)
    assert is_valid_ipc("H", allow_partial=True)
    assert not is_valid_ipc("H04N", allow_partial=False)
    assert ipc_level("H04N5/225") == "subgroup"
    assert ipc_level("H04N5/00") == "main_group"
    assert ipc_level("H04N") == "subclass"
    assert ipc_main_group("H04N 5/225") == "H04N5/00"


_ipc_alphabet = string.ascii_letters + string.digits + " /()（）.０１２ＡＨ-;"


@given(st.text(alphabet=st.sampled_from(list(_ipc_alphabet)) | st.characters(), max_size=30))
def test_normalize_ipc_raises_only_input_error(raw):
    try:
        result = normalize_ipc(raw)
    except InputError:
        return
    assert normalize_ipc(result) == result


@given(
    st.sampled_from("ABCDEFGH"), st.integers(1, 99), st.sampled_from(string.ascii_uppercase),
    st.integers(1, 9999), st.from_regex(r"\A[0-9]{2,6}\Z"),
)
def test_normalize_ipc_is_idempotent_on_valid_codes(section, klass, sub, group, subgroup):
    code = f"{section}{klass:02d}{sub}{group}/{subgroup}"
    once = normalize_ipc(code)
    assert normalize_ipc(once) == once
    assert re.fullmatch(r"[A-H]\d{2}[A-Z][1-9]\d{0,3}/\d{2}\d{0,4}", once)
    assert normalize_ipc(once.replace("/", " / ")) == once


def test_titles_and_fallback():
    assert ipc_title("A01B1/00") == "手动工具（草坪修整机入A01G3/06）"
    assert ipc_title("A01B1/00", clean=True) == "手动工具"
    assert ipc_title("A01B1/02", lang="en") == "Spades; Shovels"
    assert ipc_title("H04N5/225", lang="en") == "Television cameras"
    # H04N5/225 left the scheme by 2026 (moved to H04N23): nearest ancestor is the main group
    assert ipc_title("H04N5/225") == ipc_title("H04N5/00")
    assert ipc_title("H04N9999/99") == ipc_title("H04N")
    assert ipc_title("not a code") is None
    with pytest.raises(InputError):
        ipc_title("H04N", lang="fr")


def test_pdf_wrap_spaces_are_removed_between_chinese_characters():
    title = ipc_title("A01B")
    assert "用于播种" in title and "用于 播种" not in title
    assert "入A01D43/12" in title
    subgroups = ipc_titles("subgroup")
    assert not any(re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", t) for t in subgroups.values())


def test_ipc_titles_levels_and_clean_mode():
    subclasses = ipc_titles("subclass")
    assert len(subclasses) == 651 and "G06V" in subclasses and "B64U" in subclasses
    assert len(ipc_titles("main_group")) == 7468
    assert len(ipc_titles("subclass", lang="en")) == 645
    clean = ipc_titles("main_group", clean=True)
    assert not any(re.search(r"[A-H]\d{2}[A-Z]\d*/\d+", t) for t in clean.values())
    assert 7000 < len(clean) < 7468 and clean["A01D45/00"] == "生长作物的收获"
    assert clean_title("无人驾驶飞行器 注意 1.本小类包括") == "无人驾驶飞行器"
    assert clean_title("电存储器件[20250101]") == "电存储器件"
    with pytest.raises(InputError):
        ipc_titles("group")


def test_ipc_known():
    assert ipc_known("H04N5/225")  # English 2020 edition
    assert ipc_known("G06V10/82")  # Chinese 2026 edition only
    assert ipc_known("H04N5/99999")  # unknown subgroup under a known main group
    assert not ipc_known("H04N5/99999", strict=True)
    assert not ipc_known("Z99Z1/00")
    assert not ipc_known("H04N9999/00")


def test_every_shipped_code_is_valid_ipc() -> None:
    """The source table's PDF-parse debris (E01D101/0 …) never reaches users or the generator."""
    from zhichan.reference import ipc_titles, normalize_ipc

    for level in ("subclass", "main_group", "subgroup"):
        for code in ipc_titles(level, "zh"):
            assert normalize_ipc(code, allow_partial=True) == code, code
