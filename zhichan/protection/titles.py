"""A protection case's title in the page's language, from its parties and its kind (案件标题).

A case opened from a complaint was stored under a Chinese title ("甲 诉 乙 · 专利号" for an
adjudication, "甲 与 乙 · 专利号" for a mediation); the stored title is part of the case's record and
stays as it is. Pages show the title built here from the case's start fields instead: the parties
joined as the kind of case joins them in the page's language (诉 / v., 与 / and), then the patent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhichan.protection.service import COMPLAINT, DISPUTE, MEDIATION
from zhichan.web.i18n import translate

#: message keys: the parties of an adjudication (the requester against the respondent) and of a mediation
JOINED = {DISPUTE: "protection.case_title.against", MEDIATION: "protection.case_title.between"}


def case_title(procedure: str, fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """The title of a ``procedure`` case with these start fields in ``lang``, its parties as ``names`` gives them
    in ``lang`` (else as typed); None where the kind of case has no such title or its parties are not both named (the
    stored title is then shown)."""
    if procedure == COMPLAINT:
        return complaint_title(fields, lang, names)
    key = JOINED.get(procedure)
    requester, respondent = (str(fields.get(k) or "").strip() for k in ("requester", "respondent"))
    if key is None or not requester or not respondent:
        return None
    named = names or {}
    parties = translate(lang, key, requester=named.get(requester, requester), respondent=named.get(respondent, respondent))
    number = str(fields.get("patent_number") or "").strip()
    return f"{parties} · {number}" if number else parties


def titler(procedure: str) -> Any:
    """``case_title`` for one procedure, as the procedure engine's titler (``ProcedureService.add_titler``)."""

    def title(fields: dict[str, Any], lang: str, names: Mapping[str, str]) -> str | None:
        return case_title(procedure, fields, lang, names)

    return title


def complaint_title(fields: dict[str, Any], lang: str, names: Mapping[str, str] | None = None) -> str | None:
    """A complaint or report: who filed it (匿名举报 / Anonymous report where nobody is named), then the patent —
    the stored title was "投诉 · 某公司" (the form's first fields) or the demo's 匿名举报, Chinese on English pages."""
    number = str(fields.get("patent_number") or "").strip()
    if not number:
        return None
    reporter = str(fields.get("reporter") or "").strip()
    return f"{(names or {}).get(reporter, reporter) or translate(lang, 'protection.case_title.anonymous')} · {number}"
