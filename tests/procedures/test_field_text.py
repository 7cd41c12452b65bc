"""Every declared procedure's text fields refuse a character no document or database takes (the refusal reasons,
an e-commerce notice, an exhibition, a police transfer, a decision's conclusion …): a NUL stored on SQLite, was
refused by PostgreSQL with a 500, and stopped python-docx's generated decision documents with a 500."""

from __future__ import annotations

import pytest

from zhichan.errors import FormError
from zhichan.procedures.declaration import FieldSpec, ProcedureRegistry
from zhichan.procedures.service import check_fields
from zhichan.untrusted import CONTROL_CHARACTERS, text_refusal


def _text_fields() -> list[tuple[str, FieldSpec]]:
    found = []
    for decl in ProcedureRegistry.load().all():
        for step, fields in [("start", decl.start.fields), *((t.event, t.fields) for t in decl.transitions)]:
            for spec in fields:
                if spec.kind in ("text", "textarea") and spec.options is None:
                    found.append((f"{decl.procedure}.{step}.{spec.name}", spec))
    return found


TEXT_FIELDS = _text_fields()


@pytest.mark.parametrize("text", ["甲\x00乙", "甲\x07", "\x1b[31m乙", "甲\ud800乙", "甲\uffff"])
def test_every_declared_text_field_refuses_a_control_character(text: str) -> None:
    assert len(TEXT_FIELDS) > 100
    for name, spec in TEXT_FIELDS:
        with pytest.raises(FormError) as refused:
            check_fields((spec,), {spec.name: text})
        assert refused.value.errors == {spec.name: CONTROL_CHARACTERS}, name


def test_tabs_line_breaks_and_other_characters_stay() -> None:
    for text in ("第一行\r\n第二行\t制表", "Ünïcödé ½ 😀", "\x7f\x85 C1 controls XML 1.0 allows"):
        assert text_refusal(text) is None
    assert text_refusal("甲" * 11, 10) == "超过 10 字 / longer than 10 characters"
