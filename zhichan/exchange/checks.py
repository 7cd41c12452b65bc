"""The corpus checks every exchange transaction shares: the patent on a date as
:func:`zhichan.corpus.rights.rights_on` records it — with the pledges and licences the platform has recorded since
the snapshot (:func:`platform_status`) —, turned into messages beside a form's fields.

A listing and an open-licence declaration ask the same questions — does the patent exist, is it
granted and in force, does the offering party hold it, is it pledged without the pledgee's consent,
does an exclusive or sole licence stand in the way — and get the same answers from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.rights import Licence, RightStatus
from zhichan.corpus.validate import FieldError, normalize_application_number
from zhichan.errors import joined

#: the field a problem is shown beside
Problems = dict[str, list[str]]


def patent_number(value: str) -> str:
    """A typed patent number (``ZL2021…``, ``CN2021….X``, ``2021….X``) in the corpus form, or
    :class:`FieldError` with the reason."""
    return normalize_application_number(value)


def platform_status(session: Session, status: RightStatus) -> RightStatus:
    """``status`` (the corpus's answer on its day) with what the platform itself has recorded since the snapshot —
    the one place the exchange asks "who holds this patent, is it pledged, licensed": the pledges in force as the
    pledge register knows them (:func:`zhichan.finance.service.pledges_in_force`: one registered here after the
    snapshot counts, one released here no longer does), the licences of the platform's own deals, signed by that day
    (a licence contract binds from its signing; the corpus knows it once recorded and snapshot), and the holder after
    an assignment (转让, 作价入股) registered here by that day — it takes effect on its registration (专利法 第十条);
    the corpus names the buyer once a snapshot carries it (a transfer it records on or after the registration's day).
    A declaration published on a patent pledged the week before needed the pledgee's consent, and asked nobody for
    it; a seller who assigned the patent here last week no longer holds it."""
    if not status.found:
        return status
    from zhichan.exchange.deals import LICENCE_KINDS, TRANSFER_KINDS
    from zhichan.exchange.models import Deal
    from zhichan.finance.service import pledges_in_force

    number = status.application_number
    known = {(normalize_name(lic.licensee or ""), lic.kind) for lic in status.licences}
    deals = session.execute(select(Deal.seller, Deal.buyer, Deal.deal_kind, Deal.recorded_on, Deal.contract_on)
                            .where(Deal.application_number == number, Deal.deal_kind.in_(LICENCE_KINDS),
                                   Deal.state.in_(("contracted", "recorded")), Deal.contract_on <= status.on)
                            .order_by(Deal.id)).all()
    licences = [Licence(seller, buyer, kind, recorded_on or contract_on, None) for seller, buyer, kind, recorded_on,
                contract_on in deals if (normalize_name(buyer), kind) not in known]
    holders = status.holders
    assigned = session.execute(select(Deal.buyer, Deal.recorded_on)
                               .where(Deal.application_number == number, Deal.deal_kind.in_(TRANSFER_KINDS),
                                      Deal.state == "recorded", Deal.recorded_on <= status.on)
                               .order_by(Deal.recorded_on, Deal.id)).all()
    for buyer, recorded_on in assigned:
        if recorded_on is not None and not any(day is not None and day >= recorded_on for day in status.transferred_on):
            holders = (buyer,)  # the corpus does not know this assignment yet
    return replace(status, active_pledges=pledges_in_force(session, {number: status})[number],
                   licences=(*status.licences, *licences), holders=holders)


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


#: a pledged patent is assigned or licensed only with the pledgee's consent (民法典 第四百四十四条第二款: 知识产权中的财产权
#: 出质后，出质人不得转让或者许可他人使用，但是出质人与质权人协商同意的除外) — a deal, a listing for sale or licence
PLEDGE_BASIS = ("民法典第四百四十四条", "Civil Code, art. 444")


def pledge_problems(status: RightStatus, consent: bool, problems: Problems, *, field: str,
                    english: Mapping[str, str] | None = None, basis: tuple[str, str] | None = None) -> None:
    """A pledge in force (the corpus's and the platform's register's: :func:`platform_status`) without the pledgee's
    consent declared; ``basis``: the rule cited after the message (中文, English)."""
    if status.active_pledges and not consent:
        pledgees, pledgees_en = _listed([p.pledgee for p in status.active_pledges], english or {})
        zh, en = (f"（{basis[0]}）", f" ({basis[1]})") if basis else ("", "")
        add(problems, field, f"专利已质押（质权人：{pledgees}），须取得质权人同意{zh} / the patent is pledged "
                             f"(pledgee: {pledgees_en}): the pledgee's consent is required{en}")


def exclusive_licence_problems(status: RightStatus, problems: Problems, *, field: str, on: dt.date) -> None:
    """An exclusive (独占) or sole (排他) licence in force on ``on``."""
    for licence in status.exclusive_licences:
        until = f"至 {licence.until}" if licence.until else "未登记期限"
        add(problems, field, f"专利处于{licence.kind}有效期内（被许可人：{licence.licensee or '—'}，{until}） / an "
                             f"exclusive or sole licence is in force on {on}")


__all__ = ["PLEDGE_BASIS", "FieldError", "Problems", "add", "exclusive_licence_problems", "flatten", "holder_problems",
           "names_en", "patent_number", "platform_status", "pledge_problems", "standing_problems"]
