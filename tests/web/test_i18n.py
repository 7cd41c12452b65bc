"""The message catalogues: gettext .po files per package read with Babel, plural forms, the Jinja
i18n extension, and the packaging errors that stop the app from starting."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po

from zhichan.errors import ConfigError
from zhichan.web import i18n

PO = """msgid ""
msgstr ""
"Language: {lang}\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "{key}"
msgstr "{text}"
"""


@pytest.fixture
def extra_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An importable package ``zc_extra_domain`` appended to the catalogue's packages."""
    package = tmp_path / "zc_extra_domain"
    package.mkdir()
    (package / "__init__.py").write_text("", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(i18n, "PACKAGES", (*i18n.PACKAGES, "zc_extra_domain"))
    i18n.reset()
    yield package
    sys.modules.pop("zc_extra_domain", None)
    monkeypatch.undo()
    i18n.reset()


def _po(package: Path, lang: str, key: str, text: str) -> None:
    folder = package / "locale" / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(PO.format(lang=lang, key=key, text=text), "utf-8")


def test_a_domain_package_adds_its_messages(extra_package: Path):
    _po(extra_package, "zh", "extra.hello", "你好，{name}")
    _po(extra_package, "en", "extra.hello", "Hello, {name}")
    assert i18n.translate("zh", "extra.hello", name="知产") == "你好，知产"
    assert i18n.translate("en", "extra.hello", name="zhichan") == "Hello, zhichan"
    assert i18n.translate("en", "app.name") == "zhichan"  # the web shell's own messages are still there


def test_a_key_defined_twice_stops_the_start(extra_package: Path):
    _po(extra_package, "zh", "app.name", "别的名字")
    with pytest.raises(ConfigError, match=r"app\.name"):
        i18n.check()


def test_a_yaml_catalogue_left_behind_stops_the_start(extra_package: Path, settings, tmp_path: Path):
    (extra_package / "i18n").mkdir()
    (extra_package / "i18n" / "zh.yaml").write_text("extra.hello: 你好\n", "utf-8")
    with pytest.raises(ConfigError, match=r"zc_extra_domain/i18n/zh\.yaml"):
        i18n.check()
    from zhichan.platform.db import make_engine
    from zhichan.web.app import create_app

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        with pytest.raises(ConfigError):
            create_app(settings, engine=engine, start_worker=False)
    finally:
        engine.dispose()


def test_missing_messages_raise_in_strict_mode_and_fall_back_otherwise(monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(i18n.MissingMessage):
        i18n.translate("en", "no.such.key")
    monkeypatch.setattr(i18n, "STRICT", False)
    assert i18n.translate("en", "no.such.key") == "no.such.key"


def test_counts_choose_the_plural_form():
    assert i18n.translate("en", "services.library_total", n=1) == "1 entry"
    assert i18n.translate("en", "services.library_total", n=3) == "3 entries"
    assert i18n.translate("en", "indicators.records_count", n="1,234").startswith("1,234 records")
    assert i18n.translate("zh", "services.library_total", n=1) == "共 1 条"
    assert i18n.translate("zh", "services.library_total", n=3) == "共 3 条"


def test_templates_reach_the_catalogue_through_the_i18n_extension():
    env = jinja2.Environment(autoescape=True)
    i18n.install(env)
    template = env.from_string("{{ _('common.total', n=2) }}|{{ gettext('common.save') }}|"
                               "{{ ngettext('services.library_total', 'services.library_total', 1) }}|"
                               "{{ ngettext('services.library_total', 'services.library_total', 5) }}")
    assert template.render(lang="en") == "2 in total|Save|1 entry|5 entries"
    assert template.render(lang="zh") == "共 2 条|保存|共 1 条|共 5 条"



def _declarations():
    from zhichan.procedures.declaration import ProcedureRegistry

    return ProcedureRegistry.load().all()


def test_every_declared_choice_has_an_english_label():
    """A procedure form offers its choices (stored as the declared Chinese text) in the page's language."""
    from zhichan.web.labels import label

    choices = {c for d in _declarations() for step in (d.start, *d.transitions) for f in step.fields for c in f.choices}
    assert len(choices) > 50
    missing = sorted(c for c in choices if f"choice.{c}" not in i18n.catalogue("en"))
    assert not missing, missing
    assert label("en", "choice", "网站或网店") == "Website or online shop"
    assert label("zh", "choice", "网站或网店") == "网站或网店"


def test_every_declared_legal_basis_has_an_english_form():
    """The bases of every declaration and clock read in English on English pages (strict: a name
    without a ``cite.`` entry raises)."""
    bases = {b for d in _declarations() for b in (d.basis, *(c.basis for c in d.clocks.values())) if b}
    assert len(bases) > 20
    english = {b: i18n.legal_citation(b, "en") for b in bases}
    assert english["国家知识产权局令第81号 第六十三条至第七十条；民事诉讼法 第二百零五条"] == \
        "CNIPA Order No. 81, arts. 63–70; Civil Procedure Law art. 205"
    # a clock's basis is often its article alone, shown at the start of a line under the clock's title: capitalized
    assert i18n.legal_citation("第二十条", "en") == "Art. 20"
    assert i18n.legal_citation("第六十三条至第七十条", "en") == "Arts. 63–70"
    assert all(e[:1].isupper() for e in english.values()), sorted(e for e in english.values() if not e[:1].isupper())
    assert i18n.legal_citation("电子商务法 第四十三条", "zh") == "电子商务法 第四十三条"
    with pytest.raises(i18n.MissingMessage):
        i18n.legal_citation("某某条例 第三条", "en")
    # a basis stands on its own (a cell, a line under a title): it read "public service catalogue", "example subsidy
    # measures (the local IP office adapts them …)" — a line starting lowercase
    assert english["公共服务事项清单"] == "Public service catalogue"
    assert i18n.legal_citation("示例奖励办法（由本地知识产权局按实际政策修改）", "en").startswith("Example award measures")
    assert not [e for e in english.values() if e[:1].islower()], english


@pytest.mark.parametrize(("numeral", "value"), [("五", 5), ("十", 10), ("十四", 14), ("二十", 20), ("一百零五", 105),
                                                ("二百零五", 205), ("八十三", 83), ("81", 81)])
def test_chinese_article_numbers(numeral: str, value: int):
    assert i18n.chinese_number(numeral) == value


@pytest.mark.parametrize(("lang", "award", "listed"), [
    ("zh", "全额资助 21000.00 元；异议 SO-2026-000001 成立，调整为 5000.50 元", "列入严重违法失信名单，不予资助：甲（依据；决定）"),
    ("en", "Paid in full: 21000.00 yuan; Objection SO-2026-000001 upheld: changed to 5000.50 yuan",
     "On the IP credit list, not funded: A (ground; decision)"),
])
def test_a_stored_reason_reads_in_the_page_language(lang, award, listed):
    """Reasons a row keeps are message keys and values, shown in one language; rows stored before as
    "中文 / English" (parts joined by "；") show their half."""
    import json

    from zhichan.web.i18n import stored_message, stored_messages, stored_text

    kept = json.dumps([stored_message("services.reason.paid_in_full", amount="21000.00")])
    kept = json.dumps([*stored_messages(kept), stored_message("services.reason.objection_upheld",
                                                              number="SO-2026-000001", amount="5000.50")])
    assert stored_text(kept, lang) == award
    reason = stored_message("services.reason.listed", listing={"zh": "甲（依据；决定）", "en": "A (ground; decision)"})
    assert stored_text(json.dumps(reason), lang) == stored_text(reason, lang) == listed
    old = "全额资助 21000.00 元 / paid in full；异议 SO-2026-000001 成立，调整为 5000.50 元 / changed on objection"
    assert stored_text(old, lang) == ("全额资助 21000.00 元；异议 SO-2026-000001 成立，调整为 5000.50 元" if lang == "zh"
                                      else "paid in full; changed on objection")
    assert stored_text(json.dumps([*stored_messages(old), json.loads(kept)[1]]), lang).endswith(award.split("；" if lang == "zh" else "; ")[1])
    # a Chinese-only text, or one whose Chinese half holds a "；", stays whole
    assert stored_text("某人 被列入（依据；决定） / A is listed (ground; decision)", lang) == \
        ("某人 被列入（依据；决定）" if lang == "zh" else "A is listed (ground; decision)")
    assert stored_text("材料齐全；异议不成立", lang) == "材料齐全；异议不成立"


#: full-width punctuation, which an English text never has (a Chinese page's 。，、；：（）【】 and the ideographic space)
FULL_WIDTH = re.compile(r"[\u3000-\u3003\u3008-\u3011\uff01-\uff0f\uff1a-\uff1f\uff3b-\uff3d\uff5b-\uff5e]")


def test_english_messages_have_no_full_width_punctuation():
    from zhichan.domains import DOMAIN_PACKAGES

    found = []
    for package in ("zhichan.web", *DOMAIN_PACKAGES):
        path = i18n.po_file(package, "en")
        if not path.is_file():
            continue
        with path.open("rb") as f:
            for message in read_po(f):
                texts = message.string if isinstance(message.string, tuple) else (message.string,)
                found += [(package, message.id, t) for t in texts if t and FULL_WIDTH.search(t)]
    assert found == []


def test_templates_write_their_punctuation_in_the_page_language():
    """A template's own text between its values is the same on both pages, so its punctuation comes from
    ``{{ colon }}``, ``{{ lp }}``/``{{ rp }}``, ``{{ sep }}``, ``{{ semi }}`` (web/i18n.PUNCTUATION) or a branch on
    ``lang``. The data-certificate is a Chinese document by design."""
    root = Path(__file__).resolve().parents[2] / "zhichan"
    tag = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
    found = []
    for template in sorted(root.glob("**/templates/**/*.html")):
        if template.name == "certificate.html" and template.parent.parent.name == "evidence":
            continue
        text = tag.sub(" ", template.read_text("utf-8"))
        found += [f"{template.relative_to(root)}: {m.group()}" for m in FULL_WIDTH.finditer(text)]
    assert found == []


def test_a_message_shown_alone_starts_with_a_capital_in_english():
    """The English half of a "中文 / English" message is written to follow on ("pay the deposit …"); shown alone it
    starts with a capital. Chinese is unchanged, and a first word from code stays as it is."""
    shown = i18n.message_in_language
    assert shown("请先缴纳保证金 2 万元 / pay the deposit of 20,000 yuan first", "en") == "Pay the deposit of 20,000 yuan first"
    assert shown("请上传“申请书” / attach the Application form", "zh") == "请上传“申请书”"
    assert shown("as_of 应为日期 / as_of must be a date", "en") == "as_of must be a date"
    assert shown("文件 / file.csv is empty", "en") == "file.csv is empty"
    assert shown("分支 a / b 无查询 / branch a / b has no query", "en") == "分支 a / b 无查询 / branch a / b has no query"
