"""A service application's title in the page's language, from its filing (案件标题).

An application was stored under its form's first two fields: the search service's "某公司 · 某公司主营技术的专利检索
分析" named the company twice (the demo's topic began with it, as an applicant's own often does), a pre-examination
"CN-HZ · 某公司" led with a centre's code, a priority request "CN… · 发明专利申请" and an objection "SUB-… 第 1 号 ·
资助结果异议" stayed Chinese on English pages, a subsidy round read as its programme's code alone. Pages show the title built here — what is asked for, then who asks —
and the stored title stays part of the case's record. The service itself is named beside the title (its column in
the list, its heading on the case page), so the title does not repeat it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zhichan.services import objections, preexam, priority, subsidies
from zhichan.web.i18n import translate

SEARCH_PROCEDURE = "services.search_service"


def _text(fields: dict[str, Any], name: str) -> str:
    return " ".join(str(fields.get(name) or "").split())


def without_applicant(topic: str, applicant: str) -> str:
    """A topic without the applicant's name it begins with (``某公司主营技术的…`` → ``主营技术的…``)."""
    if applicant and topic.startswith(applicant) and len(topic) > len(applicant):
        rest = topic[len(applicant):].lstrip(" ·:：,，")
        return rest[1:] if rest.startswith("的") and len(rest) > 1 else rest
    return topic


#: a topic composed of an IPC subclass and its title (:func:`ipc_topic`) as stored, in Chinese
_IPC_TOPIC = re.compile(r"([A-H]\d{2}[A-Z])(?:（[^（）]+）)? ?相关技术的专利检索分析")


#: the longest topic a title shows (a list's line): a longer one is cut, with "…"
TOPIC_LIMIT = 80

#: a letter or digit of a word written in spaced words (English); a cut between two of them is inside a word
_WORD_CHAR = re.compile(r"[0-9A-Za-z'’-]")

#: what a cut phrase does not end on: a comma, an example's or a gloss's lead, a word that leads to the next one
_DANGLING = re.compile(r"(?:[\s,;:(]+|\b(?:e\.g\.|i\.e\.|a|an|and|as|at|by|for|from|in|into|of|on|or|the|to|with))+$")


def shortened(text: str, limit: int = TOPIC_LIMIT) -> str:
    """``text`` in at most ``limit`` characters and "…", where it is longer: a text in spaced words (English) after
    the last whole word that fits — never inside a word, nor on a comma, an "e.g." or a word leading to the next
    (``Processes or means, e.g. batteries…``); a text without spaces between its words (Chinese) at the limit."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not (cut[-1].isascii() and " " in cut):  # written without spaces (Chinese): at the limit
        return f"{cut}…"
    if _WORD_CHAR.match(text[limit - 1]) and _WORD_CHAR.match(text[limit]):  # inside a word
        cut = cut.rsplit(" ", 1)[0]
    return f"{_DANGLING.sub('', cut) or cut}…"


def ipc_topic(code: str, lang: str) -> str:
    """A search of the technology of IPC subclass ``code``, in ``lang``: ``B23F（齿轮或齿条的制造）相关技术的专利检索分析``
    / ``Patent search and analysis of B23F (Making gears or toothed racks)`` — the subclass's title up to its first
    separator, from the reference data in that language (WIPO's capitals in sentence case), cut where the topic would
    pass :data:`TOPIC_LIMIT` (:func:`shortened`, within its brackets: ``H01M (Processes or means, e.g. batteries…)``).
    A subclass that language's edition has no title for says so, as a search facet does
    (:func:`zhichan.web.labels.ipc_code_title`: ``H10K (no title in the reference data; within H: Electricity)``, whole),
    never its section's title as its own."""
    from zhichan.web.labels import ipc_code_title

    shown = ipc_code_title(code, lang)
    if shown is None:
        return translate(lang, "services.search_topic.ipc_untitled", code=code)
    title, own = shown
    if not own:
        return translate(lang, "services.search_topic.ipc", code=code, title=title)
    title = re.split(r"[，；、]" if lang == "zh" else r";", title)[0].strip()
    topic = translate(lang, "services.search_topic.ipc", code=code, title=title)
    if len(topic) > TOPIC_LIMIT:  # the title cut so that the topic fits with its closing bracket and "…"
        topic = translate(lang, "services.search_topic.ipc", code=code,
                          title=shortened(title, TOPIC_LIMIT - 1 - (len(topic) - len(title))))
    return topic


def topic_in(topic: str, lang: str) -> str:
    """A topic in ``lang`` where it is composed of an IPC subclass and its title (:func:`ipc_topic`: the demo's, or an
    applicant's typed as it composes one, cut as it cuts one — a note that the subclass has no title there whole); any
    other topic is the applicant's own words, as typed, a long one cut (:func:`shortened`)."""
    composed = _IPC_TOPIC.fullmatch(topic)
    return ipc_topic(composed[1], lang) if composed and lang != "zh" else shortened(topic)


def search_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """``锂电池隔膜领域的专利检索分析 · 某公司`` — the topic (without the company's name; in ``lang`` where it is composed
    of an IPC subclass, and a long one cut: :func:`topic_in`), then the company (in ``lang`` from ``names`` where known there; any other
    topic is the applicant's own words, as typed)."""
    applicant, topic = _text(fields, "applicant"), _text(fields, "topic")
    if not applicant or not topic:
        return None
    topic = topic_in(without_applicant(topic, applicant), lang)
    return f"{topic} · {_party(fields, 'applicant', names)}"


def _party(fields: dict[str, Any], name: str, names: Mapping[str, str] | None) -> str:
    """A field naming a party, in the page's language where ``names`` knows it (:meth:`ProcedureService.party_names`)."""
    typed = str(fields.get(name) or "")
    return " ".join((names or {}).get(typed, typed).split())


def priority_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """``CN202619000000.1 · 发明专利申请`` / ``… · Invention application``."""
    number, subject = _text(fields, "application_number"), _text(fields, "subject")
    if not number or not subject:
        return None
    return f"{number} · {translate(lang, f'choice.{subject}')}"


def preexam_filing_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """``中国（杭州）知识产权保护中心（示例） · 某公司`` — the centre by its name in the page's language, not its code."""
    centre, applicant = preexam.centres().get(_text(fields, "centre")), _text(fields, "applicant")
    if centre is None or not applicant:
        return None
    return f"{centre.name.en if lang == 'en' else centre.name.zh} · {_party(fields, 'applicant', names)}"


def preexam_case_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """``一种…的装置 · 某公司`` — the application's own title, then the applicant."""
    title, applicant = _text(fields, "title"), _text(fields, "applicant")
    return f"{title} · {_party(fields, 'applicant', names)}" if title and applicant else None


def objection_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """``SUB-2026-01 第 1 号 · 资助结果异议`` / ``SUB-2026-01 line 1 · objection to the result``."""
    programme, line = _text(fields, "programme"), _text(fields, "line")
    if not programme:
        return None
    if line:
        return translate(lang, "services.case_title.objection", programme=programme, line=line)
    return translate(lang, "services.case_title.objection_unlisted", programme=programme)


def round_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """``SUB-2026-01 · 2026年度专利转化运用与高价值专利奖励（示例）`` / ``… · 2026 awards for patent use and high-value
    patents (example)`` — the programme's code, then its title in the page's language (a round was shown by its code alone, on the leader's to-do list too)."""
    code = _text(fields, "programme")
    found = subsidies.programmes().get(code)
    return f"{code} · {found.title.en if lang == 'en' else found.title.zh}" if found else None


TITLERS = {
    SEARCH_PROCEDURE: search_title,
    priority.PROCEDURE: priority_title,
    preexam.FILING: preexam_filing_title,
    preexam.CASE: preexam_case_title,
    objections.PROCEDURE: objection_title,
    subsidies.ROUND_PROCEDURE: round_title,
}
