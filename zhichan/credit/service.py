"""The credit list's rules. :func:`active_listing` is the one check every other module calls.

Under 国家知识产权局知识产权信用管理规定 (2022) the measures against a listed subject last one year
from the listing; the subject may ask for credit repair after six months. Both periods are calendar
periods computed by :mod:`zhichan.legaltime`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhichan.corpus.parties import normalize_name
from zhichan.corpus.validate import FieldError, normalize_uscc
from zhichan.credit.models import CreditListing
from zhichan.errors import FormError
from zhichan.legaltime.periods import add_months, add_years

#: the listing grounds of the 2022 rules (第六条), as codes with their Chinese and English labels
GROUNDS: dict[str, tuple[str, str]] = {
    "abnormal_filing": ("从事非正常专利申请行为", "non-normal patent filing"),
    "malicious_trademark": ("恶意商标注册申请行为", "malicious trademark filing"),
    "unlicensed_agency": ("违法从事专利、商标代理业务", "unlawful patent or trademark agency"),
    "false_material": ("提交虚假材料或隐瞒重要事实申请行政确认", "false material or concealed facts"),
    "repeat_infringement": ("适用信用承诺被认定承诺不实或未履行承诺", "broken credit commitment"),
    "refused_decision": ("对作出的行政处罚、行政裁决有履行能力但拒不履行、逃避执行", "refusing to carry out a decision"),
    "other": ("其他被列入严重违法失信名单的情形", "other serious dishonesty"),
}
#: the measures last this long; repair may be asked for after REPAIR_AFTER_MONTHS
MEASURE_YEARS = 1
REPAIR_AFTER_MONTHS = 6


@dataclass(frozen=True)
class Listing:
    """A listing in force: what a refusal shows ("列入严重违法失信名单（决定书 …，至 …）")."""

    id: int
    subject: str
    ground: str
    decision_number: str
    listed_from: dt.date
    listed_until: dt.date

    @property
    def reason(self) -> str:
        zh, en = GROUNDS.get(self.ground, GROUNDS["other"])
        return (f"{self.subject} 被列入知识产权领域严重违法失信名单（{zh}；{self.decision_number}，"
                f"{self.listed_from.isoformat()} 至 {self.listed_until.isoformat()}） / {self.subject} is on the IP "
                f"credit list ({en}; {self.decision_number}, {self.listed_from} to {self.listed_until})")


def measures_end(listed_from: dt.date) -> dt.date:
    """The last day the measures apply: one year from the listing (民法典 第二百零一条: the period
    starts the next day and ends on the corresponding day)."""
    return add_years(listed_from, MEASURE_YEARS)


def repair_allowed_from(listed_from: dt.date) -> dt.date:
    return add_months(listed_from, REPAIR_AFTER_MONTHS)


def active_listing(session: Session, *, on: dt.date, name: str | None = None,
                   credit_code: str | None = None) -> Listing | None:
    """The listing in force on ``on`` for a subject named ``name`` (any spelling normalize_name folds
    together) or with 统一社会信用代码 ``credit_code``; ``None`` when the subject is not listed."""
    conditions = []
    if name and name.strip():
        conditions.append(CreditListing.subject_key == normalize_name(name))
    if credit_code and credit_code.strip():
        conditions.append(CreditListing.credit_code == credit_code.strip().upper())
    if not conditions:
        return None
    row = session.scalars(
        select(CreditListing)
        .where(or_(*conditions), CreditListing.listed_from <= on, CreditListing.listed_until >= on,
               or_(CreditListing.repaired_on.is_(None), CreditListing.repaired_on > on))
        .order_by(CreditListing.listed_until.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return Listing(row.id, row.subject, row.ground, row.decision_number, row.listed_from, row.listed_until)


def record_listing(session: Session, *, subject: str, ground: str, decision_number: str, listed_from: dt.date,
                   org_id: int, org_path: str, region_code: str, credit_code: str | None = None, facts: str = "",
                   case_id: int | None = None) -> CreditListing:
    """Enter a listing decision (the listing procedure's last step calls this; so do imports of
    decisions taken elsewhere and the demo data)."""
    errors: dict[str, str] = {}
    if not subject.strip():
        errors["subject"] = "请填写被列入主体 / name the subject"
    if ground not in GROUNDS:
        errors["ground"] = "请选择列入依据 / choose a listing ground"
    if not decision_number.strip():
        errors["decision_number"] = "请填写决定书文号 / give the decision's number"
    code: str | None = None
    if credit_code and credit_code.strip():
        try:
            code = normalize_uscc(credit_code)
        except FieldError as exc:
            errors["credit_code"] = str(exc)
    if errors:
        raise FormError(errors)
    row = CreditListing(subject=subject.strip(), subject_key=normalize_name(subject), credit_code=code, ground=ground,
                        facts=facts, decision_number=decision_number.strip(), listed_from=listed_from,
                        listed_until=measures_end(listed_from), org_id=org_id, org_path=org_path,
                        region_code=region_code, case_id=case_id)
    session.add(row)
    session.flush()
    return row
