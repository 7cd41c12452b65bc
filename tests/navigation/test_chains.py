"""Chains as data: the shipped examples, YAML/XLSX round trips, validation errors."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from zhichan.errors import InputError
from zhichan.navigation import service
from zhichan.navigation.chain_io import (
    ChainInvalid,
    builtin_chains,
    chain_from_dict,
    chain_from_xlsx,
    chain_from_yaml,
    chain_to_xlsx,
    chain_to_yaml,
    validate_queries,
)
from zhichan.platform.db import make_engine, upgrade

from .conftest import TEST_CHAIN


def test_shipped_chains():
    chains = builtin_chains()
    assert {"nev", "ic", "biomed", "new_materials", "smart_equipment", "next_gen_it"} <= set(chains)
    for chain in chains.values():
        assert len(chain.branches) >= 8, chain.code
        assert {b.level for b in chain.branches} >= {1, 2}
        assert chain.home_region in ("5101", "3709")
        validate_queries(chain)  # every query parses with the search grammar


HAN = re.compile(r"[\u3400-\u9fff]")


def test_shipped_chains_are_named_in_english():
    for chain in builtin_chains().values():
        english = [chain.name_en, chain.description_en, *(b.name_en for b in chain.branches)]
        assert all(english), chain.code
        assert not [text for text in english if HAN.search(text)], chain.code
        assert len({b.name_en for b in chain.branches}) == len(chain.branches), chain.code
    nev = builtin_chains()["nev"]
    assert nev.label("en") == "New energy vehicles" and nev.label("zh") == "新能源汽车"
    assert nev.path_name("1.4.1", "en") == "Power batteries / Battery management systems / State-of-charge estimation"
    assert nev.path_name("1.4.1") == "动力电池 / 电池管理系统 / 荷电状态估计"


def test_english_names_are_optional_and_leave_the_hash_alone():
    chain = chain_from_dict(TEST_CHAIN)  # no English names: shown in Chinese on English pages
    assert chain.label("en") == "测试产业链" and chain.branch("1.1").label("en") == "正极"
    assert chain.path_name("1.1", "en") == "电池 / 正极"
    assert "name_en" not in chain.canonical_json() and "description_en" not in chain_to_yaml(chain)
    # the hash a chain without English names had before they existed
    assert chain.definition_hash() == "0ab98c3733d64f4d0c7f0748866badde57a7a3175ddc063cc84ebdc379d26c8e"
    named = chain_from_dict({**TEST_CHAIN, "name_en": "Test chain", "branches": [
        {**b, "name_en": f"Branch {b['id']}"} for b in TEST_CHAIN["branches"]]})
    assert named.definition_hash() != chain.definition_hash()
    assert named.path_name("1.1", "en") == "Branch 1 / Branch 1.1"
    assert chain_from_yaml(chain_to_yaml(named)) == named == chain_from_xlsx(chain_to_xlsx(named))


@pytest.mark.parametrize(("change", "message"), [
    (lambda c: c.update(name_en="x" * 121), "name_en"),
    (lambda c: c["branches"][0].update(name_en="Battery\ncells"), "one line"),
])
def test_english_names_are_validated(change, message):
    data = {**TEST_CHAIN, "branches": [dict(b) for b in TEST_CHAIN["branches"]]}
    change(data)
    with pytest.raises(ChainInvalid, match=message):
        chain_from_dict(data)


def test_xlsx_without_the_english_column_still_imports():
    named = chain_from_dict({**TEST_CHAIN, "branches": [{**b, "name_en": "x"} for b in TEST_CHAIN["branches"]]})
    wb = load_workbook(io.BytesIO(chain_to_xlsx(named)))
    assert wb["技术分解表"]["C1"].value == "英文名称 / name_en"
    wb["技术分解表"].delete_cols(3)
    buf = io.BytesIO()
    wb.save(buf)
    assert [b.name_en for b in chain_from_xlsx(buf.getvalue()).branches] == ["", "", ""]


@pytest.mark.parametrize("code", sorted(builtin_chains()))
def test_yaml_and_xlsx_round_trip(code):
    chain = builtin_chains()[code]
    assert chain_from_yaml(chain_to_yaml(chain)) == chain
    assert chain_from_xlsx(chain_to_xlsx(chain)) == chain
    assert chain_from_xlsx(chain_to_xlsx(chain)).definition_hash() == chain.definition_hash()


def test_xlsx_with_chinese_headers_and_numeric_ids():
    wb = load_workbook(io.BytesIO(chain_to_xlsx(chain_from_dict(TEST_CHAIN))))
    ws = wb["技术分解表"]
    for cell, name in zip(ws[1], ["编号", "名称", "英文名称", "层级", "上级", "检索式", "说明"], strict=True):
        cell.value = name
    ws["A2"].value = 1  # Excel turns "1" into a number
    buf = io.BytesIO()
    wb.save(buf)
    chain = chain_from_xlsx(buf.getvalue())
    assert [b.id for b in chain.branches] == ["1", "1.1", "2"]


@pytest.mark.parametrize(("change", "message"), [
    (lambda c: c["branches"].append({"id": "1", "name": "重复", "level": 1, "query": "IPC=H01M"}), "duplicate branch id"),
    (lambda c: c["branches"].append({"id": "3", "name": "孤儿", "level": 2, "parent": "9", "query": "IPC=H01M"}), "missing"),
    (lambda c: c["branches"].append({"id": "3", "name": "跳级", "level": 3, "parent": "1", "query": "IPC=H01M"}), "level 3"),
    (lambda c: c["branches"].append({"id": "3", "name": "有上级", "level": 1, "parent": "1", "query": "IPC=H01M"}), "has a parent"),
    (lambda c: c.update(home_region="51010"), "2, 4 or 6 digits"),
    (lambda c: c.update(code="Bad Code"), "chain code"),
    (lambda c: c["branches"].append({"id": "3", "name": "坏检索式", "level": 1, "query": "IPC=(H01M AND"}), "branch 3 query"),
])
def test_invalid_chains_are_rejected_with_a_reason(change, message):
    data = {**TEST_CHAIN, "branches": [dict(b) for b in TEST_CHAIN["branches"]]}
    change(data)
    with pytest.raises(ChainInvalid) as err:
        chain_from_dict(data)
    assert message in err.value.message
    assert isinstance(err.value, InputError)


def test_malformed_files():
    with pytest.raises(ChainInvalid):
        chain_from_yaml("code: [unclosed")
    with pytest.raises(ChainInvalid):
        chain_from_xlsx(b"not a workbook")


def test_saved_chain_overrides_builtin_and_versions(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    upgrade(engine)
    nev = builtin_chains()["nev"]
    assert service.save_chain(nev, engine).version == 1  # same content as shipped
    edited = nev.model_copy(update={"name": "新能源汽车（成都版）"})
    saved = service.save_chain(edited, engine)
    assert saved.version == 2
    assert service.get_chain("nev", engine).name == "新能源汽车（成都版）"
    assert service.save_chain(edited, engine).version == 2  # no change, no new version
    summary = {c.code: c for c in service.list_chains(engine)}
    assert summary["nev"].source == "database" and summary["ic"].source == "builtin"
    path = tmp_path / "nev.xlsx"
    service.export_chain("nev", path, engine)
    assert service.import_chain(path, engine).version == 2
    engine.dispose()
