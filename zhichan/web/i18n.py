"""Message catalogues: gettext ``.po`` files, Chinese first, English switchable.

Each package — ``zhichan.web`` and every package of :data:`zhichan.domains.DOMAIN_PACKAGES` — may
ship ``locale/<lang>/LC_MESSAGES/messages.po`` (package data), read with Babel. The msgid is the
message key (``"cockpit.trend"``), the msgstr its text with ``{name}`` placeholders; an entry with
``msgid_plural`` has one form per plural category of the language (Chinese one, English two) and is
chosen by the ``n`` value. A key defined by two packages is a packaging error, and so is a YAML
catalogue left in an ``i18n/`` folder (the format before gettext): the app refuses to start.

Templates call ``t("key", n=3)``; ``_("key")``, ``gettext`` and ``ngettext`` (``jinja2.ext.i18n``)
reach the same catalogues; Python code calls :func:`translate`. A key missing in English falls back
to Chinese and a key missing everywhere shows the key — unless :data:`STRICT` is on (the test
suite turns it on), when either raises :class:`MissingMessage`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import jinja2
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup, escape

from zhichan.domains import DOMAIN_PACKAGES
from zhichan.errors import ConfigError
from zhichan.legaltime.periods import china_time

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
#: the punctuation a template writes between its texts, per language (templates: ``{{ colon }}``, ``{{ lp }}…{{ rp }}``,
#: ``join(sep)``): an English page gets "Balanced (2)" and "Filters: ", never full-width （）：；、
PUNCTUATION = {
    "zh": {"colon": "：", "lp": "（", "rp": "）", "semi": "；", "sep": "、"},
    "en": {"colon": ": ", "lp": " (", "rp": ")", "semi": "; ", "sep": ", "},
}
#: every package whose messages make up the catalogue (the web shell's first)
PACKAGES: tuple[str, ...] = ("zhichan.web", *DOMAIN_PACKAGES)
#: raise on a missing message instead of showing the key (or the Chinese text on an English page)
STRICT = False


class MissingMessage(LookupError):
    """A message key without an entry in the catalogue of the page's language."""


def po_file(package: str, lang: str) -> Traversable:
    return files(package) / "locale" / lang / "LC_MESSAGES" / "messages.po"


def _refuse_yaml() -> None:
    left = [f"{package}/i18n/{entry.name}" for package in PACKAGES
            if (files(package) / "i18n").is_dir()
            for entry in (files(package) / "i18n").iterdir() if entry.name.endswith((".yaml", ".yml"))]
    if left:
        raise ConfigError("消息目录须为 gettext .po 文件，仍有 YAML 目录：" + "、".join(left)
                          + " / YAML message catalogues remain (convert them to locale/<lang>/LC_MESSAGES/"
                          "messages.po): " + ", ".join(left))


@cache
def _catalog(lang: str) -> Catalog:
    """Every package's catalogue of ``lang``, merged; a key defined twice is a packaging error."""
    _refuse_yaml()
    merged = Catalog(locale=lang, domain="messages")
    where: dict[str, str] = {}
    for package in PACKAGES:
        path = po_file(package, lang)
        if not path.is_file():
            continue
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain="messages")
        for message in catalog:
            if not message.id:
                continue  # the header
            key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
            if key in where:
                raise ConfigError(f"消息键重复：{key}（{where[key]}、{package}） / message key {key!r} is "
                                  f"defined twice ({lang}: {where[key]}, {package})")
            where[key] = package
            merged[key] = message
    return merged


@cache
def translations(lang: str) -> Translations:
    """The merged catalogue as gettext translations (compiled in memory; no .mo file is shipped)."""
    buf = io.BytesIO()
    write_mo(buf, _catalog(lang))
    buf.seek(0)
    return Translations(buf, domain="messages")


@cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Key → text (a plural entry's first form) of every message of ``lang``."""
    out: dict[str, str] = {}
    for message in _catalog(lang):
        if message.id:
            key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
            text = message.string
            out[key] = str(text[0] if isinstance(text, (tuple, list)) else text)
    return out


@cache
def _plural_keys(lang: str) -> frozenset[str]:
    return frozenset(m.id[0] for m in _catalog(lang) if m.id and m.pluralizable)


def _count(n: Any) -> int | None:
    """``n`` as a number for choosing a plural form (it may come formatted: ``"1,234"``)."""
    if isinstance(n, int):
        return n
    try:
        return int(str(n).replace(",", ""))
    except ValueError:
        return None


def _lookup(lang: str, key: str, n: Any) -> str | None:
    if key not in catalogue(lang):
        return None
    if key in _plural_keys(lang):
        count = _count(n)
        if count is None:  # without a count: the last form (English "items"; Chinese has only one)
            forms = _catalog(lang)[key].string
            return str(forms[-1] if isinstance(forms, (tuple, list)) else forms)
        return str(translations(lang).ngettext(key, key, count))
    return catalogue(lang)[key]


def translate(lang: str, key: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` with ``values`` filled in (``n`` also picks a plural form)."""
    text = _lookup(lang, key, values.get("n"))
    if text is None:
        if STRICT:
            raise MissingMessage(f"no {lang} message for {key!r}")
        text = _lookup(DEFAULT_LANGUAGE, key, values.get("n")) or key
    return text.format(**values) if values else text


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def translate_whole_dates(lang: str, key: str, **values: object) -> str:
    """:func:`translate` for a page: a date among ``values`` (a ``date``, or text that is an ISO date) kept on one
    line — a browser breaks ``2026-12-07`` after a hyphen at a phone's width — as ``<span class="date">`` (the
    ``td.date`` rule), a moment (naive UTC as stored) in Beijing time like any moment a page shows. Markup then, the
    message and its other values escaped; the text itself unchanged."""
    days = {name: china_time(v) if isinstance(v, dt.datetime) else str(v) for name, v in values.items()
            if isinstance(v, dt.date) or (isinstance(v, str) and _DAY.fullmatch(v))}
    if not days:
        return translate(lang, key, **values)
    marks = {name: f"\x00{i}\x00" for i, name in enumerate(days)}
    text = str(escape(translate(lang, key, **{**values, **marks})))
    for name, mark in marks.items():
        text = text.replace(mark, f'<span class="date">{escape(days[name])}</span>')
    return Markup(text)


def reset() -> None:
    """Forget the loaded catalogues (after :data:`PACKAGES` or a file changed, in tests)."""
    for cached in (_catalog, translations, catalogue, _plural_keys):
        cached.cache_clear()


def check() -> None:
    """Load every catalogue once (the app factory calls it: a broken catalogue stops the start)."""
    for lang in LANGUAGES:
        translations(lang)


@jinja2.pass_context
def jinja_gettext(context: jinja2.runtime.Context, key: str, **values: object) -> str:
    """``_("key", n=3)`` / ``gettext("key")`` in a template: the page language's text."""
    return translate(str(context.get("lang") or DEFAULT_LANGUAGE), key, **values)


@jinja2.pass_context
def jinja_ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int, **values: object) -> str:
    """``ngettext("key", "key", n)``: the plural form of ``singular`` (a message key) for ``n``."""
    return translate(str(context.get("lang") or DEFAULT_LANGUAGE), singular, n=n, **values)


def install(env: jinja2.Environment) -> None:
    """``jinja2.ext.i18n`` on ``env`` with callables that read the language of the page being rendered."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(jinja_gettext, jinja_ngettext, newstyle=False)  # type: ignore[attr-defined]


def in_language(text: str, lang: str) -> str:
    """The ``lang`` half of a bilingual ``"中文 / English"`` text (a registered job kind's title, a
    rule shared with error messages); a text without the separator is returned as it is, and so is a
    text with more than one (a message quoting a "中文 / English" name or a branch path: either half
    could be cut in the wrong place, so the page shows both, as it would without this rule)."""
    zh, sep, en = text.partition(" / ")
    if not sep or " / " in en:
        return text
    return en if lang == "en" else zh


_PLAIN_FIRST_WORD = re.compile(r"[a-z][a-z'-]*(?![\w.])")


def message_in_language(text: str, lang: str) -> str:
    """A message shown on its own (beside a field, on the error page, at the top of a page): its ``lang`` half
    (:func:`in_language`), in English with a capital first letter — the halves are written to be joined into a
    sentence ("请先缴纳保证金 … / pay the deposit …"), and "pay the deposit" alone reads as a fragment. A first
    word that is a name from code (``as_of``, ``sha256``, ``file.csv``) stays as it is."""
    half = in_language(text, lang)
    if lang == "en" and _PLAIN_FIRST_WORD.match(half):
        return half[0].upper() + half[1:]
    return half


def stored_message(key: str, **values: object) -> dict[str, Any]:
    """A reason or note a workflow row keeps to be shown in any language: its message key and values, JSON
    (a value given per language, ``{"zh": …, "en": …}``, is shown in the page's). See :func:`stored_text`."""
    return {"key": key, "values": {k: v if isinstance(v, dict) else str(v) for k, v in values.items()}}


def stored_messages(stored: str | None) -> list[Any]:
    """A stored reason as a list to add a message to: its messages, or the text stored before as one item."""
    found = _parsed(stored or "")
    if isinstance(found, list):
        return found
    return [stored] if stored else []


def _parsed(text: str) -> Any:
    """A stored JSON message or list of them; any other text as it is."""
    import json

    if text[:1] + text[-1:] not in ("[]", "{}"):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def stored_text(stored: Any, lang: str) -> str:
    """A stored reason or note in ``lang``: a :func:`stored_message` (or a list of them, joined as one text),
    as a dict or its JSON text. A text stored before messages were kept ("中文 / English", or such parts
    joined by "；") shows the ``lang`` half (of each part)."""
    if isinstance(stored, str):
        stored = _parsed(stored)
    if isinstance(stored, list):
        return ("; " if lang == "en" else "；").join(stored_text(item, lang) for item in stored)
    if isinstance(stored, dict) and "key" in stored:
        values = {k: v.get(lang, v.get("zh", "")) if isinstance(v, dict) else v
                  for k, v in (stored.get("values") or {}).items()}
        return translate(lang, str(stored["key"]), **values)
    text = str(stored or "")
    parts = text.split("；")
    if len(parts) > 1 and all(" / " in part for part in parts):  # bilingual parts, each "中文 / English"
        return ("; " if lang == "en" else "；").join(in_language(part, lang) for part in parts)
    return in_language(text, lang)


def pick_language(query_lang: str | None, cookie_lang: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT_LANGUAGE


# -- legal citations ---------------------------------------------------------------------------------
#: catalogue keys ``cite.<中文>``: the English of a law's name or a phrase of a legal basis
CITE_PREFIX = "cite."
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = "[零〇一二三四五六七八九十百千两0-9]+"
_HAN = re.compile(r"[\u3400-\u9fff]")


def chinese_number(text: str) -> int:
    """``"二百零五"`` → 205, ``"十四"`` → 14, ``"81"`` → 81 (the numbers of articles and orders)."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        else:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
    return total + digit


def _terms() -> list[tuple[str, str]]:
    terms = [(k.removeprefix(CITE_PREFIX), v) for k, v in catalogue("en").items() if k.startswith(CITE_PREFIX)]
    return sorted(terms, key=lambda kv: -len(kv[0]))  # the longest name first: 专利法实施细则 before 专利法


_CITATION_RULES: tuple[tuple[re.Pattern[str], Any], ...] = (
    (re.compile(f"第({_NUMERAL})条至第({_NUMERAL})条"),
     lambda m: f" arts. {chinese_number(m[1])}–{chinese_number(m[2])}"),
    (re.compile(f"第({_NUMERAL})条"), lambda m: f" art. {chinese_number(m[1])}"),
    (re.compile(f"第({_NUMERAL})款"), lambda m: f" para. {chinese_number(m[1])}"),
    (re.compile(f"第({_NUMERAL})项"), lambda m: f" item {chinese_number(m[1])}"),
    (re.compile(f"第({_NUMERAL})号"), lambda m: f" No. {chinese_number(m[1])}"),
    (re.compile(r"(\d+)日"), lambda m: f"{m[1]} days"),
)
_PUNCTUATION = str.maketrans({"（": " (", "）": ")", "；": "; ", "、": ", ", "，": ", ", "：": ": ", "《": " ",
                              "》": " ", "“": '"', "”": '"'})


def legal_citation(text: str | None, lang: str) -> str:
    """A legal basis as a page in ``lang`` shows it. Chinese: as declared. English: the names and
    phrases of the ``cite.`` catalogue entries in English, articles, orders and numbers converted
    (``国家知识产权局令第81号 第八十条`` → "CNIPA Order No. 81, art. 80"), the first letter a capital. A name without an entry
    stays Chinese — and raises in strict mode, so a test finds it."""
    if not text or lang == DEFAULT_LANGUAGE:
        return text or ""
    out = text
    for zh, en in _terms():
        out = out.replace(zh, f" {en} ")
    for pattern, replace in _CITATION_RULES:
        out = pattern.sub(replace, out)
    out = out.translate(_PUNCTUATION)
    out = re.sub(r"\s+", " ", out)
    out = re.sub(r"\s+([,;:)])", r"\1", out)
    out = re.sub(r"\(\s+", "(", out)
    out = re.sub(r"(No\. \d+|\)) (arts?\.|[A-Z])", r"\1, \2", out).strip()
    # a basis without its law's name reads "Art. 20", not "art. 20": it stands at the start of a line (under a clock's
    # title, beside 依据) as often as anywhere
    out = out[:1].upper() + out[1:]
    if STRICT and _HAN.search(out):
        raise MissingMessage(f"no {lang} form for the legal citation {text!r} (add cite.… entries): {out!r}")
    # a basis stands on its own (a cell, a line under a title): a phrase entry ("public service catalogue") or an
    # article of the procedure's law ("art. 14") gets a capital first letter, as a message shown on its own does
    return out[0].upper() + out[1:] if out[:1].islower() else out


#: the demo generators' synthetic mark inside a stored title (【合成】… or …（合成）)
_SYNTHETIC_MARK = re.compile(r"\s*[【（(]合成[】）)]\s*")


def without_synthetic_mark(title: str | None) -> tuple[str, bool]:
    """A stored title without the synthetic mark the demo data wrote into it, and whether it carried one: a page
    shows the mark as its synthetic badge, in the page's language, not as Chinese inside the title."""
    text = str(title or "")
    cleaned, found = _SYNTHETIC_MARK.subn(" ", text)
    return (re.sub(r"\s{2,}", " ", cleaned).strip(), True) if found else (text, False)
