"""Complaints and reports (投诉举报) on the engine, and what protection's pages read.

- :class:`ComplaintRules` is the hook on ``protection.complaint``: on filing it checks who files (a
  complaint names its complainant and a contact, 第九条; a report may be anonymous), the patent number,
  and the right invoked against the corpus on the filing day (exists — else the message stands beside
  the field —, in force, held by the complainant or licensed to it — else a triage note); it keeps
  :class:`~zhichan.protection.models.Complaint`; triage to adjudication opens a
  ``protection.patent_dispute`` case linked to the complaint, its request form generated from it.
- :func:`duplicates`: earlier complaints on the same right against the same respondent, in the
  officer's area (the respondent's name folded by ``normalize_name``).
- :func:`published_decisions`: the decisions the public may read — published ones only.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Table, and_, func, select, update
from sqlalchemy.orm import Session

from zhichan.corpus.parties import guess_party_type, normalize_name
from zhichan.corpus.rights import right_on
from zhichan.corpus.schema import PartyType
from zhichan.corpus.store import Snapshot
from zhichan.corpus.validate import TRADEMARK_NUMBER, FieldError
from zhichan.errors import ConflictError, FormError, NotFoundError
from zhichan.legaltime import china_date, period_end
from zhichan.platform.models import Organization, Role
from zhichan.platform.orgs import RowName, english_names
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case, CaseClock, Step
from zhichan.procedures.service import CASE_ROW, ProcedureService, StepTaken, Upload
from zhichan.protection.documents import Documents
from zhichan.protection.models import Complaint, Dispute
from zhichan.protection.rules import Check, normalized_patent_number, right_checks
from zhichan.protection.scope import register_filter

COMPLAINTS = cast(Table, Complaint.__table__)
DISPUTES = cast(Table, Dispute.__table__)
CASES = cast(Table, Case.__table__)
STEPS = cast(Table, Step.__table__)
CLOCKS = cast(Table, CaseClock.__table__)
COMPLAINT = "protection.complaint"
DISPUTE = "protection.patent_dispute"
MEDIATION = "protection.mediation"
POLICE = "protection.police_transfer"
ECOMMERCE = "protection.ecommerce_notice"
EXHIBITION = "protection.exhibition"
#: 法 第六十五条 / 行政诉讼法: a decision may be challenged in court within 15 days of receipt
CHALLENGE_DAYS = 15
TRIAGE = ("to_adjudication", "to_mediation", "to_enforcement", "to_fast_channel", "to_police", "refuse")
#: who files on the public form without an account (the step's actor in the history and evidence log)
PUBLIC_FILER = Scope(role=Role.PUBLIC, username="公众（网上投诉举报） / The public (online complaint)")
#: the adjudication request's own fields, carried from the triage step
DISPUTE_FIELDS = ("requester_role", "patentee_declined", "court_suit", "known_on", "continuing", "respondent_abroad")

#: 商标法 第六十条 (市场监督管理部门 handles trademark infringement) and 市场监督管理投诉举报处理暂行办法 第三十六条 (its
#: channels: the national 12315 platform and line): this form takes patent complaints only — its checks read the patent
#: data and its triage opens patent cases (adjudication and mediation under 81号令, the patent fast channel) — so a
#: trademark number is answered with where such a complaint goes (docs/protection.md)
TRADEMARK_COMPLAINT = ("本表受理专利侵权投诉举报。商标侵权、假冒注册商标的商品，请向市场监督管理部门投诉举报：全国12315平台"
                       "（www.12315.cn）或 12315 热线 / this form takes patent complaints: report trademark infringement "
                       "or counterfeit goods to the market regulation department — the national 12315 platform "
                       "(www.12315.cn) or the 12315 line")


def trademark_like(text: str) -> bool:
    """A trademark number (or a mark named as one) typed where a patent number is asked."""
    raw = unicodedata.normalize("NFKC", text).strip()
    return "商标" in raw or bool(TRADEMARK_NUMBER.match(raw))


class ComplaintRules:
    """``documents`` draws up the request form of a case a complaint opens (from the complaint's words);
    without it, that case needs the form uploaded."""

    def __init__(self, service: ProcedureService, snapshot: Callable[[], Snapshot | None],
                 documents: Documents | None = None) -> None:
        self.service = service
        self.snapshot = snapshot
        self.documents = documents

    def request_form(self, name: str, fields: dict[str, Any], now: dt.datetime, *,
                     synthetic: bool = False) -> tuple[Upload, ...]:
        """A party's request drawn up from a complaint (synthetic when the complaint is)."""
        return self.documents.request_form(name, fields, now, synthetic=synthetic) if self.documents is not None else ()

    def __call__(self, session: Session, scope: Scope, step: StepTaken) -> None:
        if step.event == "start":
            self.on_start(session, step)
        elif step.event in TRIAGE:
            self.on_triage(session, scope, step)
        elif step.event in ("inform", "close_anonymous"):
            row = complaint_row(session, step.case_id)
            if step.event == "inform" and row.anonymous:
                raise FormError({"how": "匿名举报无人可告知，请选择“办结（匿名举报）” / an anonymous report has nobody to tell"})
            if step.event == "close_anonymous" and not row.anonymous:
                raise FormError({"_clock": "实名投诉举报须告知后办结 / a named complainant or reporter must be told"})

    def on_start(self, session: Session, step: StepTaken) -> None:
        f = step.fields
        errors: dict[str, str] = {}
        reporter = str(f.get("reporter") or "").strip()
        if f["kind"] == "投诉" and not reporter:
            errors["reporter"] = "投诉须载明投诉人 / a complaint names its complainant (第九条)"
        if f["kind"] == "投诉" and not str(f.get("contact") or "").strip():
            errors["contact"] = "投诉须留联系方式 / a complaint gives a contact (第九条)"
        checks: list[Check] = []
        number = str(f["patent_number"])
        try:
            number = normalized_patent_number(number)
        except FieldError as exc:
            errors["patent_number"] = TRADEMARK_COMPLAINT if trademark_like(number) else f"专利号无法识别：{exc.reason}"
        else:
            snap = self.snapshot()
            right = right_on(snap, number, china_date(step.now)) if snap is not None else None
            if right is not None and not right.found:
                errors["patent_number"] = (f"未找到专利 {number}，请核对专利号 / no patent {number} in the patent data: "
                                           "check the number")
            checks = right_checks(right, reporter, china_date(step.now))
        if errors:
            raise FormError(errors)
        org = session.get(Organization, step.org_id)
        session.execute(COMPLAINTS.insert().values(
            case_id=step.case_id, kind=f["kind"], reporter=reporter, anonymous=not reporter, patent_number=number,
            respondent=f["respondent"], respondent_key=normalize_name(f["respondent"]), target_kind=f["target_kind"],
            target=f["target"], checks=json.dumps([c.as_dict() for c in checks], ensure_ascii=False),
            org_path=org.path if org else "/", filed_at=step.now))

    def on_triage(self, session: Session, scope: Scope, step: StepTaken) -> None:
        row = complaint_row(session, step.case_id)
        linked: int | None = None
        if step.event in ("to_adjudication", "to_mediation", "to_fast_channel") and row.anonymous:
            # the declaration says so (requires: [reporter]) and the engine refuses first; a case opened under an
            # earlier declaration, which did not, is refused here
            raise ConflictError("匿名举报没有请求人或权利人，此步骤不适用 / an anonymous report has no requester or right "
                                "holder: this step does not apply")
        if step.event == "to_adjudication":
            c = step.case_fields
            fields = {"patent_number": row.patent_number, "requester": row.reporter, "respondent": row.respondent,
                      "claims": f"{c.get('target', '')}：{c.get('facts', '')}"[:5000],
                      **{k: step.fields[k] for k in DISPUTE_FIELDS if k in step.fields},
                      }
            opened = self.service.start(session, scope, DISPUTE, fields=fields, now=step.now,
                                        uploads=self.request_form("请求书", fields, step.now, synthetic=bool(row.synthetic)),
                                        handling_org_id=step.org_id, party=(step.party_user_id, step.party_key),
                                        title=f"{row.reporter} 诉 {row.respondent} · {row.patent_number}")
            linked = int(opened["id"])
            session.execute(update(DISPUTES).where(DISPUTES.c.case_id == linked).values(complaint_case_id=step.case_id))
        elif step.event == "to_mediation":
            c = step.case_fields
            fields = {"dispute_kind": "专利侵权纠纷", "patent_number": row.patent_number, "requester": row.reporter,
                      "respondent": row.respondent, "claims": f"{c.get('target', '')}：{c.get('facts', '')}"[:5000]}
            opened = self.service.start(
                session, scope, MEDIATION, now=step.now, handling_org_id=step.org_id, fields=fields,
                party=(step.party_user_id, step.party_key), title=f"{row.reporter} 与 {row.respondent} · {row.patent_number}",
                uploads=self.request_form("调解请求书", fields, step.now, synthetic=bool(row.synthetic)))
            linked = int(opened["id"])
        elif step.event == "to_fast_channel":
            f = step.fields
            if f["channel"] == "电子商务平台":
                procedure, fields = ECOMMERCE, {"patent_number": row.patent_number, "holder": row.reporter,
                                                "platform": f["venue"], "merchant": row.respondent, "link": row.target}
            else:
                if not f.get("booth"):
                    raise FormError({"booth": "展会投诉须填写展位号 / an exhibition complaint names the booth"})
                procedure, fields = EXHIBITION, {"exhibition": f["venue"], "booth": f["booth"], "exhibitor": row.respondent,
                                                 "patent_number": row.patent_number, "holder": row.reporter}
            opened = self.service.start(session, scope, procedure, now=step.now, handling_org_id=step.org_id,
                                        party=(step.party_user_id, step.party_key), fields=fields,
                                        title=f"{row.reporter} · {row.respondent} · {row.patent_number}")
            linked = int(opened["id"])
        elif step.event == "to_police":
            opened = self.service.start(
                session, scope, POLICE, now=step.now, handling_org_id=step.org_id,
                title=f"{row.respondent} · {row.patent_number}",
                fields={"subject": row.respondent, "facts": step.fields["note"], "team": step.fields["team"]})
            linked = int(opened["id"])
        session.execute(update(COMPLAINTS).where(COMPLAINTS.c.case_id == step.case_id).values(
            route=step.event, linked_case_id=linked))
        # the period to tell, as the declaration gives it: a complainant within the 7 working days from receipt
        # (第十四条, "作出受理或者不予受理的决定，并告知投诉人": `inform_complainant`), a named reporter within 5 working
        # days of the decision (第三十一条: `inform`); an anonymous report has nobody to tell — no period runs, and
        # the case page offers only its closing
        if row.kind == "投诉":
            acceptance = session.execute(select(CLOCKS.c.started_at, CLOCKS.c.amount).where(
                CLOCKS.c.case_id == step.case_id, CLOCKS.c.name == "acceptance")).one()
            if not self.service.start_clock(session, step.case_id, "inform_complainant",
                                            started_at=acceptance.started_at):
                # a complaint filed under the first declaration (one `inform` clock, started by the triage): the
                # complainant's period restarted from receipt
                self.service.set_clock(session, step.case_id, "inform", started_at=acceptance.started_at,
                                       amount=acceptance.amount)
        elif not row.anonymous:
            self.service.start_clock(session, step.case_id, "inform", started_at=step.now)
        else:  # the first declaration's triage started `inform` for every report
            self.service.stop_clock(session, step.case_id, "inform", now=step.now)


def complaint_row(session: Session, case_id: int) -> Any:
    row = session.execute(select(COMPLAINTS).where(COMPLAINTS.c.case_id == case_id)).first()
    if row is None:
        raise NotFoundError(f"没有投诉举报 {case_id} / no complaint {case_id}")
    return row


def duplicates(session: Session, scope: Scope, case_id: int) -> list[dict[str, Any]]:
    """Other complaints on the same right against the same respondent that the officer may see."""
    row = complaint_row(session, case_id)
    found = session.execute(
        select(COMPLAINTS.c.case_id, CASES.c.number, CASES.c.state, COMPLAINTS.c.filed_at, COMPLAINTS.c.route)
        .join(CASES, CASES.c.id == COMPLAINTS.c.case_id)
        .where(COMPLAINTS.c.patent_number == row.patent_number, COMPLAINTS.c.respondent_key == row.respondent_key,
               COMPLAINTS.c.case_id != case_id, register_filter(scope, COMPLAINTS.c.org_path))
        .order_by(COMPLAINTS.c.filed_at)).all()
    return [dict(r._mapping) for r in found]


def dispute_row(session: Session, case_id: int) -> Any:
    return session.execute(select(DISPUTES).where(DISPUTES.c.case_id == case_id)).first()


def challenge_until(decided_on: dt.date) -> dt.date:
    """The last day to sue when the decision is received on the day it is made (the receipt, when later,
    moves it on)."""
    return period_end(decided_on, CHALLENGE_DAYS, "day")


#: the two-character surnames a published name keeps whole (欧阳某, not 欧某)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒",
                     "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "呼延", "澹台", "公冶", "宗政", "濮阳", "太史", "申屠")


def published_party(name: str) -> tuple[str, bool]:
    """A party as a published decision's list and page name it, and whether it was shortened: a natural person by the
    surname, the given name as 某 (邓冰建 → 邓某) — personal information the publication does not need (个人信息保护法
    第二十八条 treats no name as sensitive, but 政府信息公开条例 第十五条 withholds what would harm a third party's rights;
    the courts' rule for the decisions they publish, 最高人民法院关于人民法院在互联网公布裁判文书的规定 第十一条, keeps the
    surname and replaces the given name with 某: followed here). An organization (a company, a store, a university) by
    its name. A person is told by the name alone (two to four Chinese characters, nothing of an organization's); the
    decision's own text is what the office's review before publication made it."""
    if guess_party_type(name) is not PartyType.INDIVIDUAL:
        return name, False
    surname = name[:2] if name.startswith(COMPOUND_SURNAMES) and len(name) > 2 else name[:1]
    return f"{surname}某", True


def _published(session: Session, *conditions: Any, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    rows = session.execute(
        select(DISPUTES.c.case_id, CASES.c.number, DISPUTES.c.patent_number, DISPUTES.c.requester,
               DISPUTES.c.respondent, DISPUTES.c.decided_on, DISPUTES.c.published_on, DISPUTES.c.ruling,
               DISPUTES.c.publication_url, DISPUTES.c.region_code, DISPUTES.c.synthetic)
        .join(CASES, CASES.c.id == DISPUTES.c.case_id)
        .where(DISPUTES.c.published_on.is_not(None), *conditions)
        .order_by(DISPUTES.c.published_on.desc(), DISPUTES.c.case_id.desc()).limit(limit).offset(offset)).all()
    # the parties as organizations: their English names on English pages where they have one (``org_name``); a
    # synthetic (demo) decision's generated and fictional parties as the demo wrote them
    names_en = english_names(session, [RowName(name, r.region_code, r.synthetic)
                                       for r in rows for name in (r.requester, r.respondent)])
    found = []
    for r in rows:
        row = dict(r._mapping) | {"challenge_until": challenge_until(r.decided_on) if r.decided_on else None}
        for side in ("requester", "respondent"):  # a natural person by the surname (published_party)
            name, shortened = published_party(row[side])
            row |= {side: name, f"{side}_en": None if shortened else names_en.get(RowName(row[side], r.region_code,
                                                                                           r.synthetic))}
        found.append(row)
    return found


def published_decisions(session: Session, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Published decisions, newest first — what anyone may read."""
    return _published(session, limit=limit, offset=offset)


def published_decision(session: Session, case_id: int) -> dict[str, Any]:
    """One published decision with its decision documents; 404 for a case that is not published."""
    found = _published(session, DISPUTES.c.case_id == case_id, limit=1)
    if not found:
        raise NotFoundError(f"没有已公开的裁决 {case_id} / no published decision {case_id}")
    steps = dict(session.execute(select(STEPS.c.event, STEPS.c.documents).where(
        STEPS.c.case_id == case_id, STEPS.c.event.in_(("decide", "publish")))).all())
    redacted = json.loads(steps.get("publish") or "[]")  # the redacted text published instead of the decision
    published = redacted or [d for d in json.loads(steps.get("decide") or "[]") if d.get("label") == "裁决书"]
    return found[0] | {"documents": published, "redacted": bool(redacted)}


#: which cases a protection case list shows
LIST_STATUSES = ("open", "closed", "all")


def case_list(session: Session, scope: Scope, service: ProcedureService, lang: str, *, status: str = "open",
              procedure: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """案件列表: the protection cases an office's subtree handles (an enterprise: its own), newest first,
    with the total — every protection procedure, or one (``procedure``). A title names its parties in ``lang``
    (:meth:`ProcedureService.party_names`)."""
    from zhichan.procedures.scope import WALK_IDS, officer_filter, party_filter, walk_in_order
    from zhichan.web.i18n import without_synthetic_mark

    registry = service.registry
    scope.require_authenticated()
    procedures = sorted(p for p in registry.procedures() if p.startswith("protection."))
    if procedure is not None and procedure not in procedures:
        raise FormError({"procedure": f"没有保护程序 {procedure[:64]} / no protection procedure {procedure[:64]}"})
    if status not in LIST_STATUSES:
        raise FormError({"status": f"应为 {'/'.join(LIST_STATUSES)} / must be one of {', '.join(LIST_STATUSES)}"})
    who = (officer_filter(scope, dialect=session.get_bind().dialect.name) if scope.governance
           else party_filter(scope))
    where = and_(who, CASES.c.procedure.in_([procedure] if procedure else procedures))
    if status != "all":
        where = and_(where, CASES.c.is_open == (status == "open"))
    total, newest = session.execute(select(func.count(), func.max(CASES.c.id)).select_from(CASES).where(where)).one()
    # the page: newest first, walking the ids (and stopping at the page) when the office's cases are dense — the cases
    # newer than its newest passed first (a closed list's cases are the old ones: the walk passed every open case)
    where = walk_in_order(session, where, matching=total, reach=offset + limit, cost=WALK_IDS, newest=newest)
    rows = session.execute(select(*CASE_ROW, CASES.c.created_at, CASES.c.closed_at)
                           .where(where).order_by(CASES.c.id.desc()).limit(limit).offset(offset)).all()
    shown = service.case_rows(session, rows, lang)
    items = [{k: v for k, v in r._mapping.items() if k not in ("fields", "region_code", "declaration_digest")}
             # the title without the synthetic mark: the row's ``synthetic`` is its badge
             | {"title": without_synthetic_mark(c["title"])[0], "procedure_title": c["procedure"],
                "state_title": c["state"], "next_due": c["next_due"], "due_unknown": c["due_unknown"],
                "provisional": c["provisional"], "synthetic": c["synthetic"], "opened_on": china_date(r.created_at)}
             for r, c in zip(rows, shown, strict=True)]
    return {"items": items, "total": total, "status": status, "procedure": procedure,
            "procedures": [(p, registry.get(p, "default").title(lang)) for p in procedures]}
