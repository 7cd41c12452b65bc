"""The corpus checks every exchange transaction shares: the patent on a date as
:func:`zhichan.corpus.rights.rights_on` records it, turned into messages beside a form's fields.

A listing and an open-licence declaration ask the same questions — does the patent exist, is it
granted and in force, does the offering party hold it, is it pledged without the pledgee's consent,
does an exclusive or sole licence stand in the way — and get the same answers from here.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping

from sqlalchemy.orm import Session

from zhichan.corpus.rights import RightStatus
from zhichan.corpus.validate import FieldError, normalize_application_number
from zhichan.errors import joined

#: the field a problem is shown beside
Problems = dict[str, list[str]]


def patent_number(value: str) -> str:
    """A typed patent number (``ZL2021…``, ``CN2021….X``, ``2021….X``) in the corpus form, or
    :class:`FieldError` with the reason."""
    raw = unicodedata.normalize("NFKC", value or "").strip().upper().replace(" ", "")
    return normalize_application_number(raw.removeprefix("ZL"))


def names_en(session: Session, status: RightStatus, *others: str | None, synthetic: bool = False) -> dict[str, str]:
    """The English names of the holders, pledgees and licensees ``status`` names, and of ``others`` (the offering
    party), for a message's English half (:func:`zhichan.platform.orgs.english_names`: a platform organization's
    English name; a generated party's in a synthetic corpus). A name without one stays as written."""
    from zhichan.platform.orgs import RowName, english_names

    named = {*status.holders, *(p.pledgee for p in status.active_pledges),
             *(licence.licensee for licence in status.exclusive_licences), *others}
    found = english_names(session, [RowName(n, status.region_code, synthetic) for n in named if n])
    return {str(row.name): en for row, en in found.items()}


def _listed(names: tuple[str | None, ...] | list[str | None], english: Mapping[str, str]) -> tuple[str, str]:
    """Names listed in a message: (中文 "甲、乙", English "A; B"), "—" for none."""
    zh = "、".join(n or "—" for n in names) or "—"
    en = "; ".join(english.get(n, n) if n else "—" for n in names) or "—"
    return zh, en


def add(problems: Problems, field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def flatten(problems: Problems) -> dict[str, str]:
    """Each field's problems as one "中文 / English" message (:func:`zhichan.errors.joined`)."""
    return {field: joined(messages) for field, messages in problems.items()}


def standing_problems(status: RightStatus, problems: Problems, *, field: str = "patent_number") -> None:
    """Found, granted, in force (专利法 第四十二条、第四十四条、第四十七条)."""
    if not status.found:
        add(problems, field, "平台数据中没有该专利 / the patent is not in the platform's data")
        return
    if not status.granted:
        add(problems, field, "专利尚未公告授权 / the patent has not been granted")
    if status.ended is not None:
        zh, en = status.ended
        add(problems, field, f"专利权已终止或无效（{zh}） / the right no longer stands ({en})")


def holder_problems(status: RightStatus, owner: str, problems: Problems, *, field: str,
                    party_key: str | None = None, english: Mapping[str, str] | None = None) -> None:
    """The named owner — and the offering enterprise, when one offers — must hold the right on the date.
    ``english``: names' English names (:func:`names_en`) for the English half."""
    if not status.found:
        return
    english = english or {}
    holders, holders_en = _listed(list(status.holders), english)
    if not status.held_by(owner):
        add(problems, field, f"“{owner}”不是该专利的权利人（权利人：{holders}） / {english.get(owner, owner)} does not "
                             f"hold the patent (holders: {holders_en})")
    elif party_key is not None and not status.held_by(party_key):
        add(problems, field, f"您所在单位不是该专利的权利人（权利人：{holders}） / your organization does not hold "
                             f"the patent")


def pledge_problems(status: RightStatus, consent: bool, problems: Problems, *, field: str,
                    english: Mapping[str, str] | None = None) -> None:
    if status.active_pledges and not consent:
        pledgees, pledgees_en = _listed([p.pledgee for p in status.active_pledges], english or {})
        add(problems, field, f"专利已质押（质权人：{pledgees}），须取得质权人同意 / the patent is pledged "
                             f"(pledgee: {pledgees_en}): the pledgee's consent is required")


def exclusive_licence_problems(status: RightStatus, problems: Problems, *, field: str, on: dt.date) -> None:
    """An exclusive (独占) or sole (排他) licence in force on ``on``."""
    for licence in status.exclusive_licences:
        until = f"至 {licence.until}" if licence.until else "未登记期限"
        add(problems, field, f"专利处于{licence.kind}有效期内（被许可人：{licence.licensee or '—'}，{until}） / an "
                             f"exclusive or sole licence is in force on {on}")


__all__ = ["FieldError", "Problems", "add", "exclusive_licence_problems", "flatten", "holder_problems",
           "names_en", "patent_number", "pledge_problems", "standing_problems"]
