"""Bounded reading of uploaded YAML and XLSX (zhichan.untrusted), and its users beyond plans."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import yaml

from zhichan.errors import InputError
from zhichan.untrusted import MAX_DEPTH, check_xlsx, load_yaml


def test_depth_limit_is_exact():
    assert load_yaml("x: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)) == {"x": _nested(MAX_DEPTH - 1)}
    with pytest.raises(InputError, match="嵌套过深"):
        load_yaml("x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)


def _nested(levels: int) -> list:
    value: list = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_aliases_bad_encoding_and_malformed_yaml_are_input_errors():
    with pytest.raises(InputError, match="别名"):
        load_yaml("a: &x 1\nb: *x\n")
    with pytest.raises(InputError, match="UTF-8"):
        load_yaml("名称: 规划".encode("gb18030"))
    with pytest.raises(InputError, match="格式错误"):
        load_yaml("a: [1, 2\n")
    assert load_yaml("\ufeff名称: 规划".encode()) == {"名称": "规划"}


def test_chain_uploads_use_the_same_bounds():
    from zhichan.navigation.chain_io import ChainInvalid, chain_from_xlsx, chain_from_yaml

    with pytest.raises(ChainInvalid, match="别名"):
        chain_from_yaml("code: &c x\nname: *c\n")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE t SYSTEM "file:///etc/passwd"><Types/>')
    with pytest.raises(ChainInvalid, match="DTD"):
        chain_from_xlsx(archive.getvalue())


def test_xlsx_member_limits():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for n in range(12):
            z.writestr(f"xl/part{n}.xml", "<x/>")
    with pytest.raises(InputError, match="部件"):
        check_xlsx(archive.getvalue(), max_members=10)
    check_xlsx(archive.getvalue())
    with pytest.raises(InputError, match="损坏"):
        check_xlsx(b"not a zip at all")


def test_yaml_booleans_are_yaml_1_2_so_a_choice_no_stays_a_string():
    # PyYAML alone reads these as booleans (YAML 1.1): a declared choice "no" or a key "on" would turn
    # into False / True; every YAML the platform reads goes through this one loader
    from zhichan.untrusted import yaml_safe_load

    text = "choices: [yes, no, on, off, y, n, NO]\non: 1\nrequired: true\noptional: False\nday: 2026-01-02\n"
    for data in (yaml_safe_load(text), load_yaml(text.encode())):
        assert data == {"choices": ["yes", "no", "on", "off", "y", "n", "NO"], "on": 1, "required": True,
                        "optional": False, "day": dt.date(2026, 1, 2)}
    assert yaml.safe_load("on: yes") == {True: True}  # the loader's change stays its own


def test_the_platform_reads_yaml_only_through_these_loaders():
    import re
    from pathlib import Path

    import zhichan

    root = Path(zhichan.__file__).parent
    direct = re.compile(r"\byaml\.(safe_load|load|full_load|unsafe_load)\(")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "untrusted.py" and direct.search(path.read_text("utf-8"))]
    assert not offenders, offenders


def test_a_refusal_names_the_file_kind_once_in_each_language() -> None:
    """A bilingual ``what`` gives a message of one Chinese and one English half, each naming the kind in
    its language, so a page shows its own half (an English page showed "规划文件 YAML" alone before)."""
    from zhichan.web.i18n import in_language

    with pytest.raises(InputError) as refused:
        load_yaml("name: 武侯区规划".encode("gb18030"), what="规划文件 YAML / plan YAML")
    message = str(refused.value)
    assert message.count(" / ") == 1
    assert in_language(message, "zh").startswith("规划文件 YAML 须为 UTF-8 编码") and "plan" not in in_language(message, "zh")
    assert in_language(message, "en").startswith("plan YAML must be UTF-8")
    # a text whose halves cannot be told apart is shown whole, never cut in the wrong place
    assert in_language("分支 动力电池 / 正极材料 无查询 / branch 动力电池 / 正极材料 has no query", "en").count(" / ") == 3
