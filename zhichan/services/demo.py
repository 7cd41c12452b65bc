"""Synthetic demo data for public services (``zhichan demo``), labelled synthetic: every case carries the
engine's ``synthetic`` flag and a title starting 【合成】, the enterprises' accounts say 合成, documents are
placeholders that say so, and the application numbers of the new filings are synthetic, in CNIPA's form with their
check character (:meth:`Demo.number`: random serials from 9,000,000 up, never a real or corpus number).

Everything runs through the real engine and the domain's own hooks (:func:`zhichan.services.hooks.install`),
so every check, clock and evidence entry is what a real application gets. Calibrated to the seeds where
they give a figure (RULES.md M8 (c)), at :data:`SCALE` (the demo corpus is a small fraction of a
province's patents):

* Zhejiang handled **10,570** priority examinations **within 3 days** → ``10570 // SCALE`` requests to the
  Zhejiang demo bureaus, each recommended by the province 1–3 calendar days after it was filed, CNIPA's
  notice recorded 5–20 days later;
* Chengdu: one application filed on the last working day, awaiting the Sichuan office's recommendation letter
  (the province's quota set and the city given a share), for the provincial officer of the demo;
* Hangzhou: **2,755** pre-examinations, **granted in under 80 days** → ``2755 // SCALE`` pre-examination
  cases at the Hangzhou centre (CN-HZ) by recorded enterprises, passed within the 5-working-day limit,
  granted 40–79 days after filing (the grant recorded only once its day has come);
* the other catalogue service (patent search and analysis) and a subsidy round of the example programme
  (Chengdu's enterprises apply, the city allots, publishes, decides one objection, concludes and pays)
  have no seed figure: a few of each. The shares are assumptions of this generator, not statistics. The second
  example programme (``SUB-2026-02``) is left unallotted, its round taking applications: an enterprise trying to apply
  for a subsidy finds one open.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import Engine, select, update

from zhichan.corpus.generator.english import english_name
from zhichan.corpus.generator.world import make_uscc
from zhichan.corpus.store import Snapshot
from zhichan.corpus.validate import application_number_with_check
from zhichan.errors import ZhichanError
from zhichan.legaltime import (
    add_working_days,
    china_date,
    china_today,
    next_workday_on_or_after,
    workday_on_or_before,
)
from zhichan.platform.accounts import create_user, demo_display_name
from zhichan.platform.db import session_scope
from zhichan.platform.models import Organization, OrgKind, Role, User
from zhichan.platform.orgs import party_organization, scope_for_user, seed_demo_tree, synthetic_scope
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case
from zhichan.procedures.service import ProcedureService, Upload
from zhichan.protection.demo import placeholder
from zhichan.services import objections, preexam, priority, progress, subsidies
from zhichan.services.hooks import install
from zhichan.services.models import SubsidyAward
from zhichan.services.service import service_procedures

#: the demo's counts are the seeds' divided by this
SCALE = 100
PRIORITY_SEED, PREEXAM_SEED = 10_570, 2_755
SYNTHETIC = "【合成】"
SEARCH = "services.search_service"
PROGRAMME = "SUB-2026-01"
#: the example programme the demo leaves unallotted, its round taking applications (zhichan.demo checks it is)
OPEN_PROGRAMME = "SUB-2026-02"
#: the first day 令85号 applies
PRIORITY_FROM = dt.date(2026, 9, 1)
CITIES = ("330100", "510100", "320100")


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    day = next_workday_on_or_after(day)
    return dt.datetime(day.year, day.month, day.day, rng.randint(1, 7))  # 09:00–15:00 China time


def _docs(*labels: str) -> tuple[Upload, ...]:
    """Placeholder documents named after their labels: a file name holds no "/" (全体申请人/专利权人同意书 was stored as
    专利权人同意书（合成）.pdf, the engine keeping a name's last part as any upload's)."""
    return tuple(Upload(f"doc{i}", f"{label.replace('/', '、')}（合成）.pdf", placeholder(label))
                 for i, label in enumerate(labels))


class Demo:
    def __init__(self, engine: Engine, procedures: ProcedureService, snapshot: Snapshot, seed: int) -> None:
        self.engine, self.procedures, self.snapshot = engine, procedures, snapshot
        self.rng = random.Random(seed)
        self.today = china_today()
        self.made: list[int] = []
        self.skipped = 0
        self._serials = random.Random(seed + 1)  # its own stream: drawing numbers moves no other draw of the demo
        self._numbers: set[str] = set()

    def number(self, year: int) -> str:
        """A synthetic invention application number of ``year`` in CNIPA's form — year, kind 1, a 7-digit serial, the
        check character after the dot (CN202619437251.6) — its serial drawn at random from 9,000,000 up: above any
        year's invention serials so far (CNIPA takes under two million invention applications a year) and above the
        generated corpus's (counted from 0 each year), so never a real or corpus number. Distinct within the demo."""
        while True:
            number = application_number_with_check(f"{year}1{9_000_000 + self._serials.randrange(1_000_000):07d}")
            if number not in self._numbers:
                self._numbers.add(number)
                return number

    def start(self, scope: Scope, procedure: str, fields: dict[str, Any], when: dt.datetime,
              uploads: tuple[Upload, ...] = ()) -> dict[str, Any]:
        with session_scope(self.engine) as s:
            case = self.procedures.start(s, scope, procedure, fields=fields, uploads=uploads, now=when,
                                         title=f"{SYNTHETIC}{' · '.join(str(v) for v in list(fields.values())[:2])}")
        self.made.append(case["id"])
        return case

    def act(self, scope: Scope, case: dict[str, Any], event: str, when: dt.datetime,
            fields: dict[str, Any] | None = None, uploads: tuple[Upload, ...] = ()) -> None:
        with session_scope(self.engine) as s:
            case.update(self.procedures.act(s, scope, case["id"], event, version=case["version"], fields=fields or {},
                                            uploads=uploads, now=when))

    def enterprises(self, city: str, count: int) -> list[tuple[Scope, str, str]]:
        """Up to ``count`` corpus enterprises of ``city`` with an account under their demo bureau:
        (scope, name, region)."""
        con = self.snapshot.reader()
        try:
            rows = con.execute(
                # a patent's region is its applicant's (a sold one's holder may be elsewhere): the holder's own filings
                "SELECT first_patentee, min(region_code) FROM patents WHERE first_patentee_type = 'enterprise' "
                "AND first_patentee = applicants[1] "
                "AND substr(region_code, 1, 4) = ? GROUP BY first_patentee ORDER BY count(*) DESC, first_patentee "
                "LIMIT ?", [city[:4], count]).fetchall()
        finally:
            con.close()
        out = []
        with session_scope(self.engine) as s:
            for i, (name, region) in enumerate(rows):
                org, _ = party_organization(s, name, region, name_en=english_name(name, region))
                user = s.scalar(select(User).where(User.org_id == org.id, User.role == Role.ENTERPRISE_USER))
                if user is None:
                    user = create_user(s, username=f"services_demo_{city[:4]}_{i:02d}", password=None,
                                       role=Role.ENTERPRISE_USER, org=org, display_name=demo_display_name(name, org.name_en))
                out.append((scope_for_user(s, user), name, org.region_code))
        return out

    def handling(self, case: dict[str, Any]) -> Organization:
        """The office handling ``case`` (an enterprise's application goes to its own bureau)."""
        with session_scope(self.engine) as s:
            row = s.get(Case, case["id"])
            office = s.get(Organization, row.org_id) if row is not None else None
            assert office is not None
            s.expunge(office)
        return office

    def bureau(self, code: str) -> Organization:
        with session_scope(self.engine) as s:
            org = s.scalar(select(Organization).where(Organization.region_code == code,
                                                      Organization.kind != OrgKind.ENTERPRISE))
            assert org is not None
            s.expunge(org)
        return org

    # -- the services ------------------------------------------------------------------------------

    def search_service(self, firms: list[tuple[Scope, str, str]]) -> None:
        """A city's first application completed; its second accepted and awaiting an officer's decision, its third
        just filed and awaiting the window's acceptance — so that the window and the officers each find a step of
        their own on their to-do list (every application used to be completed, and the window had none to take)."""
        purposes = ("研发立项", "专利布局", "侵权风险排查", "技术引进")
        per_city: dict[str, int] = {}
        for scope, name, code in firms:
            nth = per_city[code[:4]] = per_city.get(code[:4], -1) + 1
            back = self.rng.randint(20, 120) if nth == 0 else 6 if nth == 1 else 2
            while next_workday_on_or_after(self.today - dt.timedelta(days=back)) >= self.today:
                back += 1  # filed on a past working day, its handling clock running
            filed = _moment(self.rng, self.today - dt.timedelta(days=back))
            case = self.start(scope, SEARCH, {"applicant": name, "topic": self.search_topic(name),
                                              "purpose": self.rng.choice(purposes), "contact": "王工 000-00000000"},
                              filed, _docs("服务申请表"))
            office = self.handling(case)
            accepted = _moment(self.rng, add_working_days(china_date(filed), self.rng.randint(1, 2)))
            if nth == 2 or accepted.date() >= self.today:
                continue
            self.act(synthetic_scope(office, Role.WINDOW_STAFF), case, "accept", accepted)
            decided = _moment(self.rng, add_working_days(china_date(accepted), self.rng.randint(3, 9)))
            if nth == 0 and decided.date() < self.today:
                self.act(synthetic_scope(office), case, "approve", decided,
                         {"conclusion": "已完成检索分析，报告见附件。"}, _docs("准予办理决定书"))

    def search_topic(self, firm: str) -> str:
        """What a firm asks to have searched: the technology of most of its patents (its commonest main IPC
        subclass) — ``B25J（机械手）相关技术的专利检索分析`` (the topic was "<firm>主营技术的…", which named the firm
        a second time in the application's title)."""
        from zhichan.services.titles import ipc_topic

        con = self.snapshot.reader()
        try:
            found = con.execute("SELECT substr(main_ipc, 1, 4) AS sub FROM patents WHERE first_patentee = ? AND main_ipc IS NOT NULL "
                                "GROUP BY sub ORDER BY count(*) DESC, sub LIMIT 1", [firm]).fetchall()
        finally:
            con.close()
        if not found:
            return "主营技术的专利检索分析"
        return ipc_topic(found[0][0], "zh")  # composed: English pages show it in English (services/titles.py)

    def priority(self, firms: list[tuple[Scope, str, str]], count: int) -> int:
        start = max(PRIORITY_FROM, self.today - dt.timedelta(days=120))
        end = self.today - dt.timedelta(days=7)
        if end <= start or not firms:
            return 0
        province = self.bureau("330000")
        with session_scope(self.engine) as s:
            leader = synthetic_scope(province, Role.BUREAU_LEADER)
            for year in sorted({start.year, end.year}):
                priority.set_quota(s, leader, str(year), "330000", str(count * 2))
                priority.allocate(s, leader, str(year), "330100", str(count + count // 2))
        made = 0
        for i in range(count):
            scope, name, _ = firms[i % len(firms)]
            filed = _moment(self.rng, start + dt.timedelta(days=self.rng.randrange((end - start).days)))
            number = self.number(filed.year)
            fields = {"application_number": number, "subject": "发明专利申请",
                      "ground": self.rng.choice(("战略性新兴产业、未来产业或关键核心技术", "省市重点发展产业", "已实施或有他人实施")),
                      "applicant": name, "consents": name, "contact": "王工 000-00000000"}
            try:
                case = self.start(scope, priority.PROCEDURE, fields, filed, _docs("优先审查请求书", "全体申请人/专利权人同意书"))
                # Zhejiang: handled within 3 days
                recommended = filed + dt.timedelta(days=self.rng.randint(1, 3))
                self.act(synthetic_scope(province), case, "recommend", recommended,
                         {"opinion": "符合推荐条件，予以推荐。"}, _docs("推荐函"))
            except ZhichanError:
                self.skipped += 1
                continue
            made += 1
            notice = china_date(recommended) + dt.timedelta(days=self.rng.randint(5, 20))
            if notice < self.today:
                self.act(synthetic_scope(province), case, "notice", _moment(self.rng, notice),
                         {"notice_date": notice.isoformat(), "notice_number": f"YS-{i:05d}"})
        return made

    def awaiting_province(self, firms: list[tuple[Scope, str, str]]) -> int:
        """One application of the demo city's first enterprise, filed on the last working day before today and
        awaiting the provincial office's recommendation letter (出具推荐函, the step of ``office: province``): the
        province's quota for the year is set and the city given a share, so the recommendation can be taken — what
        the provincial officer ``demo_province`` finds on its to-do list. 1 when made."""
        if not firms:
            return 0
        city = firms[0][2][:4] + "00"
        province = self.bureau(city[:2] + "0000")
        year = str(self.today.year)
        with session_scope(self.engine) as s:
            leader = synthetic_scope(province, Role.BUREAU_LEADER)
            priority.set_quota(s, leader, year, province.region_code, "10")
            priority.allocate(s, leader, year, city, "5")
        scope, name, _ = firms[0]
        filed = _moment(self.rng, workday_on_or_before(self.today - dt.timedelta(days=1)))
        fields = {"application_number": self.number(filed.year),
                  "subject": "发明专利申请", "ground": "省市重点发展产业", "applicant": name, "consents": name,
                  "contact": "王工 000-00000000"}
        try:
            self.start(scope, priority.PROCEDURE, fields, filed, _docs("优先审查请求书", "全体申请人/专利权人同意书"))
        except ZhichanError:
            self.skipped += 1
            return 0
        return 1

    def preexam(self, firms: list[tuple[Scope, str, str]], count: int) -> int:
        centre = preexam.centres()["CN-HZ"]
        recorded = []
        for j, (scope, name, region) in enumerate(firms):
            filed = _moment(self.rng, self.today - dt.timedelta(days=200 + self.rng.randint(0, 30)))
            case = self.start(scope, preexam.FILING, {
                "centre": centre.code, "applicant": name, "credit_code": make_uscc("91", region, 900_000 + j),
                "fields_ipc": "\n".join(centre.ipc[:3]), "contact": "王工 000-00000000"}, filed, _docs("备案申请表"))
            office = self.handling(case)
            self.act(synthetic_scope(office), case, "record", _moment(self.rng, add_working_days(china_date(filed), 2)))
            recorded.append((scope, name, office))
        made = 0
        for i in range(count):
            scope, name, office = recorded[i % len(recorded)]
            submitted = _moment(self.rng, self.today - dt.timedelta(days=self.rng.randint(30, 170)))
            ipc = self.rng.choice(centre.ipc)
            case = self.start(scope, preexam.CASE, {"centre": centre.code, "applicant": name,
                                                     "title": f"一种{ipc}领域的装置", "kind": "发明",
                                                     "main_ipc": f"{ipc} 1/00"}, submitted, _docs("申请文件"))
            passed = _moment(self.rng, add_working_days(china_date(submitted), self.rng.randint(2, 5)))
            self.act(synthetic_scope(office), case, "pass_preexam", passed)
            filed_on = china_date(passed) + dt.timedelta(days=self.rng.randint(1, 5))
            granted_on = filed_on + dt.timedelta(days=self.rng.randint(40, 79))  # Hangzhou: under 80 days
            if granted_on + dt.timedelta(days=4) < self.today:
                number = self.number(filed_on.year)
                self.act(synthetic_scope(office), case, "record_grant", _moment(self.rng, granted_on + dt.timedelta(days=1)),
                         {"application_number": number, "filed_on": filed_on.isoformat(),
                          "granted_on": granted_on.isoformat()})
            made += 1
        return made

    def subsidy_round(self, firms: list[tuple[Scope, str, str]]) -> int:
        p = subsidies.programme(PROGRAMME)
        city = self.bureau(p.region)
        # assessed under the programme's current revision: never before the day it took effect
        applied = max(self.today - dt.timedelta(days=60), p.revision.since if p.revision else dt.date.min)
        opening = max(self.today - dt.timedelta(days=40), applied + dt.timedelta(days=len(firms) + 1))
        if opening + dt.timedelta(days=20) > self.today:
            return 0  # no room before today for the round's objection period and payments
        for k, (scope, _, _) in enumerate(firms):
            with session_scope(self.engine) as s:
                try:
                    subsidies.apply(s, scope, self.snapshot, PROGRAMME, now=_moment(self.rng, applied + dt.timedelta(days=k)))
                except ZhichanError:
                    self.skipped += 1
        opened = _moment(self.rng, opening)
        try:
            case = self.start(synthetic_scope(city), subsidies.ROUND_PROCEDURE, {"programme": PROGRAMME}, opened)
        except ZhichanError:  # allotted before
            return 0
        self.act(synthetic_scope(city), case, "allot", opened)
        self.act(synthetic_scope(city, Role.BUREAU_LEADER), case, "publish", opened + dt.timedelta(hours=1))
        with session_scope(self.engine) as s:
            lines = list(s.scalars(select(SubsidyAward).where(SubsidyAward.round_case_id == case["id"])
                                   .order_by(SubsidyAward.seq)))
            s.expunge_all()
        if lines and len(firms) > 1:  # one objection, decided
            objector = firms[-1][0]
            with session_scope(self.engine) as s:
                filed = objections.file_objection(self.procedures, s, objector, PROGRAMME,
                                                  fields={"line": str(lines[0].seq), "grounds": "对资助计算有疑问"},
                                                  now=opened + dt.timedelta(days=1))
            self.made.append(filed["id"])
            self.act(synthetic_scope(city), {**filed}, "dismiss", opened + dt.timedelta(days=3),
                     {"decision": "经复核，资助按项目办法计算无误。"})
        concluded = _moment(self.rng, add_working_days(china_date(opened), 8))
        self.act(synthetic_scope(city), case, "conclude", concluded, {"objections": "公示期内收到异议一件，已处理。"})
        with session_scope(self.engine) as s:
            for n, award in enumerate(lines):
                if award.awarded_yuan > 0:
                    paid = china_date(concluded) + dt.timedelta(days=5)
                    subsidies.disburse(s, synthetic_scope(city), award.id, paid.isoformat(), f"BF-{n + 1:03d}")
        return len(lines)

    def mark(self) -> None:
        with session_scope(self.engine) as s:
            for i in range(0, len(self.made), 500):
                chunk = self.made[i:i + 500]
                s.execute(update(Case).where(Case.id.in_(chunk)).values(synthetic=True))
                s.execute(update(Case).where(Case.id.in_(chunk), Case.title.not_like(f"{SYNTHETIC}%"))
                          .values(title=SYNTHETIC + Case.title))


def seed(engine: Engine, snapshot: Snapshot, procedures: ProcedureService, *, seed: int = 20261204) -> dict[str, int] | None:
    """Seed the services demo once per database (``None`` when synthetic service cases exist already)."""
    install(procedures, lambda: snapshot)
    with session_scope(engine) as s:
        seed_demo_tree(s)
        if s.scalar(select(Case.id).where(Case.synthetic.is_(True), Case.procedure.in_(
                [*service_procedures(), subsidies.ROUND_PROCEDURE])).limit(1)) is not None:
            return None
    demo = Demo(engine, procedures, snapshot, seed)
    hangzhou, chengdu, nanjing = (demo.enterprises(c, 8) for c in CITIES)
    demo.search_service(hangzhou[:3] + chengdu[:3] + nanjing[:3])
    made = {"priority": demo.priority(hangzhou, PRIORITY_SEED // SCALE),
            "preexam": demo.preexam(hangzhou, PREEXAM_SEED // SCALE) if hangzhou else 0,
            "subsidy_awards": demo.subsidy_round(chengdu) if chengdu else 0,
            "priority_awaiting": demo.awaiting_province(chengdu)}
    demo.mark()
    return {**made, "cases": len(demo.made), "skipped": demo.skipped}


def counter_receipt(engine: Engine, procedures: ProcedureService) -> dict[str, str] | None:
    """The 收件回执 of the demo's Chengdu application awaiting the window's acceptance, printed as window staff print it
    (a new query code: the previous one stops working), so ``zhichan demo`` shows one receipt's case number and code to
    follow at ``/services/progress`` — on every run, as only the code's hash is kept. None where the demo has no such
    application (its services demo not seeded)."""
    with session_scope(engine) as s:
        row = s.scalars(select(Case).where(Case.synthetic.is_(True), Case.procedure == SEARCH, Case.state == "filed",
                                           Case.region_code.startswith(CITIES[1][:4])).order_by(Case.id).limit(1)).first()
        office = s.get(Organization, row.org_id) if row is not None else None
        if row is None or office is None:
            return None
        data = progress.issue_receipt(procedures, s, synthetic_scope(office, Role.WINDOW_STAFF), row.id)
    return {"number": data["number"], "code": data["code"], "url": f"/services/progress?number={data['number']}"}
