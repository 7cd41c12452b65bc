"""The declared kinds: the shipped list, a bureau's file adding a kind and renaming one, a broken file refused;
a person's input checked all at once (labels or codes, the certificate a kind requires, IPC prefixes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zhichan.errors import FormError, InputError
from zhichan.settings import get_settings
from zhichan.talent.service import clean_person, kind_code, kinds


def test_a_bureau_extends_the_kinds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert kinds()["people_mediator"].zh == "人民调解员" and not kinds()["people_mediator"].certificate
    own = tmp_path / "kinds.yaml"
    own.write_text("kinds:\n  arbitrator: {zh: 仲裁员, en: Arbitrator, certificate: true}\n"
                   "  people_mediator: {zh: 人民调解员（知识产权）, en: People's mediator (IP), certificate: false}\n", "utf-8")
    monkeypatch.setenv("ZHICHAN_TALENT_KINDS_FILE", str(own))
    get_settings.cache_clear()
    declared = kinds()
    assert declared["arbitrator"].certificate and declared["people_mediator"].zh == "人民调解员（知识产权）"
    assert "patent_agent" in declared and kind_code("仲裁员") == "arbitrator"
    broken = tmp_path / "broken.yaml"
    broken.write_text("kinds:\n  broken: {en: no Chinese}\n", "utf-8")
    monkeypatch.setenv("ZHICHAN_TALENT_KINDS_FILE", str(broken))
    get_settings.cache_clear()
    with pytest.raises(InputError):
        kinds()
    monkeypatch.setenv("ZHICHAN_TALENT_KINDS_FILE", str(tmp_path / "missing.yaml"))
    get_settings.cache_clear()
    try:
        with pytest.raises(InputError):
            kinds()
    finally:
        get_settings.cache_clear()


def test_a_person_is_checked_all_at_once() -> None:
    person = clean_person({"name": " 张三 ", "region_code": "510107", "kinds": "专利代理师；review_expert",
                           "certificates": "专利代理师：DL-1", "ipc_fields": "h01m, G06F16/30", "shared": "姓名、contact"})
    assert person.kinds == {"patent_agent": "DL-1", "review_expert": ""} and person.name == "张三"
    assert person.ipc_fields == ["H01M", "G06F16/30"] and person.shared == ["name", "contact"]
    with pytest.raises(FormError) as caught:
        clean_person({"name": "", "region_code": "51", "kinds": "专利代理师", "ipc_fields": "Z99", "email": "x",
                      "shared": "身份证号"})
    assert set(caught.value.errors) == {"name", "region_code", "certificates", "ipc_fields", "email", "shared"}


def test_a_bureaus_kind_has_its_figure_when_its_code_is_an_identifier(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from zhichan.settings import get_settings
    from zhichan.talent.figures import _defs

    own = tmp_path / "kinds.yaml"
    own.write_text("kinds:\n  arbitrator: {zh: 仲裁员, en: Arbitrator}\n  \"bad-code'\": {zh: 坏, en: Bad}\n", "utf-8")
    monkeypatch.setenv("ZHICHAN_TALENT_KINDS_FILE", str(own))
    get_settings.cache_clear()
    try:
        codes = {d.code for d in _defs()}
    finally:
        monkeypatch.delenv("ZHICHAN_TALENT_KINDS_FILE")
        get_settings.cache_clear()
    assert {"talent_in_library_arbitrator", "talent_in_library_technical_expert"} <= codes
    assert not any("bad" in c for c in codes)
