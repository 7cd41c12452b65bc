"""Data-IP registration (数据知识产权登记): apply → public notice → objections → decision.

Every step is also an entry of the evidence log, in the same transaction as the workflow row, so
the registry's history is tamper-evident and each step has a certificate:

- ``dataip.application``: applicant, data name, description, source, scale, processing rules and
  the digests of the data sample (the data itself is never uploaded);
- ``dataip.notice``: the notice window (公示期), ``dataip_notice_working_days`` working days counted
  from the day after publication on the official holiday calendar (:mod:`zhichan.legaltime`);
- ``dataip.objection``: an objection filed within the window (objector, SM3 of the reason), and
  its resolution (upheld → rejected, dismissed → the notice runs on);
- ``dataip.decision``: registered or rejected. The certificate of a "registered" decision entry is
  the registration certificate (数据知识产权登记证书).

Dates of the notice are China Standard Time calendar dates; an objection is on time until the end
of the notice's last day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, select, update

from zhichan.dataip.models import Objection, ObjectionStatus, Registration, Status
from zhichan.errors import ConflictError, InputError, NotFoundError
from zhichan.evidence.service import HEX64, EvidenceService, FileDigest, utcnow
from zhichan.legaltime import add_working_days, china_date
from zhichan.settings import get_settings

REGS = cast(Table, Registration.__table__)
OBJS = cast(Table, Objection.__table__)

LIMITS = {"applicant": 200, "data_name": 200, "data_scale": 200, "description": 1000, "data_source": 500,
          "processing_rules": 1000, "data_structure": 1000, "update_frequency": 100, "usage_scenario": 1000,
          "objector": 200, "reason": 5000, "resolution": 2000, "reasons": 5000}
APPLICATION_FIELDS = ("applicant", "data_name", "description", "data_source", "data_scale", "data_structure",
                      "update_frequency", "processing_rules", "usage_scenario")


FINALIZE_REASONS = "公示期满无异议，准予登记 / the notice period ended without objection: registered"


class DataIPError(InputError):
    code = "dataip"


def _text(name: str, value: str | None, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DataIPError(f"{name} 不能为空 / {name} is required")
    if len(value) > LIMITS[name]:
        raise DataIPError(f"{name} 超过 {LIMITS[name]} 字 / {name} is longer than {LIMITS[name]} characters")
    return value


@dataclass(frozen=True)
class Application:
    """What an applicant declares (申请登记的数据及其说明): holder, name, source, scale, structure,
    update frequency, processing rules, usage scenario, and the digests of a data sample."""

    applicant: str  # 数据持有人 / holder
    data_name: str
    description: str
    data_source: str
    data_scale: str
    processing_rules: str
    data_structure: str = ""  # 数据结构 (tables, fields, formats) — required, keyword for compatibility
    update_frequency: str = ""  # 更新频率 (e.g. 每日, 实时, 每月) — required
    usage_scenario: str = ""  # 应用场景 — required
    sample: FileDigest | None = None  # digests of a data sample or of the data set's manifest

    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"kind": "dataip.application"}
        for name in APPLICATION_FIELDS:
            record[name] = _text(name, getattr(self, name))
        if self.sample is not None:
            if not (HEX64.match(self.sample.sm3) and HEX64.match(self.sample.sha256)):
                raise DataIPError("样本摘要应为 64 位十六进制 / sample digests must be 64 hexadecimal characters")
            record.update(sm3=self.sample.sm3, sha256=self.sample.sha256, size=self.sample.size)
        return record


class DataIPService:
    def __init__(self, evidence: EvidenceService, notice_working_days: int | None = None) -> None:
        self.evidence = evidence
        self.engine = evidence.engine
        self.notice_days = notice_working_days or get_settings().dataip_notice_working_days

    # -- reading -------------------------------------------------------------------------------

    def get(self, registration_id: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            return self._get(conn, registration_id)

    def _get(self, conn: Connection, registration_id: int) -> dict[str, Any]:
        row = conn.execute(select(REGS).where(REGS.c.id == registration_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"没有登记申请 {registration_id} / no registration {registration_id}")
        return dict(row)

    def by_number(self, number: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(REGS).where(REGS.c.number == number)).mappings().first()
        if row is None:
            raise NotFoundError(f"没有登记号 {number} / no registration number {number}")
        return dict(row)

    def objections(self, registration_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(OBJS).where(OBJS.c.registration_id == registration_id).order_by(OBJS.c.id))
            return [dict(r) for r in rows.mappings()]

    def under_notice(self, today: dt.date | None = None) -> list[dict[str, Any]]:
        """公示中的登记 — the public list: registrations whose notice window contains ``today``."""
        today = today or china_date(utcnow())
        query = (
            select(REGS)
            .where(REGS.c.status.in_([Status.IN_NOTICE, Status.OBJECTED]))
            .where(REGS.c.notice_start <= today, REGS.c.notice_end >= today)
            .order_by(REGS.c.notice_end, REGS.c.id)
        )
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def registrations(self, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        query = select(REGS).order_by(REGS.c.id.desc()).limit(limit)
        if status:
            query = query.where(REGS.c.status == status)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    # -- the workflow --------------------------------------------------------------------------

    def submit(self, application: Application, *, now: dt.datetime | None = None) -> dict[str, Any]:
        """登记申请: record the application in the log; the registration number derives from its entry."""
        now = now or utcnow()
        record = application.record()
        with self.engine.begin() as conn:
            entry = self.evidence.append_records([record], now=now, conn=conn)[0]
            number = f"DIP-{china_date(now).year}-{entry.index:08d}"
            conn.execute(
                REGS.insert().values(
                    number=number, application_index=entry.index, status=Status.SUBMITTED, submitted_at=now,
                    sm3=record.get("sm3"), sha256=record.get("sha256"),
                    **{k: record[k] for k in APPLICATION_FIELDS},
                )
            )
            return dict(conn.execute(select(REGS).where(REGS.c.number == number)).mappings().one())

    def publish(self, registration_id: int, *, on: dt.date | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
        """公示: open the notice window; it ends on the N-th working day after ``on``."""
        now = now or utcnow()
        on = on or china_date(now)
        with self.engine.begin() as conn:
            reg = self._get(conn, registration_id)
            if reg["status"] != Status.SUBMITTED:
                raise ConflictError(f"登记 {reg['number']} 状态为 {reg['status']}，不能公示 / cannot publish a {reg['status']} registration")
            end = add_working_days(on, self.notice_days)
            self.evidence.append_records(
                [{"kind": "dataip.notice", "registration_no": reg["number"], "application_index": reg["application_index"],
                  "data_name": reg["data_name"], "applicant": reg["applicant"],
                  "notice_start": on.isoformat(), "notice_end": end.isoformat()}],
                now=now, conn=conn,
            )[0]
            conn.execute(update(REGS).where(REGS.c.id == registration_id).values(
                status=Status.IN_NOTICE, notice_start=on, notice_end=end))
            return self._get(conn, registration_id)

    def object(
        self, registration_id: int, *, objector: str, reason: str, now: dt.datetime | None = None
    ) -> dict[str, Any]:
        """异议: accepted from publication day to the end of the notice's last day (China time)."""
        now = now or utcnow()
        objector, reason = _text("objector", objector), _text("reason", reason)
        today = china_date(now)
        with self.engine.begin() as conn:
            reg = self._get(conn, registration_id)
            if reg["status"] not in (Status.IN_NOTICE, Status.OBJECTED):
                raise ConflictError(f"登记 {reg['number']} 不在公示期 / registration {reg['number']} is not under notice")
            if not reg["notice_start"] <= today <= reg["notice_end"]:
                raise ConflictError(
                    f"公示期为 {reg['notice_start']} 至 {reg['notice_end']}，异议已逾期 / the notice ran from "
                    f"{reg['notice_start']} to {reg['notice_end']}: objections are closed"
                )
            entry = self.evidence.append_records(
                [{"kind": "dataip.objection", "action": "filed", "registration_no": reg["number"], "objector": objector,
                  "reason_sm3": hashlib.new("sm3", reason.encode("utf-8")).hexdigest()}],
                now=now, conn=conn,
            )[0]
            result = conn.execute(OBJS.insert().values(
                registration_id=registration_id, objector=objector, reason=reason, filed_at=now,
                entry_index=entry.index, status=ObjectionStatus.PENDING))
            conn.execute(update(REGS).where(REGS.c.id == registration_id).values(status=Status.OBJECTED))
            objection_id = result.inserted_primary_key[0]  # type: ignore[index]
            return dict(conn.execute(select(OBJS).where(OBJS.c.id == objection_id)).mappings().one())

    def resolve_objection(
        self, objection_id: int, *, upheld: bool, resolution: str, now: dt.datetime | None = None
    ) -> dict[str, Any]:
        """异议处理: upheld → the registration is refused; dismissed → the notice continues."""
        now = now or utcnow()
        resolution = _text("resolution", resolution)
        with self.engine.begin() as conn:
            obj = conn.execute(select(OBJS).where(OBJS.c.id == objection_id)).mappings().first()
            if obj is None:
                raise NotFoundError(f"没有异议 {objection_id} / no objection {objection_id}")
            if obj["status"] != ObjectionStatus.PENDING:
                raise ConflictError(f"异议 {objection_id} 已处理 / objection {objection_id} is already resolved")
            reg = self._get(conn, obj["registration_id"])
            status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
            records: list[dict[str, Any]] = [
                {"kind": "dataip.objection", "action": str(status), "registration_no": reg["number"],
                 "objection_index": obj["entry_index"], "resolution_sm3": hashlib.new("sm3", resolution.encode()).hexdigest()}
            ]
            if upheld:
                records.append(self._decision(reg, "rejected"))
            entries = self.evidence.append_records(records, now=now, conn=conn)
            conn.execute(update(OBJS).where(OBJS.c.id == objection_id).values(
                status=status, resolution=resolution, resolved_at=now, resolution_index=entries[0].index))
            if upheld:
                conn.execute(update(REGS).where(REGS.c.id == reg["id"]).values(
                    status=Status.REJECTED, decided_at=now, decision_index=entries[1].index, decision_reasons=resolution))
            elif not self._pending(conn, reg["id"]):
                conn.execute(update(REGS).where(REGS.c.id == reg["id"]).values(status=Status.IN_NOTICE))
            return dict(conn.execute(select(OBJS).where(OBJS.c.id == objection_id)).mappings().one())

    def _pending(self, conn: Connection, registration_id: int) -> int:
        rows = conn.execute(select(OBJS.c.id).where(
            OBJS.c.registration_id == registration_id, OBJS.c.status == ObjectionStatus.PENDING)).all()
        return len(rows)

    @staticmethod
    def _decision(reg: dict[str, Any], decision: str) -> dict[str, Any]:
        return {
            "kind": "dataip.decision", "decision": decision, "registration_no": reg["number"],
            "application_index": reg["application_index"], "applicant": reg["applicant"], "data_name": reg["data_name"],
            "data_source": reg["data_source"], "data_scale": reg["data_scale"],
            "data_structure": reg["data_structure"], "update_frequency": reg["update_frequency"],
            "usage_scenario": reg["usage_scenario"],
            "notice_start": reg["notice_start"].isoformat() if reg["notice_start"] else None,
            "notice_end": reg["notice_end"].isoformat() if reg["notice_end"] else None,
            "sm3": reg["sm3"], "sha256": reg["sha256"],
        }

    def decide(
        self, registration_id: int, *, approve: bool, reasons: str, now: dt.datetime | None = None
    ) -> dict[str, Any]:
        """审查决定: approve (准予登记) or reject (不予登记) after the notice period, with reasons.

        Only once the notice has ended (from the day after its last day, China time) and no
        objection is pending. The decision is a ``dataip.decision`` log entry in the same
        transaction (its ``reasons_sm3`` commits to the reasons, whose text stays in the table).
        """
        now = now or utcnow()
        reasons = _text("reasons", reasons)
        with self.engine.begin() as conn:
            reg = self._get(conn, registration_id)
            if reg["status"] == Status.OBJECTED:
                raise ConflictError(f"登记 {reg['number']} 有待处理的异议 / registration {reg['number']} has a pending objection")
            if reg["status"] != Status.IN_NOTICE:
                raise ConflictError(f"登记 {reg['number']} 状态为 {reg['status']} / registration {reg['number']} is {reg['status']}")
            if china_date(now) <= reg["notice_end"]:
                raise ConflictError(
                    f"公示期至 {reg['notice_end']} 止，尚未届满 / the notice runs until {reg['notice_end']}"
                )
            decision = "registered" if approve else "rejected"
            record = self._decision(reg, decision)
            record["reasons_sm3"] = hashlib.new("sm3", reasons.encode("utf-8")).hexdigest()
            entry = self.evidence.append_records([record], now=now, conn=conn)[0]
            conn.execute(update(REGS).where(REGS.c.id == registration_id).values(
                status=Status.REGISTERED if approve else Status.REJECTED, decided_at=now,
                decision_index=entry.index, decision_reasons=reasons))
            return self._get(conn, registration_id)

    def finalize(self, registration_id: int, *, now: dt.datetime | None = None) -> dict[str, Any]:
        """准予登记 once the notice has ended with no objection pending (:meth:`decide` with a standard reason)."""
        return self.decide(registration_id, approve=True, reasons=FINALIZE_REASONS, now=now)

    def finalize_due(self, *, now: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Register every registration whose notice has ended without a pending objection (a daily job)."""
        now = now or utcnow()
        with self.engine.connect() as conn:
            due = conn.execute(select(REGS.c.id).where(
                REGS.c.status == Status.IN_NOTICE, REGS.c.notice_end < china_date(now)).order_by(REGS.c.id)).scalars().all()
        return [self.finalize(int(i), now=now) for i in due]

    def certificate(self, registration_id: int) -> Any:
        """The registration certificate (the log certificate of the "registered" decision entry)."""
        reg = self.get(registration_id)
        if reg["status"] != Status.REGISTERED:
            raise ConflictError(f"登记 {reg['number']} 尚未准予登记 / registration {reg['number']} is not registered")
        return self.evidence.certificate(int(reg["decision_index"]))
