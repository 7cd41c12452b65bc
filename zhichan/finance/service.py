"""Pledge registration (专利权质押登记办法, 2021): the automatic checks against the corpus and the
register kept in step with each ``finance.pledge`` case.

The checks run on the application date when the pledgor files (so a refusal shows at once, beside
the field), on the pledgee's confirmation (its consent to a pending invalidation), and again on the
registration date when the bureau registers. A right is refused when, on that date (from
:func:`zhichan.corpus.rights.rights_on`, one call for all rights of the pledge):

- the pledgor is not its registered holder;
- it is not in the corpus, not granted, or has ended (terminated, invalidated, expired…);
- its annuity is known unpaid (the corpus records no fee payments: only a lapse for non-payment
  tells; otherwise payment is unknown and the check report says so);
- proceedings on it are suspended (中止, 专利法实施细则 第一百零五条);
- the debt term runs past the patent's term — its term with a registered compensation (专利法 第四十二条第二款、
  第三款), or unknown where a compensation cannot be read, which refuses a debt term past the statutory end
  (:func:`debt_past_term`);
- it is already pledged (in the corpus, or in this register, registered or awaiting a decision);
- a co-owner recorded by the corpus is not named as consenting;
- an invalidation request is pending, unless both pledgor and pledgee consent after notice.

The pledgor on the credit list (:func:`zhichan.credit.service.active_listing`) is refused too.
Trademarks (注册商标专用权质押) and data-IP registrations (数据知识产权质押) are checked on one path
(:class:`RegisteredRight`): found in their register (the corpus's ``trademarks`` table; this platform's
data-IP register ``dataip_registrations``), in force on the date (a registered mark not expired; a
registration granted on or before the date), held by the pledgor (registrant; the data holder who
registered it), not already pledged here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from zhichan import money
from zhichan.corpus.parties import normalize_name
from zhichan.corpus.rights import Pledge as CorpusPledge
from zhichan.corpus.rights import RightStatus, rights_on
from zhichan.corpus.store import Snapshot
from zhichan.corpus.validate import TRADEMARK_NUMBER, FieldError, normalize_application_number
from zhichan.credit.service import active_listing
from zhichan.errors import ConflictError, FormError, joined
from zhichan.evidence.service import EvidenceService
from zhichan.finance.models import Pledge, PledgedRight
from zhichan.legaltime import china_date
from zhichan.platform.models import Organization, OrgKind
from zhichan.platform.orgs import organization_named
from zhichan.platform.scope import Scope
from zhichan.procedures.service import ProcedureService, StepTaken

PROCEDURE = "finance.pledge"
#: a pledge in these states holds its rights (a second pledge of them is refused)
HOLDING = ("applied", "confirmed", "registered")
#: the state a step leads to, as the register's status
ENDED = {"released", "cancelled", "disposed"}
MAX_RIGHTS = 1000
#: a data-IP registration number as the data-IP register issues it (``DIP-<year>-<log index>``)
_DATAIP = re.compile(r"^(?:数据知识产权)?\s*[:：]?\s*(DIP-\d{4}-\d{8,12})$", re.IGNORECASE)
#: the kinds of pledged right, in the order the register lists them
KINDS = ("patent", "trademark", "dataip")
ANNUITY_NOTE = ("语料不记录年费缴纳：只有因未缴年费终止的专利可判定为欠费，其余专利的缴费情况未知，请核对缴费凭证 / The corpus "
                "records no annuity payments: only a patent that lapsed for non-payment is known unpaid; for the "
                "others payment is unknown — check the receipts")


def parse_money(text: Any, label: str) -> Decimal:
    """A positive amount in yuan with at most two decimals (``1,000,000.00`` and full-width digits accepted;
    ``zhichan.money.parse_money``), or a FieldError naming ``label``."""
    try:
        return money.parse_money(text)
    except money.MoneyError as exc:
        raise FieldError(f"“{label}”{exc.reason}") from None


@dataclass(frozen=True)
class Rights:
    """The pledged rights of one application, by kind: normalized patent application numbers, trademark
    registration numbers, data-IP registration numbers."""

    patents: list[str] = field(default_factory=list)
    trademarks: list[str] = field(default_factory=list)
    dataip: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list[str]:
        return {"patent": self.patents, "trademark": self.trademarks, "dataip": self.dataip}[kind]

    def all(self) -> list[str]:
        return [*self.patents, *self.trademarks, *self.dataip]


def parse_rights(text: str) -> Rights:
    """Patent application numbers (normalized), trademark registration numbers and data-IP registration
    numbers, one a line (or separated by commas / semicolons); :class:`FieldError` names every line it
    cannot read."""
    rights = Rights()
    bad: list[tuple[str, str]] = []  # the item and why, "中文 / English"
    for item in re.split(r"[\n,，;；、]+", text or ""):
        item = unicodedata.normalize("NFKC", item).strip()
        if not item:
            continue
        mark = TRADEMARK_NUMBER.match(item)
        data = _DATAIP.match(item)
        if mark:
            kind, number = "trademark", mark.group(1)
        elif data:
            kind, number = "dataip", data.group(1).upper()
        else:
            kind = "patent"
            try:
                number = normalize_application_number(item)
            except FieldError as exc:
                bad.append((item[:40], exc.reason))
                continue
        if number not in rights.of(kind):
            rights.of(kind).append(number)
    if bad:
        halves = [(f"{item}：{reason.partition(' / ')[0]}", f"{item}: {reason.partition(' / ')[2]}") for item, reason in bad[:10]]
        raise FieldError("无法识别的权利：" + "；".join(zh for zh, _ in halves)
                         + " / unreadable numbers: " + "; ".join(en for _, en in halves))
    count = len(rights.all())
    if not count:
        raise FieldError("请至少列出一项出质的权利 / list at least one pledged right")
    if count > MAX_RIGHTS:
        raise FieldError(f"一次最多出质 {MAX_RIGHTS} 项权利 / at most {MAX_RIGHTS} rights per pledge")
    return rights


@dataclass(frozen=True)
class RegisteredRight:
    """A trademark or a data-IP registration as the checks see it: one shape for both registers."""

    kind: str
    number: str
    found: bool
    title: str = ""
    holder: str | None = None
    #: why it is not in force on the date (中文 / English); None when it is
    not_in_force: str | None = None
    term_end: dt.date | None = None


#: per kind: its name in a refusal, what its register is called, what its holder is called
REGISTERS = {
    "trademark": ("商标 / Trademark", "语料中没有该注册商标 / not in the corpus", "商标注册人 / the registrant"),
    "dataip": ("数据知识产权 / Data IP", "数据知识产权登记簿中没有该登记 / not in the data-IP register",
               "登记的数据持有人 / the registered data holder"),
}


def _of_right(right: str, refusal: str) -> str:
    """A right's refusal naming the right in both halves (``CN….X：未缴年费 / CN….X: annuity unpaid``): prefixed to
    the whole "中文 / English" message, the English page read the reason without the right."""
    right_zh, _, right_en = right.partition(" / ")
    zh, sep, en = refusal.partition(" / ")
    return f"{right_zh}：{zh} / {right_en or right_zh}: {en}" if sep else f"{right_zh}：{refusal}"


def trademarks_on(snapshot: Snapshot, numbers: list[str], on: dt.date) -> dict[str, RegisteredRight]:
    """The corpus's record of each trademark on ``on`` (one query for all)."""
    out = {n: RegisteredRight("trademark", n, found=False) for n in numbers}
    if not numbers:
        return out
    con = snapshot.reader()
    try:
        placeholders = ", ".join("?" for _ in numbers)
        rows = con.execute(f"SELECT registration_number, mark_name, registrant, status, expiry_date FROM trademarks "
                           f"WHERE registration_number IN ({placeholders})", numbers).fetchall()
    finally:
        con.close()
    for number, name, registrant, status, expiry in rows:
        reason = None
        if status != "registered":
            reason = f"商标状态为 {status or '未记录'}，不是注册有效 / the mark is not registered"
        elif expiry is not None and expiry < on:
            reason = f"专用权已于 {expiry} 届满 / the registration expired"
        out[number] = RegisteredRight("trademark", number, True, name or "", registrant, reason, expiry)
    return out


def data_ip_on(session: Session, numbers: list[str], on: dt.date) -> dict[str, RegisteredRight]:
    """The data-IP register's record of each registration on ``on`` (one query for all): in force once
    registered (准予登记) on or before ``on``; the holder is the data holder who registered it."""
    from zhichan.dataip.models import Registration, Status

    out = {n: RegisteredRight("dataip", n, found=False) for n in numbers}
    if not numbers:
        return out
    rows = session.execute(select(Registration.number, Registration.data_name, Registration.applicant,
                                  Registration.status, Registration.decided_at)
                           .where(Registration.number.in_(numbers))).all()
    for number, name, holder, status, decided_at in rows:
        reason = None
        if status != Status.REGISTERED or decided_at is None:
            reason = f"登记状态为 {status}，尚未准予登记 / not registered (status {status})"
        elif china_date(decided_at) > on:
            reason = f"{china_date(decided_at)} 才准予登记 / registered only on {china_date(decided_at)}"
        out[number] = RegisteredRight("dataip", number, True, name or "", holder, reason)
    return out


@dataclass
class Application:
    """What the checks need to know about one pledge."""

    pledgor: str
    rights: Rights
    debt_end: dt.date
    co_owners_consenting: list[str] = field(default_factory=list)
    #: both parties consent to a pending invalidation (at filing: the pledgor's answer only)
    invalidation_consent: bool = False
    #: the pledgee consents to an open licence of a pledged patent continuing (指南 §9; at filing: as the pledgor says)
    open_licence_consent: bool = False
    #: the pledge being checked (its own register entry does not count as "already pledged")
    pledge_id: int | None = None


@dataclass
class CheckReport:
    """Per right: its title and the refusals (中文 / English); plus problems of the whole application."""

    on: dt.date
    rights: dict[str, dict[str, Any]]
    #: field -> refusals
    problems: dict[str, list[str]]
    notes: list[str]

    @property
    def ok(self) -> bool:
        return not any(self.problems.values())

    def form_errors(self) -> dict[str, str]:
        return {k: joined(v) for k, v in self.problems.items() if v}


def _already_pledged(session: Session, numbers: list[str], exclude: int | None) -> dict[str, str]:
    """Rights held by another pledge of this register (registered, or awaiting confirmation or decision)."""
    if not numbers:
        return {}
    query = (select(PledgedRight.number, Pledge.registration_number, Pledge.status, Pledge.pledgee)
             .join(Pledge, Pledge.id == PledgedRight.pledge_id)
             .where(PledgedRight.number.in_(numbers), Pledge.status.in_(HOLDING)))
    if exclude is not None:
        query = query.where(Pledge.id != exclude)
    return {n: f"{pledgee}（{reg or status}）" for n, reg, status, pledgee in session.execute(query)}


def registered_pledges(session: Session | Connection, numbers: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The registered pledges on these rights, by number (the data-IP register shows them with each
    registration, as a patent's page shows its pledge events): registration number, pledgee, date."""
    if not numbers:
        return {}
    rows = session.execute(select(PledgedRight.number, Pledge.registration_number, Pledge.pledgee, Pledge.registered_on)
                           .join(Pledge, Pledge.id == PledgedRight.pledge_id)
                           .where(PledgedRight.number.in_(numbers), Pledge.status == "registered")
                           .order_by(Pledge.registered_on, Pledge.id))
    out: dict[str, list[dict[str, Any]]] = {}
    for number, registration, pledgee, on in rows:
        out.setdefault(number, []).append({"registration_no": registration, "pledgee": pledgee,
                                           "registered_on": on.isoformat() if on else None})
    return out


def _ended_here(session: Session, numbers: list[str]) -> set[tuple[str, str, dt.date]]:
    """(number, pledgee, registered_on) of this register's pledges that have ended: the corpus may still
    show them active until the next snapshot carries their release."""
    if not numbers:
        return set()
    rows = session.execute(select(PledgedRight.number, Pledge.pledgee, Pledge.registered_on)
                           .join(Pledge, Pledge.id == PledgedRight.pledge_id)
                           .where(PledgedRight.number.in_(numbers), Pledge.status.in_(ENDED)))
    return {(n, normalize_name(p), d) for n, p, d in rows if d is not None}


def _still_pledged(number: str, pledges: tuple[CorpusPledge, ...],
                   ended_here: set[tuple[str, str, dt.date]]) -> list[CorpusPledge]:
    """The corpus's active pledges of ``number`` but those this register has ended since (``ended_here``,
    :func:`_ended_here`): the snapshot shows them until the next one carries their release."""
    return [p for p in pledges if (number, normalize_name(p.pledgee or ""), p.registered_on) not in ended_here]


def pledges_in_force(session: Session, statuses: Mapping[str, RightStatus]) -> dict[str, tuple[CorpusPledge, ...]]:
    """The pledges in force on these patents on each status's day, as the platform knows them — the one answer to "is
    it pledged" outside the pledge's own checks (an open-licence declaration, a listing, a valuation): the corpus's
    active pledges but those this register has ended since, and this register's pledges registered by that day that
    the corpus does not show yet (registered after its snapshot: an open licence was declared on a patent pledged the
    week before). ``statuses``: a form's few rights, by number."""
    numbers = list(statuses)
    ended_here = _ended_here(session, numbers)
    rows = session.execute(select(PledgedRight.number, Pledge.pledgor, Pledge.pledgee, Pledge.registered_on,
                                  Pledge.debt_amount)
                           .join(Pledge, Pledge.id == PledgedRight.pledge_id)
                           .where(PledgedRight.number.in_(numbers), Pledge.status == "registered")
                           .order_by(Pledge.registered_on, Pledge.id)).all() if numbers else []
    out = {}
    for number, status in statuses.items():
        pledges = _still_pledged(number, status.active_pledges, ended_here)
        known = {(normalize_name(p.pledgee or ""), p.registered_on) for p in pledges}
        pledges += [CorpusPledge(pledgor, pledgee, on, amount) for n, pledgor, pledgee, on, amount in rows
                    if n == number and on is not None and on <= status.on
                    and (normalize_name(pledgee), on) not in known]
        out[number] = tuple(pledges)
    return out


def debt_past_term(number: str, right: RightStatus, debt_end: dt.date) -> str | None:
    """Why a debt term ending ``debt_end`` cannot be secured by the patent ``number``, or None: its term — with its
    compensation, or unknown where the compensation cannot be read (:class:`zhichan.corpus.rights.Term`) — runs past
    the debt's end."""
    if right.term is None:
        return None
    past = right.term.runs_past(debt_end)
    if past is False:
        return None
    zh, en = right.term.text()
    if past is None:
        return (f"{number} 的专利权{zh}，无法确认涵盖债务履行期（至 {debt_end}） / the term of {number} {en}: "
                f"it cannot be shown to cover the debt term (to {debt_end})")
    return (f"{number} 的专利权期限{zh}，早于债务履行期届满日 {debt_end} / the term of {number} {en}, before the "
            f"debt term ends on {debt_end}")


def check_application(session: Session, snapshot: Snapshot, app: Application, on: dt.date) -> CheckReport:
    """Every refusal rule on ``on``; nothing is written."""
    problems: dict[str, list[str]] = {"rights": [], "debt_end": [], "co_owners_consenting": [],
                                      "invalidation_consent": [], "open_licence_consent": [], "pledgor": []}
    rights: dict[str, dict[str, Any]] = {}
    patents = app.rights.patents
    statuses = rights_on(snapshot, patents, on)
    held_here = _already_pledged(session, app.rights.all(), app.pledge_id)
    ended_here = _ended_here(session, patents)
    consenting = {normalize_name(n) for n in app.co_owners_consenting}
    from zhichan.exchange.openlicence import in_force

    open_licences = in_force(session, patents)
    pledgor_key = normalize_name(app.pledgor)
    for number in patents:
        r: RightStatus = statuses[number]
        refusals: list[str] = []
        if not r.found:
            refusals.append("语料中没有该专利 / not in the corpus")
        else:
            if not r.granted:
                refusals.append("尚未授权 / not granted")
            elif r.ended is not None:
                refusals.append(f"{r.ended[0]} / {r.ended[1]}")
            if r.annuity_paid is False and r.ended is None:  # one ended for it says so once (未缴年费终止)
                refusals.append("未缴年费 / annuity unpaid")
            if not r.held_by(app.pledgor):
                refusals.append(f"出质人不是登记的专利权人（权利人：{'、'.join(r.holders) or '未记录'}） / the pledgor is not the "
                                "registered holder")
            if r.suspended:
                refusals.append("因权属纠纷或财产保全程序中止 / proceedings suspended")
            if (refused := debt_past_term(number, r, app.debt_end)) is not None:
                problems["debt_end"].append(refused)
            active = _still_pledged(number, r.active_pledges, ended_here)  # this register's: held_here
            if active:
                refusals.append(f"已经出质（质权人：{active[0].pledgee or '未记录'}，{active[0].registered_on}） / already pledged")
            missing = [h for h in r.holders if normalize_name(h) != pledgor_key and normalize_name(h) not in consenting]
            if len(r.holders) > 1 and missing:
                problems["co_owners_consenting"].append(
                    f"{number} 的共有人 {'、'.join(missing)} 未同意出质 / co-owner(s) {', '.join(missing)} of {number} "
                    "have not consented")
            if r.invalidation_pending and not app.invalidation_consent:
                problems["invalidation_consent"].append(
                    f"{number} 正在无效宣告程序中，须出质人与质权人知悉后均同意 / {number} is under an invalidation "
                    "request: both parties must consent after notice")
        if number in open_licences and not app.open_licence_consent:
            problems["open_licence_consent"].append(
                f"{number} 已实行开放许可（{open_licences[number].published_on} 公告），出质须经质权人同意开放许可继续实施，否则应先撤回"
                f"开放许可声明 / {number} is open-licensed (published {open_licences[number].published_on}): the pledgee "
                "must consent to the open licence continuing, or the declaration is withdrawn first")
        if number in held_here:
            refusals.append(f"已在本平台出质：{held_here[number]} / already pledged here")
        rights[number] = {"kind": "patent", "title": r.title or "", "term_end": r.term_end, "holders": r.holders,
                          "refusals": refusals}
        problems["rights"].extend(_of_right(number, x) for x in refusals)
    registered = {**trademarks_on(snapshot, app.rights.trademarks, on), **data_ip_on(session, app.rights.dataip, on)}
    for number in [*app.rights.trademarks, *app.rights.dataip]:
        m = registered[number]
        label, not_found, holder_is = REGISTERS[m.kind]
        refusals = []
        if not m.found:
            refusals.append(not_found)
        else:
            if m.not_in_force is not None:
                refusals.append(m.not_in_force)
            if normalize_name(m.holder or "") != pledgor_key:
                zh, en = holder_is.split(" / ")
                refusals.append(f"出质人不是{zh}（{zh}：{m.holder or '未记录'}） / the pledgor is not {en}")
        if number in held_here:
            refusals.append(f"已在本平台出质：{held_here[number]} / already pledged here")
        rights[number] = {"kind": m.kind, "title": m.title, "term_end": m.term_end,
                          "holders": (m.holder,) if m.holder else (), "refusals": refusals}
        label_zh, label_en = label.split(" / ")
        problems["rights"].extend(_of_right(f"{label_zh} {number} / {label_en} {number}", x) for x in refusals)
    listing = active_listing(session, on=on, name=app.pledgor)
    if listing is not None:
        problems["pledgor"].append(listing.reason)
    notes = [ANNUITY_NOTE] if patents else []
    return CheckReport(on, rights, problems, notes)


# -- the register, kept with the case --------------------------------------------------------------

def _lines(text: Any) -> list[str]:
    return [x.strip() for x in re.split(r"[\n,，;；、]+", str(text or "")) if x.strip()]


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _consent(value: Any) -> bool:
    return str(value or "").strip() == "是"


def record_digest(record: dict[str, Any]) -> tuple[bytes, str, str]:
    data = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return data, hashlib.new("sm3", data).hexdigest(), hashlib.sha256(data).hexdigest()


def registration_record(session: Session, pledge: Pledge) -> dict[str, Any]:
    """The registration as certified: what the certificate's digests cover (downloadable as JSON)."""
    rights = session.scalars(select(PledgedRight).where(PledgedRight.pledge_id == pledge.id)
                             .order_by(PledgedRight.id)).all()
    return {
        "registration_no": pledge.registration_number, "pledgor": pledge.pledgor, "pledgee": pledge.pledgee,
        "guarantor": pledge.guarantor, "debt_amount": str(pledge.debt_amount),
        "debt_term": f"{pledge.debt_start.isoformat()} 至 {pledge.debt_end.isoformat()}",
        "rights": [{"kind": r.kind, "number": r.number, "title": r.title} for r in rights],
        "registered_on": pledge.registered_on.isoformat() if pledge.registered_on else None,
    }


class PledgeRules:
    """The hook on ``finance.pledge`` steps: checks, and the register row kept with the case."""

    def __init__(self, snapshot: Callable[[], Snapshot | None], evidence: EvidenceService) -> None:
        self.snapshot = snapshot
        self.evidence = evidence

    def _snapshot(self) -> Snapshot:
        snap = self.snapshot()
        if snap is None:
            raise ConflictError("尚无语料快照，无法核对权利状态 / no corpus snapshot to check the rights against")
        return snap

    def __call__(self, session: Session, scope: Scope, step: StepTaken) -> None:
        today = china_date(step.now)
        if step.event == "start":
            self._start(session, step, today)
            return
        pledge = session.scalar(select(Pledge).where(Pledge.case_id == step.case_id))
        if pledge is None:
            raise ConflictError("质押登记簿中没有该办件 / the register has no entry for this case")
        pledge.updated_at = step.now
        if step.event == "confirm":
            self._require_ok(session, pledge, step, today, confirm_fields=step.fields)
        elif step.event == "register":
            confirm = self._confirm_fields(session, step.case_id)
            self._require_ok(session, pledge, step, today, confirm_fields=confirm)
            pledge.registered_on = today
            pledge.registration_number = f"Y{today.year}{pledge.region_code}{pledge.id:06d}"
            pledge.status = "registered"
            session.flush()
            self._certify(session, pledge, step)
        elif step.event == "change":
            self._change(session, pledge, step.fields, today)
            # the changed registration is certified anew: record.json serves the register as it now stands, and a
            # certificate still holding the registration's digest would no longer verify against it (nor show the
            # debt now secured); the registration's own entry stays in the log
            session.flush()
            self._certify(session, pledge, step)
        elif step.event == "dispose":
            try:
                parse_money(step.fields.get("proceeds"), "处置所得")
            except FieldError as exc:
                raise FormError({"proceeds": exc.reason}) from None
        if step.target in ENDED:
            pledge.ended_on = today
        if step.target in ("applied", "confirmed", "registered", "refused", "withdrawn", *ENDED):
            pledge.status = step.target

    def _start(self, session: Session, step: StepTaken, today: dt.date) -> None:
        f = step.fields
        errors: dict[str, str] = {}
        rights = Rights()
        amount = Decimal("0")
        try:
            rights = parse_rights(f.get("rights", ""))
        except FieldError as exc:
            errors["rights"] = exc.reason
        try:
            amount = parse_money(f.get("debt_amount"), "被担保主债权数额")
        except FieldError as exc:
            errors["debt_amount"] = exc.reason
        start, end = _date(f["debt_start"]), _date(f["debt_end"])
        if end < start:
            errors["debt_end"] = "届满日早于起始日 / the term ends before it starts"
        bank = organization_named(session, str(f.get("pledgee", "")), OrgKind.BANK)
        if bank is None:
            errors["pledgee"] = "平台上没有该名称的银行机构，请填写质权人全称 / no bank of that name on the platform"
        if step.party_user_id is None:
            errors["pledgor"] = "质押登记由出质人（企业用户）在线申请 / the pledgor (an enterprise user) files online"
        if errors:
            raise FormError(errors)
        assert bank is not None
        party_org = self._party_org(session, step)
        app = Application(party_org.name, rights, end, _lines(f.get("co_owners_consenting")),
                          _consent(f.get("invalidation_consent")), _consent(f.get("open_licence_consent")))
        report = check_application(session, self._snapshot(), app, today)
        if not report.ok:
            raise FormError(report.form_errors())
        pledge = Pledge(case_id=step.case_id, pledgor_org_id=party_org.id, pledgor=party_org.name,
                        pledgee_org_id=bank.id, pledgee=bank.name, guarantor=str(f.get("guarantor", "")).strip()[:200],
                        debt_amount=amount, debt_start=start, debt_end=end, status="applied", org_id=step.org_id,
                        org_path=self._org_path(session, step.org_id), region_code=step.region_code,
                        created_at=step.now, updated_at=step.now)
        session.add(pledge)
        session.flush()
        for number in rights.all():
            info = report.rights[number]
            session.add(PledgedRight(pledge_id=pledge.id, kind=info["kind"], number=number, title=info["title"][:300]))
        ProcedureService.set_counterparty(session, step.case_id, bank.id)
        session.flush()

    @staticmethod
    def _party_org(session: Session, step: StepTaken) -> Organization:
        from zhichan.platform.models import User

        user = session.get(User, step.party_user_id)
        org = session.get(Organization, user.org_id) if user is not None else None
        if org is None:
            raise FormError({"pledgor": "出质人账号没有所属企业 / the pledgor's account has no enterprise"})
        return org

    @staticmethod
    def _org_path(session: Session, org_id: int) -> str:
        org = session.get(Organization, org_id)
        return org.path if org is not None else "/"

    @staticmethod
    def _confirm_fields(session: Session, case_id: int) -> dict[str, Any]:
        from zhichan.procedures.models import Step

        row = session.scalar(select(Step.fields).where(Step.case_id == case_id, Step.event == "confirm")
                             .order_by(Step.seq.desc()).limit(1))
        return json.loads(row) if row else {}

    def application(self, session: Session, pledge: Pledge, case_fields: dict[str, Any],
                    confirm_fields: dict[str, Any]) -> Application:
        rights = session.scalars(select(PledgedRight).where(PledgedRight.pledge_id == pledge.id)).all()
        return Application(
            pledge.pledgor, Rights(*([r.number for r in rights if r.kind == kind] for kind in KINDS)), pledge.debt_end,
            _lines(case_fields.get("co_owners_consenting")),
            _consent(case_fields.get("invalidation_consent")) and _consent(confirm_fields.get("invalidation_consent")),
            _consent(case_fields.get("open_licence_consent")) and _consent(confirm_fields.get("open_licence_consent")),
            pledge.id)

    def report(self, session: Session, pledge: Pledge, case_fields: dict[str, Any], on: dt.date) -> CheckReport:
        """The checks on ``on`` as the case stands (the page shows them to the officer before deciding)."""
        app = self.application(session, pledge, case_fields, self._confirm_fields(session, pledge.case_id))
        return check_application(session, self._snapshot(), app, on)

    def _require_ok(self, session: Session, pledge: Pledge, step: StepTaken, on: dt.date, *,
                    confirm_fields: dict[str, Any]) -> None:
        app = self.application(session, pledge, step.case_fields, confirm_fields)
        report = check_application(session, self._snapshot(), app, on)
        if step.event == "confirm":
            # the pledgee answers only for its own consent; the rest was checked at filing and is checked again
            # on the registration date
            errors = {k: v for k, v in report.form_errors().items()
                      if k in ("invalidation_consent", "open_licence_consent")}
        else:
            errors = {f"check_{k}": v for k, v in report.form_errors().items()}
        if errors:
            raise FormError(errors)

    def _change(self, session: Session, pledge: Pledge, fields: dict[str, Any], today: dt.date) -> None:
        errors: dict[str, str] = {}
        if fields.get("debt_amount"):
            try:
                pledge.debt_amount = parse_money(fields["debt_amount"], "主债权数额")
            except FieldError as exc:
                errors["debt_amount"] = exc.reason
        if fields.get("guarantor"):
            pledge.guarantor = str(fields["guarantor"])[:200]
        if fields.get("debt_end"):
            end = _date(fields["debt_end"])
            if end < pledge.debt_start:
                errors["debt_end"] = "届满日早于起始日 / the term ends before it starts"
            else:
                pledge.debt_end = end
                patents = [r.number for r in session.scalars(select(PledgedRight).where(
                    PledgedRight.pledge_id == pledge.id, PledgedRight.kind == "patent"))]
                for number, r in rights_on(self._snapshot(), patents, today).items():
                    if (refused := debt_past_term(number, r, end)) is not None:
                        errors["debt_end"] = refused
        if not any(fields.get(k) for k in ("debt_amount", "debt_end", "guarantor")):
            errors["debt_amount"] = "请填写变更的事项 / give what changes"
        if errors:
            raise FormError(errors)

    def _certify(self, session: Session, pledge: Pledge, step: StepTaken) -> None:
        """The registration certificate's entry in the evidence log (verifiable like any certificate)."""
        record = registration_record(session, pledge)
        _, sm3, sha = record_digest(record)
        rights = record["rights"]
        shown = "；".join(r["number"] for r in rights[:20]) + (f" 等 {len(rights)} 项" if len(rights) > 20 else "")
        entry = self.evidence.append_records([{
            "kind": "finance.pledge_registration", "registration_no": pledge.registration_number, "case": step.number,
            "pledgor": pledge.pledgor, "pledgee": pledge.pledgee, "debt_amount": money.format_money(pledge.debt_amount, "zh", "yuan", cents=True),  # to the fen
            "debt_term": record["debt_term"], "rights": shown, "registered_on": record["registered_on"],
            "sm3": sm3, "sha256": sha,
        }], now=step.now, conn=session.connection())[0]
        pledge.certificate_index = entry.index
        pledge.record_sm3 = sm3
