"""Synthetic complaints and cases for the demo (labelled synthetic: the registers' ``synthetic`` column,
case titles starting 【合成】, placeholder documents that say so), run through the real engine and
protection's own rules, so every clock, check and evidence entry is what a real case would get.

Calibrated loosely to the seed figures where they give one (RULES.md M6 (c)): the simplified track
closes within its local limit (Hangzhou: 30 days), ordinary adjudications mostly within 60 days
(Tai'an), at least a tenth of disputes are resolved out of court (Chengdu's target; mediation is
about a quarter of the complaints here), e-commerce notices are dealt with within days. The rest is
an assumption of this generator, not a statistic: the shares below are documented constants.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Engine, Table, select, update
from sqlalchemy.orm import Session

from zhichan.corpus.store import Snapshot
from zhichan.errors import FormError, ZhichanError
from zhichan.legaltime import (
    CalendarNotPublished,
    add_working_days,
    china_date,
    moment_on,
    next_workday_on_or_after,
    period_end,
    workday_on_or_before,
)
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role
from zhichan.platform.orgs import DEMO_CITY, synthetic_scope
from zhichan.platform.scope import Scope, region_prefix
from zhichan.procedures.models import Case, CaseClock
from zhichan.procedures.service import DocumentRequest, ProcedureService, Upload
from zhichan.progress import ProgressCallback, no_progress
from zhichan.protection.documents import OFFICE_DOCUMENTS
from zhichan.protection.models import Complaint, Dispute
from zhichan.protection.service import COMPLAINT, PUBLIC_FILER, complaint_row
from zhichan.web.i18n import in_language

COMPLAINTS = cast(Table, Complaint.__table__)
DISPUTES = cast(Table, Dispute.__table__)
SYNTHETIC = "【合成】"
#: triage of a named complaint (投诉) and of an anonymous report (举报): assumptions of the generator
COMPLAINT_ROUTES = (("to_adjudication", 40), ("to_mediation", 25), ("to_enforcement", 10), ("to_fast_channel", 15),
                    ("refuse", 10))
REPORT_ROUTES = (("to_enforcement", 60), ("to_police", 10), ("refuse", 30))
#: the respondents' kinds of business and 字号 (brands of the corpus generator's characters, none of its reserved ones):
#: ``<brand><kind>（演示）`` — a fictional party marked as the demo's, whose English reads by the generator's readings
#: (瑞鑫五金店（演示） → Ruixin Hardware Store (demo): zhichan/corpus/generator/english.py ``demo_name_en``). They were
#: ``某某<kind><n>号``, which read "XX Hardware Store No. 12" in English.
SHOPS = ("电子商行", "五金店", "科技有限公司", "贸易商行", "网店")
SHOP_BRANDS = ("华创", "瑞鑫", "德安", "新力", "科诺", "金正", "宏明", "恒锦", "盛星", "泰聚", "达铭", "信唐", "博睿", "远航",
               "中威", "英新", "创盛", "智远", "联智", "海源", "龙隆", "鑫凯", "源迈", "鼎通", "润誉", "康伟", "安辰", "隆晶",
               "兴欣", "佳尚", "昌云", "力易", "凯乐", "腾方", "飞科", "捷泰", "诺中", "迈联", "卓鼎", "越兴", "众腾", "正卓",
               "通晟", "晟祥", "能嘉", "光汇", "明拓", "誉益", "祥品", "顺峰", "丰达", "锦思", "伟华", "嘉金", "航达", "宇天",
               "星海", "辰润", "汇佳", "诚飞")


def respondent_name(kind: str, n: int) -> str:
    """The demo's ``n``-th (1-based) fictional respondent of a ``kind`` of :data:`SHOPS`: 瑞鑫五金店（演示）."""
    return f"{SHOP_BRANDS[(n - 1) % len(SHOP_BRANDS)]}{kind}（演示）"
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐明", "孙丽"]


def placeholder(label: str) -> bytes:
    """A one-page PDF standing in for a signed paper (a proof of service, an agreement), saying what it is. It was a
    comment with an empty trailer, which no reader opened ("Couldn't read xref table"): an officer opening a demo case's
    受理通知书 met a broken file. Its first line is in Helvetica, which every reader has; the label in Adobe's CJK font
    STSong-Light, which readers supply rather than the file (Acrobat, PDFium; poppler with its poppler-data), and is the
    document's title as well — a placeholder stays under 2 KB, and the demo makes thousands."""
    latin = b"(Synthetic demo document - placeholder) Tj"
    chinese = f"<{f'合成演示文件：{label}'.encode('utf-16-be').hex()}> Tj".encode("ascii")
    stream = b"BT /F1 14 Tf 72 770 Td " + latin + b" ET BT /F2 16 Tf 72 740 Td " + chinese + b" ET"
    title = ("\ufeff" + f"合成演示文件：{label}").encode("utf-16-be").hex().encode("ascii")
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [7 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /FontDescriptor 8 0 R"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"<< /Title <%s> /Producer (zhichan demo) >>" % title,
    )
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref)
    return bytes(pdf)


class PlaceholderDocuments:
    """The demo's documents: placeholders (rendering thousands of PDFs would only slow the demo)."""

    def __call__(self, session: Session, request: DocumentRequest) -> tuple[Upload, ...]:
        if request.label.zh not in OFFICE_DOCUMENTS:
            return ()
        return (Upload(request.slot, f"{request.label.zh}（合成）.pdf", placeholder(request.label.zh), generated=True),)

    def request_form(self, name: str, fields: Mapping[str, Any], now: dt.datetime, *,
                     synthetic: bool = False) -> tuple[Upload, ...]:
        return (Upload("doc0", f"{name}（合成）.pdf", placeholder(name), generated=True),)


placeholder_generator = PlaceholderDocuments()


class _Pending(Exception):
    """The next step of a case falls after the present: the case stays open where it is."""


@dataclass
class Clockwork:
    """The moment the generator has reached on one case: steps only move forward, on working days."""

    rng: random.Random
    now: dt.datetime

    def later(self, working_days: int = 0, days: int = 0, hours: int = 0, *, draw: bool = True) -> dt.datetime:
        """A moment that many (working) days on, at a drawn office hour (``draw=False``: the present's hour, so a
        step added later leaves the other cases' draws as they were)."""
        day = china_date(self.now)
        try:
            if working_days:
                day = add_working_days(day, working_days)
            day = next_workday_on_or_after(day + dt.timedelta(days=days))
        except CalendarNotPublished:
            raise _Pending from None  # a year whose holidays are not published yet lies after the present
        hour = self.rng.randint(1, 8) if draw else self.now.hour  # 09:00–16:00 China time
        moment = dt.datetime(day.year, day.month, day.day, hour) + dt.timedelta(hours=hours)
        self.now = max(moment, self.now + dt.timedelta(minutes=5))
        return self.now


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def _patents(snapshot: Snapshot, region: str, limit: int = 300) -> list[tuple[str, str]]:
    """Granted patents a complaint to the office of ``region`` names: its area's holders' first; where its area has
    none (a small demo corpus), its city's, its province's, then any — an infringement is complained of where it
    happens, and the holder may sit anywhere, so every office of the demo has cases by construction."""
    con = snapshot.reader()
    try:
        prefix = region_prefix(region)
        for within in dict.fromkeys((prefix, prefix[:4], prefix[:2], "")):
            rows = con.execute(
                "SELECT application_number, current_patentees[1] FROM patents WHERE legal_status = 'granted' "
                "AND len(current_patentees) > 0 AND region_code LIKE ? ORDER BY application_number LIMIT ?",
                [within + "%", limit]).fetchall()
            if rows:
                return [(r[0], r[1]) for r in rows]
    finally:
        con.close()
    return []


class DemoCases:
    def __init__(self, engine: Engine, service: ProcedureService, snapshot: Snapshot, seed: int,
                 horizon: dt.datetime | None = None) -> None:
        self.engine = engine
        self.service = service
        self.snapshot = snapshot
        self.rng = random.Random(seed)
        self.made: list[int] = []
        self.horizon = horizon

    def act(self, scope: Scope, case: dict[str, Any], event: str, when: dt.datetime,
            fields: dict[str, Any] | None = None, uploads: tuple[Upload, ...] = ()) -> None:
        if self.horizon is not None and when > self.horizon:
            raise _Pending
        with session_scope(self.engine) as s:
            case.update(self.service.act(s, scope, case["id"], event, version=case["version"], fields=fields or {},
                                         uploads=uploads, now=when))

    def case(self, case_id: int) -> dict[str, Any]:
        with session_scope(self.engine) as s:
            version = s.scalar(select(Case.version).where(Case.id == case_id))
        return {"id": case_id, "version": int(version or 1)}

    def complaint(self, office: Organization, patents: list[tuple[str, str]], filed: dt.datetime) -> None:
        rng = self.rng
        number, holder = rng.choice(patents)
        anonymous = rng.random() < 0.2
        kind = rng.choice(SHOPS)
        respondent = respondent_name(kind, rng.randint(1, len(SHOP_BRANDS)))
        target_kind = rng.choice(("产品", "网站或网店", "展会"))
        with session_scope(self.engine) as s:
            opened = self.service.start(s, PUBLIC_FILER, COMPLAINT, now=filed, handling_org_id=office.id,
                                        title=f"{SYNTHETIC}{'匿名举报' if anonymous else holder} · {number}", fields={
                                            "kind": "举报" if anonymous else "投诉", "reporter": "" if anonymous else holder,
                                            "contact": "" if anonymous else "028-00000000", "patent_number": number,
                                            "respondent": respondent, "target_kind": target_kind,
                                            "target": f"涉嫌侵权{target_kind}", "facts": "权利人发现被投诉人未经许可实施其专利。"})
        self.made.append(opened["id"])
        clock = Clockwork(rng, filed)
        officer = synthetic_scope(office)
        route = _pick(rng, REPORT_ROUTES if anonymous else COMPLAINT_ROUTES)
        fields: dict[str, Any] = {"note": "材料齐全"}
        if route == "to_adjudication":
            known = china_date(filed) - dt.timedelta(days=rng.randint(10, 300))
            fields = {"requester_role": "专利权人", "court_suit": "否", "known_on": known.isoformat(), "continuing": "是"}
        elif route == "to_fast_channel":
            fields = {"channel": "展会投诉机构" if target_kind == "展会" else "电子商务平台", "note": "材料齐全",
                      "venue": "西部博览会" if target_kind == "展会" else "电商平台", "booth": f"A-{rng.randint(1, 99)}"}
        elif route == "to_police":
            fields = {"note": "涉嫌假冒专利", "team": "、".join(rng.sample(NAMES, 2))}
        elif route == "refuse":
            fields = {"ground": rng.choice(("未提供必要材料", "知道权益受侵害之日起超过三年", "重复投诉举报")), "reasons": "经审查，不符合受理条件。"}
        triaged = rng.randint(1, 6)  # working days after receipt, within the 7 of 第十四条
        self.act(officer, opened, route, clock.later(working_days=triaged), fields)
        with session_scope(self.engine) as s:
            linked = complaint_row(s, opened["id"]).linked_case_id
        if linked is not None:
            self.made.append(linked)  # labelled synthetic even if the present stops it at its first step
        if anonymous:
            self.act(officer, opened, "close_anonymous", clock.later(working_days=rng.randint(0, 2)))
        else:
            # a complainant is told within the same 7 working days from receipt (第十四条)
            self.act(officer, opened, "inform", clock.later(working_days=rng.randint(1, 7 - triaged)), {"how": "短信"})
        if linked is None:
            return
        start = Clockwork(rng, clock.now)
        {"to_adjudication": self.adjudication, "to_mediation": self.mediation, "to_police": self.police,
         "to_fast_channel": self.fast_channel}[route](office, self.case(linked), start, number)

    def adjudication(self, office: Organization, case: dict[str, Any], clock: Clockwork, number: str) -> None:
        rng, officer = self.rng, synthetic_scope(office)
        decided = clock.later(working_days=rng.randint(1, 4))
        try:
            self.act(officer, case, "accept", decided, {"panel": "、".join(rng.sample(NAMES, 3))})
        except FormError as exc:
            if "_admission" not in exc.errors:
                raise
            # the admission rules refuse it (e.g. the patent was granted after the request): the officer
            # refuses with the rule's reason, as the page tells a real one to — no request is left pending
            reason = exc.errors["_admission"].split(" / ")[0]  # an officer writes the reasons in Chinese
            self.act(officer, case, "refuse", decided, {"reasons": reason})
            return
        simplified = rng.random() < 0.5
        if simplified:
            # the kind digit of CN201510000100.9 is the 5th digit of a 12-digit number (1/8: invention)
            report = "不适用（发明专利）" if number[6:7] in ("1", "8") else "有且未发现不符合授权条件"
            self.act(officer, case, "simplify", clock.later(days=0), {
                "facts_clear": "是", "rights_clear": "是", "evidence_sufficient": "是", "evaluation_report": report})
        fate = rng.random()
        served = clock.later(working_days=rng.randint(1, 3))
        self.act(officer, case, "serve", served, {"received_on": china_date(served).isoformat()},
                 (Upload("doc0", "送达回证（合成）.pdf", placeholder("送达回证")),))
        if fate < 0.1:
            self.act(officer, case, "withdraw", clock.later(days=rng.randint(2, 10)), {"reason": "和解撤回"})
            return
        self.act(officer, case, "answer", clock.later(days=rng.randint(3, 12) if simplified else rng.randint(8, 14)))
        self.act(officer, case, "forward_answer", clock.later(working_days=2, draw=False))  # 第二十二条: within 5 working days
        if fate < 0.25:
            agreed = clock.later(days=rng.randint(3, 20))
            self.act(officer, case, "mediate", agreed, {"effective_on": china_date(agreed).isoformat()},
                     uploads=(Upload("doc0", "调解协议书（合成）.pdf", placeholder("调解协议书")),))
            self.confirmation(office, case, clock)
            return
        if not simplified:
            noticed = clock.later()
            hearing = add_working_days(china_date(noticed), rng.randint(3, 10))
            self.act(officer, case, "schedule_hearing", noticed, {"hearing_date": hearing.isoformat(), "place": "第一审理庭"})
            clock.now = max(clock.now, dt.datetime(hearing.year, hearing.month, hearing.day, 2))
            # 第二十七条: the hearing held on its day and its signed record uploaded (the decision waits for it)
            self.act(officer, case, "record_hearing", clock.now, {"attendees": "合议组全体成员、书记员；请求人、被请求人及其代理人",
                                                                 "respondent_attendance": "到庭参加"},
                     (Upload("doc0", "口头审理笔录（合成）.pdf", placeholder("口头审理笔录")),))
        self.act(officer, case, "decide", clock.later(working_days=rng.randint(1, 3) if simplified else rng.randint(5, 20)),
                 {"ruling": "被请求人立即停止侵权行为。"})
        self.act(officer, case, "publish", clock.later(working_days=rng.randint(1, 15)),
                 {"redaction": "已审查，裁决书原文公开"})

    def mediation(self, office: Organization, case: dict[str, Any], clock: Clockwork, number: str) -> None:
        rng, officer = self.rng, synthetic_scope(office)
        served = clock.later(working_days=rng.randint(1, 4))
        self.act(officer, case, "serve", served, {"received_on": china_date(served).isoformat()})
        if rng.random() < 0.15:
            # refused for want of a reply the day after the reply period (15 days from receipt, off rest days) ran out
            received = china_date(served)
            try:
                lapsed = (period_end(received, 15, "day") - received).days + 1
            except CalendarNotPublished:
                raise _Pending from None  # a year whose holidays are not published yet lies after the present
            self.act(officer, case, "refuse", clock.later(days=lapsed), {"ground": "被请求人逾期未答复"})
            return
        self.act(officer, case, "reply", clock.later(days=rng.randint(2, 12)))
        self.act(officer, case, "accept", clock.later(working_days=rng.randint(1, 4)), {"mediators": "、".join(rng.sample(NAMES, 2))})
        if rng.random() < 0.3:
            self.act(officer, case, "fail", clock.later(days=rng.randint(7, 40)), {"ground": "未能达成协议（第六十九条）", "reason": "双方分歧较大"})
            return
        agreed = clock.later(days=rng.randint(5, 30))
        self.act(officer, case, "agree", agreed, {"effective_on": china_date(agreed).isoformat()},
                 (Upload("doc0", "调解协议书（合成）.pdf", placeholder("调解协议书")),))
        self.confirmation(office, case, clock)

    def confirmation(self, office: Organization, case: dict[str, Any], clock: Clockwork) -> None:
        """司法确认 after an agreement, in a mediation or an adjudication: half apply to the court in time."""
        rng, officer = self.rng, synthetic_scope(office)
        if rng.random() < 0.5:
            applied = clock.later(days=rng.randint(3, 25))
            self.act(officer, case, "apply_confirmation", applied,
                     {"court": f"{in_language(office.name, 'zh').removesuffix('知识产权局')}人民法院", "applied_on": china_date(applied).isoformat()})
            ruled = clock.later(days=rng.randint(5, 20))
            self.act(officer, case, "record_ruling", ruled, {"ruling_number": f"调确字第{case['id']}号",
                                                             "ruled_on": china_date(ruled).isoformat()})
        else:  # the window has run out: the day after its deadline (the engine's, holidays included)
            with session_scope(self.engine) as s:
                due = s.scalar(select(CaseClock.due_on).where(CaseClock.case_id == case["id"],
                                                              CaseClock.name == "confirmation",
                                                              CaseClock.due_problem.is_(None)))
            if due is None:  # its last day falls in a year whose holidays are not published yet: after the present
                raise _Pending
            clock.now = max(clock.now, moment_on(due, 10))
            self.act(officer, case, "confirmation_lapsed", clock.later(days=1))

    def fast_channel(self, office: Organization, case: dict[str, Any], clock: Clockwork, number: str) -> None:
        """E-commerce notices settled within days (Hangzhou: 2.6 days on average); exhibitions within hours."""
        rng, officer = self.rng, synthetic_scope(office)
        with session_scope(self.engine) as s:
            procedure = s.scalar(select(Case.procedure).where(Case.id == case["id"]))
        if procedure == "protection.exhibition":
            passed = clock.now + dt.timedelta(hours=rng.randint(1, 12))  # within the 24 hours
            self.act(officer, case, "pass_on", passed)
            self.act(officer, case, "decide", passed + dt.timedelta(hours=rng.randint(2, 30)),
                     {"outcome": rng.choice(("撤展（涉嫌侵权展品）", "投诉不成立", "双方和解"))})
            return
        self.act(officer, case, "measures_taken", clock.later(days=rng.randint(0, 2)), {"measure": "断开链接"})
        if rng.random() < 0.3:
            reached = clock.later(days=rng.randint(1, 3))
            self.act(officer, case, "counter_notice", reached, {"reached_on": china_date(reached).isoformat()})
            self.act(officer, case, "holder_acted", clock.later(days=rng.randint(2, 10)), {"where": "本局（行政裁决）"})
        else:
            self.act(officer, case, "close", clock.later(days=rng.randint(0, 3)), {"note": "经营者未声明，措施维持"})

    def police(self, office: Organization, case: dict[str, Any], clock: Clockwork, number: str) -> None:
        rng = self.rng
        self.act(synthetic_scope(office, Role.BUREAU_LEADER), case, "approve", clock.later(working_days=rng.randint(1, 2)))
        self.act(synthetic_scope(office), case, "transfer", clock.later(hours=rng.randint(1, 6)), {"police": "市公安局经济犯罪侦查支队"},
                 (Upload("doc0", "涉嫌犯罪案件移送书（合成）.pdf", placeholder("移送书")),))
        self.act(synthetic_scope(office), case, "police_filed", clock.later(days=rng.randint(1, 3)))
        self.act(synthetic_scope(office), case, "hand_over", clock.later(days=rng.randint(1, 3)))

    def mark(self) -> None:
        with session_scope(self.engine) as s:
            for start in range(0, len(self.made), 500):
                chunk = self.made[start:start + 500]
                s.execute(update(COMPLAINTS).where(COMPLAINTS.c.case_id.in_(chunk)).values(synthetic=True))
                s.execute(update(DISPUTES).where(DISPUTES.c.case_id.in_(chunk)).values(synthetic=True))
                # the engine's own flag: the case statistics (zhichan/procedures/figures.py) label them synthetic too
                s.execute(update(Case).where(Case.id.in_(chunk)).values(synthetic=True))


def upper_extension_case(engine: Engine, service: ProcedureService, snapshot: Snapshot, city: Organization, *,
                         seed: int = 20261204, now: dt.datetime | None = None) -> tuple[int, bool]:
    """One patent dispute the city bureau ``city`` handles itself, where the upper level's extension (第三十七条:
    再延长二个月, the step of ``office: above``) can be taken today: filed as a complaint about 100 days ago, accepted,
    served, answered and heard, and — five days before its three months ran out — extended by one month by the city
    bureau's head, whose officer then asks the upper level for two more months (报请上级批准); so the province's leader finds
    it on its 我的待办, its extended closing deadline some three weeks ahead. Each
    step the engine's and protection's own, on the days said (none after now). (cases made — complaints and disputes —,
    whether the dispute was made): not made when the admission rules
    refuse each of the city's first patents tried or the calendar of a day it needs is not published."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    today = china_date(now)
    demo = DemoCases(engine, service, snapshot, seed + 1, horizon=now)
    officer, leader = synthetic_scope(city), synthetic_scope(city, Role.BUREAU_LEADER)
    try:
        accepted_on = next_workday_on_or_after(today - dt.timedelta(days=100))
        filed_on = workday_on_or_before(accepted_on - dt.timedelta(days=7))
        for number, holder in _patents(snapshot, city.region_code, limit=5):
            with session_scope(engine) as s:
                opened = service.start(s, PUBLIC_FILER, COMPLAINT, now=moment_on(filed_on, 10), handling_org_id=city.id,
                                       title=f"{SYNTHETIC}{holder} · {number}", fields={
                                           "kind": "投诉", "reporter": holder, "contact": "028-00000000",
                                           "patent_number": number, "respondent": respondent_name("科技有限公司", 7),
                                           "target_kind": "产品", "target": "涉嫌侵权产品",
                                           "facts": "权利人发现被投诉人未经许可制造、销售其专利产品，涉及多项技术特征比对。"})
            demo.made.append(opened["id"])
            clock = Clockwork(demo.rng, moment_on(filed_on, 10))
            known = filed_on - dt.timedelta(days=40)
            demo.act(officer, opened, "to_adjudication", clock.later(working_days=2),
                     {"requester_role": "专利权人", "court_suit": "否", "known_on": known.isoformat(), "continuing": "是"})
            demo.act(officer, opened, "inform", clock.later(working_days=1), {"how": "短信"})
            with session_scope(engine) as s:
                linked = complaint_row(s, opened["id"]).linked_case_id
            assert linked is not None
            demo.made.append(linked)
            case = demo.case(linked)
            clock.now = max(clock.now, moment_on(accepted_on, 10))
            try:
                demo.act(officer, case, "accept", clock.now, {"panel": "、".join(demo.rng.sample(NAMES, 3))})
            except FormError as exc:
                if "_admission" not in exc.errors:
                    raise
                demo.act(officer, case, "refuse", clock.now, {"reasons": exc.errors["_admission"].split(" / ")[0]})
                continue
            served = clock.later(working_days=2)
            demo.act(officer, case, "serve", served, {"received_on": china_date(served).isoformat()},
                     (Upload("doc0", "送达回证（合成）.pdf", placeholder("送达回证")),))
            demo.act(officer, case, "answer", clock.later(days=12))
            demo.act(officer, case, "forward_answer", clock.later(working_days=2))
            noticed = clock.later(working_days=1)
            hearing = add_working_days(china_date(noticed), 5)
            demo.act(officer, case, "schedule_hearing", noticed, {"hearing_date": hearing.isoformat(), "place": "第一审理庭"})
            with session_scope(engine) as s:
                due = s.scalar(select(CaseClock.due_on).where(CaseClock.case_id == linked, CaseClock.name == "closing"))
            assert due is not None
            clock.now = max(clock.now, moment_on(workday_on_or_before(due - dt.timedelta(days=5)), 10))
            demo.act(leader, case, "extend_closing", clock.now,
                     {"reason": "案情复杂，涉及多项技术特征比对，需技术调查官出具意见，不能在三个月内结案。"})
            # 第三十七条: the handling office asks the upper level for the two more months, which awaits its leader
            demo.act(officer, case, "request_extension_upper", clock.later(draw=False),
                     {"reason": "技术调查官意见尚需补充比对，延长一个月后仍不能结案，报请省局批准再延长二个月。"})
            demo.mark()
            return len(demo.made), True
    except (_Pending, CalendarNotPublished):
        pass
    demo.mark()
    return len(demo.made), False


#: the county office whose demo holds the endings no draw guarantees (:func:`outcome_cases`): demo_district's, 武侯区
OUTCOME_OFFICE = "510107"
#: those endings, (procedure, closing state) — the README's demo_district sentence (zhichan.demo.persona_shortfalls)
ENDINGS = (("protection.patent_dispute", "withdrawn_absent"), ("protection.patent_dispute", "mediated_unconfirmed"),
           ("protection.mediation", "withdrawn_absent"), ("protection.mediation", "failed"),
           ("protection.mediation", "unconfirmed"))


def outcome_cases(engine: Engine, service: ProcedureService, snapshot: Snapshot, office: Organization, *,
                  seed: int = 20261204, now: dt.datetime | None = None) -> tuple[int, list[str]]:
    """The endings of 81号令 and 民事诉讼法 the demo's draws may leave out, each in one case of ``office``, closed some
    months before ``now``: an adjudication treated as withdrawn for the requester's absence from the oral hearing
    (第二十六条, ``withdraw_absent``, with its 撤销专利侵权纠纷案件决定书), a mediation treated as withdrawn for the
    requester's absence (第六十七条), a mediation closed for the respondent's absence (第六十七条, 撤销案件 under
    第六十九条), and an agreement — of a mediation, and of one reached inside an adjudication (第三十五条) — whose judicial
    confirmation the court refused (民事诉讼法 第二百零六条). Each filed as a complaint and triaged, through the engine's
    and protection's own rules like every demo case. (cases made — complaints and their cases —, each case's
    ``procedure state`` where it closed): a case the admission rules refuse, or whose days fall in a year without a holiday schedule, is not made."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    demo = DemoCases(engine, service, snapshot, seed + 2, horizon=now)
    officer = synthetic_scope(office)
    patents = _patents(snapshot, office.region_code, limit=20)
    filed_on = next_workday_on_or_after(china_date(now) - dt.timedelta(days=240))

    def opened(route: str, n: int) -> tuple[dict[str, Any], Clockwork]:
        number, holder = patents[n % len(patents)]
        at = moment_on(add_working_days(filed_on, 3 * n) if n else filed_on, 10)
        with session_scope(engine) as s:
            complaint = service.start(s, PUBLIC_FILER, COMPLAINT, now=at, handling_org_id=office.id,
                                      title=f"{SYNTHETIC}{holder} · {number}", fields={
                                          "kind": "投诉", "reporter": holder, "contact": "028-00000000",
                                          "patent_number": number, "respondent": respondent_name(SHOPS[n % len(SHOPS)], 20 + n),
                                          "target_kind": "产品", "target": "涉嫌侵权产品",
                                          "facts": "权利人发现被投诉人未经许可制造、销售其专利产品。"})
        demo.made.append(complaint["id"])
        clock = Clockwork(demo.rng, at)
        fields: dict[str, Any] = {"note": "材料齐全"}
        if route == "to_adjudication":
            fields = {"requester_role": "专利权人", "court_suit": "否", "continuing": "是",
                      "known_on": (china_date(at) - dt.timedelta(days=30)).isoformat()}
        demo.act(officer, complaint, route, clock.later(working_days=2), fields)
        demo.act(officer, complaint, "inform", clock.later(working_days=1), {"how": "短信"})
        with session_scope(engine) as s:
            linked = complaint_row(s, complaint["id"]).linked_case_id
        assert linked is not None
        demo.made.append(linked)
        return demo.case(linked), Clockwork(demo.rng, clock.now)

    def heard(case: dict[str, Any], clock: Clockwork) -> bool:
        """An adjudication accepted, served, answered and its hearing scheduled; False: refused admission."""
        try:
            demo.act(officer, case, "accept", clock.later(working_days=2), {"panel": "、".join(demo.rng.sample(NAMES, 3))})
        except FormError as exc:
            if "_admission" not in exc.errors:
                raise
            demo.act(officer, case, "refuse", clock.now, {"reasons": exc.errors["_admission"].split(" / ")[0]})
            return False
        served = clock.later(working_days=2)
        demo.act(officer, case, "serve", served, {"received_on": china_date(served).isoformat()},
                 (Upload("doc0", "送达回证（合成）.pdf", placeholder("送达回证")),))
        demo.act(officer, case, "answer", clock.later(days=12))
        demo.act(officer, case, "forward_answer", clock.later(working_days=2))
        return True

    def mediating(case: dict[str, Any], clock: Clockwork) -> None:
        served = clock.later(working_days=2)
        demo.act(officer, case, "serve", served, {"received_on": china_date(served).isoformat()})
        demo.act(officer, case, "reply", clock.later(days=6))
        demo.act(officer, case, "accept", clock.later(working_days=2), {"mediators": "、".join(demo.rng.sample(NAMES, 2))})

    def refused_confirmation(case: dict[str, Any], clock: Clockwork) -> None:
        applied = clock.later(days=10)
        demo.act(officer, case, "apply_confirmation", applied, {
            "court": f"{in_language(office.name, 'zh').removesuffix('知识产权局')}人民法院",
            "applied_on": china_date(applied).isoformat()})
        ruled = clock.later(days=15)
        demo.act(officer, case, "record_rejection", ruled, {"ruling_number": f"调确字第{case['id']}号",
                                                            "ruled_on": china_date(ruled).isoformat()})

    def absent_from_hearing(n: int) -> None:  # 第二十六条: the requester stayed away from the oral hearing
        case, clock = opened("to_adjudication", n)
        if not heard(case, clock):
            return
        noticed = clock.later(working_days=1)
        hearing = add_working_days(china_date(noticed), 5)
        demo.act(officer, case, "schedule_hearing", noticed, {"hearing_date": hearing.isoformat(), "place": "第一审理庭"})
        clock.now = max(clock.now, moment_on(hearing, 10))
        demo.act(officer, case, "withdraw_absent", clock.now, {"absence": "无正当理由拒不参加口头审理",
                                                               "attendees": "合议组全体成员、书记员；被请求人及其代理人"},
                 (Upload("doc0", "口头审理笔录（合成）.pdf", placeholder("口头审理笔录")),))

    def agreed_in_adjudication(n: int) -> None:  # 第三十五条: an agreement inside the adjudication, refused by the court
        case, clock = opened("to_adjudication", n)
        if not heard(case, clock):
            return
        agreed = clock.later(days=10)
        demo.act(officer, case, "mediate", agreed, {"effective_on": china_date(agreed).isoformat()},
                 (Upload("doc0", "调解协议书（合成）.pdf", placeholder("调解协议书")),))
        refused_confirmation(case, clock)

    def mediation(n: int, ending: str) -> None:
        case, clock = opened("to_mediation", n)
        mediating(case, clock)
        if ending == "withdraw_absent":  # 第六十七条: the requester stayed away
            demo.act(officer, case, "withdraw_absent", clock.later(days=14), {"reason": "请求人经通知无正当理由未到场参加调解。"})
        elif ending == "fail":  # 第六十七条: the respondent stayed away — no agreement, 撤销案件 (第六十九条)
            demo.act(officer, case, "fail", clock.later(days=14), {"ground": "被请求人无正当理由未参加调解（第六十七条）",
                                                                  "reason": "被请求人经通知无正当理由未到场参加调解。"})
        else:
            agreed = clock.later(days=14)
            demo.act(officer, case, "agree", agreed, {"effective_on": china_date(agreed).isoformat()},
                     (Upload("doc0", "调解协议书（合成）.pdf", placeholder("调解协议书")),))
            refused_confirmation(case, clock)

    endings = (lambda: absent_from_hearing(0), lambda: mediation(1, "withdraw_absent"), lambda: mediation(2, "fail"),
               lambda: mediation(3, "record_rejection"), lambda: agreed_in_adjudication(4))
    for ending in endings if patents else ():
        try:
            ending()
        except (_Pending, CalendarNotPublished):
            continue
    demo.mark()
    with session_scope(engine) as s:
        reached = sorted(f"{procedure} {state}" for procedure, state in s.execute(select(Case.procedure, Case.state).where(
            Case.id.in_(demo.made), Case.is_open.is_(False), Case.procedure != COMPLAINT)))
    return len(demo.made), reached


def generate_cases(engine: Engine, service: ProcedureService, snapshot: Snapshot, *, per_office: int = 30,
                   seed: int = 20261204, start: dt.date = dt.date(2024, 1, 8), end: dt.date | None = None,
                   recent: int = 0, progress: ProgressCallback = no_progress) -> dict[str, int]:
    """Complaints (and the cases they lead to) for every county office whose area has granted patents,
    filed between ``start`` and ``end`` (default: today). A case goes as far as the present allows: a step
    that would fall after now is not taken, so the cases filed in the last months are open, each where its
    officer would be today, with its clocks running — what a bureau's lists and to-dos show. ``recent`` more
    complaints per office are filed in the 60 days before ``end``, the work in hand of a bureau; and each office
    receives one complaint a few minutes before now (when ``end`` is today), so that its case officers find it on
    their to-do list whatever the draws (its triage is due in 7 working days), and the demo city's bureau one dispute of
    its own awaiting the upper level's extension (:func:`upper_extension_case`). An office whose area holds no granted
    patent (a small corpus) gets complaints about its city's, its province's or any (:func:`_patents`)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    end = end or china_date(now)
    with session_scope(engine) as s:
        offices = list(s.scalars(select(Organization).where(Organization.kind == OrgKind.COUNTY)
                                 .order_by(Organization.region_code)))
        s.expunge_all()
    demo = DemoCases(engine, service, snapshot, seed, horizon=now)
    span = (end - start).days
    done = skipped = 0
    arriving = int(end >= china_date(now))  # the one just received, when the complaints run up to today
    total = (per_office + recent + arriving) * len(offices)
    for office in offices:
        patents = _patents(snapshot, office.region_code)
        if not patents:
            continue
        for i in range(per_office + recent + arriving):
            day = start + dt.timedelta(days=demo.rng.randrange(max(span, 1))) if i < per_office \
                else end - dt.timedelta(days=demo.rng.randrange(60))
            day = next_workday_on_or_after(day)
            if day > end:  # not after the end: the working day before it instead
                day = workday_on_or_before(end)
            filed = min(dt.datetime(day.year, day.month, day.day, demo.rng.randint(1, 8)), now)
            if i == per_office + recent:  # the one just received: awaiting its triage
                filed = now - dt.timedelta(minutes=5)
            try:
                demo.complaint(office, patents, filed)
            except _Pending:
                pass  # open: its next step is in the future
            except ZhichanError:
                skipped += 1  # a combination the rules refuse (they are the real rules): not generated
            done += 1
            progress(done, total)
    demo.mark()
    overseas = overseas_demo(engine, snapshot, offices, demo.rng, start, end)
    made, upper, endings = len(demo.made), False, list[str]()
    if arriving:  # the cases run up to today: the demo city's own dispute awaiting the upper level's extension
        with session_scope(engine) as s:
            city = s.scalar(select(Organization).where(Organization.region_code == DEMO_CITY,
                                                       Organization.kind == OrgKind.CITY))
            if city is not None:
                s.expunge(city)
        if city is not None:
            more, upper = upper_extension_case(engine, service, snapshot, city, seed=seed, now=now)
            made += more
        # and the endings no draw guarantees (an absence, the court's refusal), in demo_district's office
        district = next((o for o in offices if o.region_code == OUTCOME_OFFICE), None)
        if district is not None:
            more, endings = outcome_cases(engine, service, snapshot, district, seed=seed, now=now)
            made += more
    return {"cases": made, "skipped": skipped, "upper_extension": int(upper), "endings": len(endings), **overseas}


def _largest_holders(snapshot: Snapshot, region: str, shares: dict[str, dict[str, Any]],
                     limit: int = 2) -> list[dict[str, Any]]:
    """Where no enterprise of the area has a foreign-oriented portfolio (a small demo corpus), the area's
    largest domestic holders of live patents, each with its fields where foreign holders' share is highest:
    the enterprises a bureau watches first."""
    from zhichan.protection.overseas import _GROUP_SQL, _LIVE

    con = snapshot.reader()
    try:
        rows = con.execute(f"""
            SELECT first_patentee, list(DISTINCT g.s || g.g) FILTER (WHERE g.s <> '') AS groups
            FROM (SELECT first_patentee, {_GROUP_SQL} AS g FROM patents
                  WHERE {_LIVE} AND is_domestic AND first_patentee_type = 'enterprise' AND region_code LIKE ?
                    AND first_patentee = applicants[1])  -- its own filing: the region is the applicant's
            GROUP BY first_patentee ORDER BY count(*) DESC, first_patentee LIMIT ?""",
            [region_prefix(region) + "%", limit]).fetchall()
    finally:
        con.close()
    found = []
    for name, groups in rows:
        ranked = sorted((g for g in groups or [] if g in shares), key=lambda g: (-shares[g]["share"], g))
        if ranked:
            found.append({"name": name, "fields": [{"ipc_group": g} for g in ranked]})
    return found


def overseas_demo(engine: Engine, snapshot: Snapshot, offices: list[Organization], rng: random.Random,
                  start: dt.date, end: dt.date) -> dict[str, int]:
    """Per county office: its two most exposed enterprises watched from ``start``, and three overseas disputes
    in their fields recorded later (opponents named 【合成】…, rows flagged synthetic), so the alerts job has
    something to raise. Shares use a low floor (5 patents) so a small demo corpus has fields."""
    from zhichan.protection.overseas import add_watch, exposure, foreign_shares, record_dispute

    shares = foreign_shares(snapshot, min_patents=5)
    countries, kinds = ("US", "DE", "JP", "KR", "FR"), ("诉讼", "337调查", "警告函", "海关扣押", "展会纠纷")
    watched = recorded = 0
    span = max((end - start).days, 1)
    for office in offices:
        scope = synthetic_scope(office)
        exposed = [e for e in exposure(snapshot, scope, threshold=Decimal("0.05"), min_patents=5, limit=2)["items"]
                   if e["fields"]] or _largest_holders(snapshot, office.region_code, shares)
        for e in exposed:
            groups = [f["ipc_group"] for f in e["fields"]][:3]
            with session_scope(engine) as s:
                try:
                    add_watch(s, scope, snapshot, e["name"], ";".join(groups), synthetic=True,
                              now=dt.datetime(start.year, start.month, start.day, 2))
                    watched += 1
                except ZhichanError:
                    continue  # already watched (a second run)
            for i in range(3):
                day = start + dt.timedelta(days=rng.randrange(span))
                with session_scope(engine) as s:
                    try:
                        record_dispute(s, scope, {
                            "enterprise": e["name"], "country": rng.choice(countries), "kind": rng.choice(kinds),
                            "opponent": f"【合成】Overseas Rival {rng.randint(1, 99)}", "ipc_group": rng.choice(groups),
                            "started_on": day.isoformat(), "summary": "合成演示数据 / synthetic demo record"},
                            now=dt.datetime(day.year, day.month, day.day, 3) + dt.timedelta(days=i), synthetic=True)
                        recorded += 1
                    except ZhichanError:
                        continue
    return {"overseas_watches": watched, "overseas_disputes": recorded}
