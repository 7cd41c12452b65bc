"""专利开放许可 (open licences): the declaration's content and refusal grounds, its register, the licences
formed under it (written notice plus payment), their 备案, the annuity reduction, the public catalogue.

The declaration is a case of the declared procedure ``exchange.open_licence`` (its YAML in
``definitions/``); :func:`on_step` is that procedure's hook — it checks the rules below inside each
step's transaction and keeps :class:`~zhichan.exchange.models.OpenLicence` in step with the case.

Rules (专利法 第五十至五十二条; 实施细则 第八十五至八十八条; 专利审查指南 第五部分第十一章; RULES.md M4):

* only the patentee, after the grant is announced (细则 85); required content: number, patentee, fee
  method and standard, payment, term, contact, a conformity commitment; the fee note at most 2,000
  characters; a fixed fee at most 20,000,000 yuan, a royalty at most 20 % of net sales or 40 % of profit;
* refused (细则 86; 指南 §3.1) while an exclusive or sole licence is in force, while proceedings are
  suspended, when the annuity is known unpaid, when pledged without the pledgee's consent, when the
  right has terminated or been invalidated, and for a utility model or design without a favourable
  evaluation report (法 50) — checked on filing and again on publication;
* withdrawal: written, unconditional, with every co-owner's consent; licences already granted stand;
* a licence exists once the licensee has given written notice **and** paid (法 51); it is then
  recorded (备案, 细则 87) by the patentee, the licensee or the bureau.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.corpus.rights import RightStatus, right_on
from zhichan.corpus.store import Snapshot
from zhichan.credit.service import active_listing
from zhichan.errors import ConflictError, FormError, NotFoundError, PermissionDenied, joined
from zhichan.evidence.service import EvidenceService
from zhichan.exchange import annuity
from zhichan.exchange.checks import (
    FieldError,
    Problems,
    add,
    exclusive_licence_problems,
    flatten,
    holder_problems,
    names_en,
    patent_number,
    platform_status,
    pledge_problems,
    standing_problems,
)
from zhichan.exchange.models import OpenLicence, OpenLicenceGrant
from zhichan.exchange.scope import is_licensee, is_patentee_side, sees_declaration
from zhichan.legaltime import china_date, china_today
from zhichan.money import MoneyError, format_money, parse_money
from zhichan.platform import audit
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope
from zhichan.procedures.service import StepTaken

PROCEDURE = "exchange.open_licence"
FEE_METHODS = {"固定费用": "fixed", "按净销售额提成": "sales_royalty", "按利润提成": "profit_royalty"}
FEE_METHOD_LABELS = {v: k for k, v in FEE_METHODS.items()}
#: 专利审查指南 第五部分第十一章 §3.2 [P, the 2025 edition]: "generally" these caps
MAX_FIXED_FEE = Decimal("20000000")
MAX_ROYALTY_PERCENT = {"sales_royalty": Decimal(20), "profit_royalty": Decimal(40)}
MAX_FEE_NOTE = 2000
EVALUATION_NOT_APPLICABLE = "不适用（发明专利）"
EVALUATION_FAVOURABLE = "未发现不符合授权条件的缺陷"
COMMITMENT = "本声明内容真实，符合开放许可的规定，无夸大宣传"
CO_OWNERS_CONSENT = "全体共有人已书面同意"


def fee_value(method: str, text: str) -> Decimal:
    """The fee standard as a Decimal (yuan, or per cent), or :class:`FormError` beside ``fee_standard``."""
    cleaned = (text or "").strip().replace(",", "").replace("，", "").removesuffix("%").removesuffix("元").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FormError({"fee_standard": "许可使用费标准应为数字（元或百分比） / the fee standard must be a number "
                                         "(yuan or per cent)"}) from None
    if not value.is_finite() or value <= 0:
        raise FormError({"fee_standard": "许可使用费标准应大于零 / the fee standard must be above zero"})
    if method == "fixed" and value > MAX_FIXED_FEE:
        raise FormError({"fee_standard": "固定许可使用费一般不超过 2000 万元 / a fixed fee may not exceed "
                                         "20,000,000 yuan"})
    if method in MAX_ROYALTY_PERCENT and value > MAX_ROYALTY_PERCENT[method]:
        cap = MAX_ROYALTY_PERCENT[method]
        base = "净销售额" if method == "sales_royalty" else "利润"
        raise FormError({"fee_standard": f"按{base}提成一般不超过 {cap}% / a royalty on "
                                         f"{'net sales' if method == 'sales_royalty' else 'profit'} may not exceed {cap} %"})
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise FormError({"fee_standard": "最多保留四位小数 / at most four decimal places"})
    return value


def declaration_problems(status: RightStatus, fields: dict[str, Any], *, on: dt.date, documents: int,
                         party_key: str | None, english: Mapping[str, str] | None = None) -> Problems:
    """Every reason to refuse a declaration, by field: the content (细则 85) and the grounds (细则 86).
    ``english``: the named parties' English names (:func:`zhichan.exchange.checks.names_en`)."""
    problems: Problems = {}
    standing_problems(status, problems)
    holder_problems(status, str(fields.get("patentee", "")), problems, field="patentee", party_key=party_key,
                    english=english)
    rights_problems(status, fields, problems, on=on, english=english)
    if status.found and status.kind in ("utility_model", "design"):
        evaluation = fields.get("evaluation")
        if evaluation == EVALUATION_NOT_APPLICABLE or not documents:
            add(problems, "evaluation", "实用新型、外观设计须提供专利权评价报告（上传附件） / a utility model or design "
                                        "needs its evaluation report (attach it)")
        elif evaluation != EVALUATION_FAVOURABLE:
            add(problems, "evaluation", "专利权评价报告结论为否定，不得实行开放许可 / the evaluation report is "
                                        "unfavourable: no open licence")
    method = FEE_METHODS.get(str(fields.get("fee_method", "")))
    if method is not None:
        try:
            fee_value(method, str(fields.get("fee_standard", "")))
        except FormError as exc:
            for k, v in exc.errors.items():
                add(problems, k, v)
    if len(str(fields.get("fee_note", ""))) > MAX_FEE_NOTE:
        add(problems, "fee_note", "计算依据说明不超过 2000 字 / the fee note is limited to 2,000 characters")
    start, until = fields.get("term_from"), fields.get("term_until")
    if start and until:
        if until < start:
            add(problems, "term_until", "许可期限止日早于起日 / the term ends before it starts")
        elif status.term is not None and (past := status.term.runs_past(dt.date.fromisoformat(until))) is not False:
            zh, en = status.term.text()
            if past:
                add(problems, "term_until", f"许可期限不得超过专利权期限：专利权期限{zh} / the term may not run past "
                                            f"the patent's, which {en}")
            else:  # unknown: a compensation whose length cannot be read, the licence past the statutory end
                add(problems, "term_until", f"专利权{zh}，无法确认涵盖许可期限 / the patent's term {en}: it cannot "
                                            "be shown to cover the licence term")
    if fields.get("commitment") != COMMITMENT:
        add(problems, "commitment", "须作出符合性承诺 / the conformity commitment is required")
    return problems


def rights_problems(status: RightStatus, fields: dict[str, Any], problems: Problems, *, on: dt.date,
                    english: Mapping[str, str] | None = None) -> None:
    """The grounds of 细则 第八十六条 that the right's state decides (rechecked on publication)."""
    if not status.found:
        return
    exclusive_licence_problems(status, problems, field="patent_number", on=on)
    if status.suspended:
        add(problems, "patent_number", "专利权因权属纠纷或保全处于中止程序 / proceedings are suspended (ownership "
                                       "dispute or court preservation)")
    if status.annuity_paid is False and status.ended is None:  # a right ended for it says so once (standing_problems)
        add(problems, "patent_number", "专利年费未按规定缴纳 / the annuity has not been paid")
    pledge_problems(status, bool(fields.get("pledgee_consent")), problems, field="pledgee_consent", english=english)


# -- the procedure hook --------------------------------------------------------------------------

def on_step(snapshot: Snapshot | None, session: Session, scope: Scope, step: StepTaken) -> None:
    """Check and register each step of an ``exchange.open_licence`` case (runs in its transaction)."""
    today = china_date(step.now)
    if step.event == "start":
        _file(snapshot, session, scope, step, today)
        return
    row = session.scalar(select(OpenLicence).where(OpenLicence.case_id == step.case_id))
    if row is None:  # pragma: no cover - every case has its register row from its start
        raise NotFoundError("没有该开放许可声明 / no such declaration")
    if step.event == "publish":
        status = _status(session, snapshot, row.application_number, today)
        problems: Problems = {}
        standing_problems(status, problems)
        rights_problems(status, step.case_fields, problems, on=today,
                        english=names_en(session, status, synthetic=bool(snapshot and snapshot.synthetic)))
        if problems:
            raise FormError({"_rights": joined(["公告前复核未通过 / the check before publication failed",
                                                *(m for ms in problems.values() for m in ms)])})
        row.published_on = today
    elif step.event == "withdraw":
        status = _status(session, snapshot, row.application_number, today)
        if len(status.holders) > 1 and (step.fields.get("co_owners_consent") != CO_OWNERS_CONSENT
                                        or not [d for d in step.documents if d.get("slot") == "extra"]):
            raise FormError({"co_owners_consent": f"专利权共有（{'、'.join(status.holders)}），撤回须经全体共有人书面"
                                                  "同意并上传同意书 / the patent is co-owned: every co-owner's written "
                                                  "consent is required (attach it)"})
        row.ended_on = today
    elif step.event == "revoke":
        row.ended_on = today
    row.state = step.target
    session.flush()


def _status(session: Session, snapshot: Snapshot | None, number: str, on: dt.date) -> RightStatus:
    """The patent on ``on`` as the corpus and the platform's own records since know it (:func:`platform_status`)."""
    if snapshot is None:
        raise ConflictError("尚无语料快照，无法核对专利状态 / no corpus snapshot: the patent cannot be checked")
    return platform_status(session, right_on(snapshot, number, on))


def filing_problems(session: Session, snapshot: Snapshot | None, fields: dict[str, Any], *, today: dt.date,
                    documents: int, party_key: str | None) -> tuple[str, RightStatus, Problems]:
    """Every reason the filing of a declaration with ``fields`` (and ``documents`` attached reports) is refused on
    ``today``: the content and the grounds (:func:`declaration_problems`), a declaration already filed or published for
    the patent, the patentee on the credit list. The patent's number, its status and the problems by field (none: the
    filing is accepted) — the one check of a filing, which the demo asks too before it declares."""
    try:
        number = patent_number(str(fields.get("patent_number", "")))
    except FieldError as exc:
        raise FormError({"patent_number": str(exc)}) from None
    status = _status(session, snapshot, number, today)
    english = names_en(session, status, str(fields.get("patentee", "")), synthetic=bool(snapshot and snapshot.synthetic))
    problems = declaration_problems(status, fields, on=today, documents=documents, party_key=party_key,
                                    english=english)
    pending = session.scalar(select(OpenLicence.id).where(OpenLicence.application_number == number,
                                                          OpenLicence.state.in_(("filed", "published"))))
    if pending is not None:
        add(problems, "patent_number", "该专利已有开放许可声明（待公告或已公告） / the patent already has a filed or "
                                       "published declaration")
    listed = active_listing(session, on=today, name=str(fields.get("patentee", "")))
    if listed is not None:
        add(problems, "patentee", listed.reason)
    return number, status, problems


def _file(snapshot: Snapshot | None, session: Session, scope: Scope, step: StepTaken, today: dt.date) -> None:
    fields = step.fields
    extras = len([d for d in step.documents if d.get("slot") == "extra"])
    number, status, problems = filing_problems(session, snapshot, fields, today=today, documents=extras,
                                               party_key=step.party_key)
    if problems:
        raise FormError(flatten(problems))
    assert status.kind is not None and status.application_date is not None
    method = FEE_METHODS[fields["fee_method"]]
    from zhichan.platform.models import Organization

    org = session.get(Organization, step.org_id)
    session.add(OpenLicence(
        case_id=step.case_id, application_number=number, title=status.title or "", patent_kind=status.kind,
        application_date=status.application_date, ipc=" ".join(patent_ipc(snapshot, number)),
        patent_region=status.region_code or "", patentee=str(fields["patentee"]).strip(), fee_method=method,
        payment_schedule=fields["payment_schedule"], fee_value=fee_value(method, fields["fee_standard"]),
        fee_note=fields["fee_note"], term_from=dt.date.fromisoformat(fields["term_from"]),
        term_until=dt.date.fromisoformat(fields["term_until"]), contact=fields["contact"], state=step.target,
        org_id=step.org_id, org_path=org.path if org else "/", party_key=step.party_key,
        synthetic=bool(snapshot.synthetic) if snapshot is not None else False, created_at=step.now))
    session.flush()


def patent_ipc(snapshot: Snapshot | None, number: str) -> list[str]:
    """The patent's IPC codes as the corpus records them."""
    if snapshot is None:
        return []
    con = snapshot.reader()
    try:
        rows = con.execute("SELECT ipc FROM patents WHERE application_number = ?", [number]).fetchall()
    finally:
        con.close()
    return [str(c) for c in (rows[0][0] or [])] if rows else []


# -- reading -------------------------------------------------------------------------------------

#: an exclusive or sole licence of an open-licensed patent (a listing's mode, a deal's kind)
OPEN_EXCLUSIVE = ("该专利实行开放许可，不得给予独占或排他许可 / under an open licence the patent may not be licensed "
                  "exclusively or solely (专利法第五十一条)")


def in_force(session: Session, numbers: list[str]) -> dict[str, OpenLicence]:
    """The open-licence declarations in force on these patents (published, neither withdrawn nor revoked), by number:
    what a pledge (the pledgee's consent to continue the licence) and a sale (withdrawn before the assignment, 指南 §9)
    of the patent answer to. ``numbers``: a form's few rights."""
    if not numbers:
        return {}
    rows = session.scalars(select(OpenLicence).where(OpenLicence.application_number.in_(numbers),
                                                     OpenLicence.state == "published").order_by(OpenLicence.id))
    return {r.application_number: r for r in rows}


def get(session: Session, scope: Scope, declaration_id: int) -> OpenLicence:
    row = session.get(OpenLicence, declaration_id)
    if row is None or not sees_declaration(scope, row):
        raise NotFoundError(f"没有开放许可声明 {declaration_id} / no open-licence declaration {declaration_id}")
    return row


def grants(session: Session, scope: Scope, row: OpenLicence) -> list[OpenLicenceGrant]:
    """The licences formed under a declaration: all of them for its patentee and the area's officers,
    a licensee's own for a licensee, none for the public."""
    query = select(OpenLicenceGrant).where(OpenLicenceGrant.open_licence_id == row.id).order_by(OpenLicenceGrant.id)
    if is_patentee_side(scope, row):
        return list(session.scalars(query))
    if scope.is_authenticated:
        return [g for g in session.scalars(query) if is_licensee(scope, g)]
    return []


# -- licences: written notice plus payment, then 备案 ---------------------------------------------

def _money(text: str, field: str) -> Decimal:
    try:
        return parse_money(text)
    except MoneyError as exc:
        raise FormError({field: exc.reason}) from None


def _day(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise FormError({field: "日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD"}) from None


def take_licence(session: Session, scope: Scope, evidence: EvidenceService, declaration_id: int, *,
                 licensee: str, notice_on: str, paid_yuan: str, paid_on: str, notice: bytes, payment_proof: bytes,
                 now: dt.datetime) -> OpenLicenceGrant:
    """法 51: a licence under a published declaration exists once the licensee has notified the patentee in
    writing and paid by the published standard. The notice's and the proof's digests go to the evidence log."""
    scope.require_authenticated()
    if scope.role != Role.ENTERPRISE_USER:
        raise PermissionDenied("只有创新主体（企业、高校、科研机构）可以获得许可 / only an enterprise, university or "
                               "institute account can take a licence")
    row = get(session, scope, declaration_id)
    if is_patentee_side(scope, row):
        raise PermissionDenied("专利权人不能向自己实施开放许可 / the patentee cannot take its own open licence")
    errors: dict[str, str] = {}
    if not licensee.strip():
        errors["licensee"] = "请填写被许可人 / name the licensee"
    for check in (lambda: _day(notice_on, "notice_on"), lambda: _day(paid_on, "paid_on"),
                  lambda: _money(paid_yuan, "paid_yuan")):
        try:
            check()
        except FormError as exc:
            errors.update(exc.errors)
    if not notice:
        errors["notice"] = "请上传书面通知 / attach the written notice"
    if not payment_proof:
        errors["payment_proof"] = "请上传付款凭证 / attach the proof of payment"
    if errors:
        raise FormError(errors)
    today = china_date(now)
    notice_day, paid_day, amount = _day(notice_on, "notice_on"), _day(paid_on, "paid_on"), _money(paid_yuan, "paid_yuan")
    future = {name: "日期不能晚于今天 / the date is in the future"
              for name, day in (("notice_on", notice_day), ("paid_on", paid_day)) if day > today}
    if future:  # each date beside its own field (a notice dated ahead had no message when the payment was too)
        raise FormError(future)
    effective = max(notice_day, paid_day)
    if row.state != "published" or row.published_on is None or effective < row.published_on \
            or (row.ended_on is not None and effective >= row.ended_on):
        raise ConflictError("该声明在通知和付款之日未处于公告状态，不能据此获得开放许可 / the declaration was not "
                            "published when notice and payment were complete")
    if effective > row.term_until:
        raise FormError({"notice_on": f"许可期限已于 {row.term_until} 届满 / the licence term ended on {row.term_until}"})
    if row.fee_method == "fixed" and row.payment_schedule == "一次性支付" and amount < row.fee_value:
        raise FormError({"paid_yuan": f"应按公告标准一次性支付 {format_money(row.fee_value, 'zh')} / pay the published fee "
                                      f"of {format_money(row.fee_value, 'en')}"})
    entry = evidence.append_records([{
        "kind": "exchange.open_licence.licence", "declaration": row.id, "patent": row.application_number,
        "licensee": licensee.strip(), "notice_on": notice_day.isoformat(), "paid_on": paid_day.isoformat(),
        "paid_yuan": str(amount), "by": scope.username, "at": now.isoformat(),
        "notice_sm3": hashlib.new("sm3", notice).hexdigest(), "payment_sm3": hashlib.new("sm3", payment_proof).hexdigest(),
    }], now=now, conn=session.connection())[0]
    grant = OpenLicenceGrant(open_licence_id=row.id, licensee=licensee.strip()[:300], licensee_user_id=scope.user_id,
                             licensee_key=scope.party_key, notice_on=notice_day, paid_yuan=amount, paid_on=paid_day,
                             effective_on=effective, until=row.term_until, evidence_index=entry.index, created_at=now)
    session.add(grant)
    session.flush()
    audit.record(session, scope, "exchange.open_licence.licence", row.application_number,
                 detail={"declaration": row.id, "grant": grant.id, "evidence": entry.index})
    return grant


def record_licence(session: Session, scope: Scope, evidence: EvidenceService, grant_id: int, *, recorded_on: str,
                   now: dt.datetime) -> OpenLicenceGrant:
    """备案 (细则 87): by the patentee, the licensee or the bureau of the area; once."""
    scope.require_authenticated()
    grant = session.get(OpenLicenceGrant, grant_id)
    row = session.get(OpenLicence, grant.open_licence_id) if grant is not None else None
    if grant is None or row is None or not (is_patentee_side(scope, row) or is_licensee(scope, grant)):
        raise NotFoundError(f"没有许可 {grant_id} / no licence {grant_id}")
    day = _day(recorded_on, "recorded_on")
    if day < grant.effective_on or day > china_date(now):
        raise FormError({"recorded_on": f"备案日应在许可生效（{grant.effective_on}）之后、不晚于今天 / the recording "
                                        f"date must fall between the licence's start ({grant.effective_on}) and today"})
    if grant.recorded_on is not None:
        raise ConflictError(f"该许可已于 {grant.recorded_on} 备案 / already recorded on {grant.recorded_on}")
    entry = evidence.append_records([{
        "kind": "exchange.open_licence.record", "grant": grant.id, "declaration": row.id,
        "patent": row.application_number, "recorded_on": day.isoformat(), "by": scope.username, "at": now.isoformat(),
        "digest": hashlib.new("sm3", json.dumps([grant.id, day.isoformat()]).encode()).hexdigest(),
    }], now=now, conn=session.connection())[0]
    grant.recorded_on = day
    grant.record_evidence_index = entry.index
    session.flush()
    audit.record(session, scope, "exchange.open_licence.record", row.application_number,
                 detail={"grant": grant.id, "recorded_on": day.isoformat(), "evidence": entry.index})
    return grant


def reduction(session: Session, row: OpenLicence, snapshot: Snapshot | None, *,
              other_rate: Decimal = Decimal(0)) -> list[annuity.YearLine]:
    """The declaration's annuity reduction per patent year, from the year of its publication to the end
    of the licence term (:mod:`zhichan.exchange.annuity` holds the rules). A patent year that ends past the patent's
    term ends with it: the term is the one term rule's (:attr:`zhichan.corpus.rights.RightStatus.term`, a compensation
    included, 专利法 第四十二条) as the corpus records it — the statutory term where the corpus is not loaded or the
    compensation cannot be read."""
    recorded = session.scalars(select(OpenLicenceGrant).where(OpenLicenceGrant.open_licence_id == row.id,
                                                              OpenLicenceGrant.recorded_on.is_not(None))).all()
    windows = [annuity.Window(g.recorded_on, g.until) for g in recorded if g.recorded_on is not None]
    first = annuity.patent_year_of(row.application_date, row.published_on or row.term_from)
    last = annuity.patent_year_of(row.application_date, row.term_until)
    term = right_on(snapshot, row.application_number, china_today()).term if snapshot is not None else None
    return annuity.reduction_schedule(row.patent_kind, row.application_date, windows, withdrawn_on=row.ended_on,
                                      other_rate=other_rate, from_year=first, to_year=last,
                                      term_last_day=term.end if term is not None else None)


# -- the public catalogue -----------------------------------------------------------------------

CATALOGUE_PAGE = 20


class TextHits(frozenset[str]):
    """The application numbers a text query matched, and the same numbers in the index's order (``ordered``:
    the snapshot's, by application number) — an evenly spaced sample of them without sorting them again."""

    ordered: list[str]

    def __new__(cls, ordered: list[str]) -> TextHits:
        hits = super().__new__(cls, ordered)
        hits.ordered = ordered
        return hits


def text_hits(snapshot: Snapshot | None, query: str) -> TextHits | None:
    """Application numbers of every patent matching ``query`` in the platform's query language (a bare
    term searches title, abstract and claims), through the search index; ``None`` for no query."""
    if not query.strip():
        return None
    from zhichan.search.errors import QuerySyntaxError
    from zhichan.search.index import SearchIndex
    from zhichan.search.parser import parse

    try:
        node = parse(query)
    except QuerySyntaxError as exc:  # beside the text field, with the position (zhichan.web.query_errors)
        raise FormError({"q": exc.message}) from None
    if snapshot is None:
        return TextHits([])
    index = SearchIndex.for_snapshot(snapshot, required=False)
    if index is None:
        raise ConflictError("检索索引尚未建立，暂不能按文本检索 / the search index is not built yet: text search is "
                            "unavailable")
    return TextHits(index.all_application_numbers(node).to_pylist())


def ipc_prefix(value: str) -> str:
    """An IPC filter (``H01M``, ``H01M4``, ``H01M4/13``) checked and normalized, or FormError."""
    import re
    import unicodedata

    code = unicodedata.normalize("NFKC", value or "").strip().upper().replace(" ", "")
    if code and not re.fullmatch(r"[A-H](\d{2}([A-Z](\d{1,4}(/\d{1,6})?)?)?)?", code):
        raise FormError({"ipc": "IPC 分类号格式不正确（如 H01M 或 H01M4/13） / malformed IPC code (e.g. H01M, H01M4/13)"})
    return code


def ipc_matches(codes: str, prefix: str) -> bool:
    """Whether one of the space-separated ``codes`` lies below ``prefix`` (a main group's digits end
    where its ``/`` begins: H01M4 covers H01M4/13, not H01M40/…)."""
    for code in codes.split():
        if code == prefix or (code.startswith(prefix) and (not prefix[-1].isdigit() or "/" in prefix
                                                          or code[len(prefix)] == "/")):
            return True
    return False


def catalogue_regions(session: Session) -> list[str]:
    """The regions of the published open licences' patents: what the catalogue's region filter offers by name."""
    query = select(OpenLicence.patent_region).where(OpenLicence.state == "published").distinct()
    return sorted(code for code in session.scalars(query) if code)


def catalogue(session: Session, snapshot: Snapshot | None, *, q: str = "", ipc: str = "", fee_method: str = "",
              region: str = "", page: int = 1) -> dict[str, Any]:
    """The public catalogue of published open licences: text through the search index, filters by IPC,
    fee method and the patent's region."""
    from zhichan.platform.scope import region_filter, region_prefix

    ipc_code = ipc_prefix(ipc)
    if fee_method and fee_method not in FEE_METHOD_LABELS:
        raise FormError({"fee_method": "计费方式无效 / unknown fee method"})
    prefix = region_prefix(region_filter(region)) if region.strip() else ""
    query = select(OpenLicence).where(OpenLicence.state == "published")
    if fee_method:
        query = query.where(OpenLicence.fee_method == fee_method)
    if prefix:
        query = query.where(OpenLicence.patent_region.startswith(prefix, autoescape=True))
    rows = list(session.scalars(query.order_by(OpenLicence.published_on.desc(), OpenLicence.id.desc())))
    hits = text_hits(snapshot, q)
    if hits is not None:
        rows = [r for r in rows if r.application_number in hits]
    if ipc_code:
        rows = [r for r in rows if ipc_matches(r.ipc, ipc_code)]
    total = len(rows)
    shown = rows[(page - 1) * CATALOGUE_PAGE: page * CATALOGUE_PAGE]
    return {"items": shown, "total": total, "page": page, "per_page": CATALOGUE_PAGE,
            "filters": {"q": q, "ipc": ipc_code, "fee_method": fee_method, "region": region}}
