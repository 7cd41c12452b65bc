"""A right as the corpus records it on a given date: the one answer every transaction checks against.

Pledge registration, open licences, exchange listings, complaints and subsidies all ask the same
questions of a patent on a date — does it exist, is it granted and in force, who holds it, is it
pledged, exclusively licensed, under an invalidation request or suspended proceedings — and get
them answered here, from the snapshot's ``patents`` and ``events`` tables (through its key index,
:mod:`zhichan.corpus.keyindex`), in one lookup for a batch.

What the corpus records and what it cannot tell (every caller shows the latter as unknown, never as
"fine"):

* **holders on a date**: today's ``current_patentees``, rewound through recorded transfers after the
  date (the assignor of the first later transfer held it then);
* **term**: 专利法 第四十二条 — 20 years for inventions, 10 for utility models, designs 15 if filed on or
  after 2021-06-01 (else 10), counted from the filing date: a patent filed 1999-09-06 runs to
  2019-09-05 (专利审查指南 第五部分第九章 2.1) — and longer by a **term compensation** (第四十二条第二款: unreasonable
  delay in granting an invention; 第三款: a new drug's approval), which CNIPA registers and announces (细则 第八十四条):
  a ``legal_status_change`` whose detail mentions 期限补偿 (:func:`parse_compensation`, the one reading of it) gives
  its days (补偿天数 120 天) or the new last day (届满日 / 至 2041-03-02). A compensation whose length cannot be read
  makes the term unknown (``term_end`` None, ``term_unknown``) — never the statutory one; past the statutory end
  such a right is not shown in force. Every compensation recorded counts, whenever registered (the term is the
  patent's, not the date's: CNIPA decides it months after the grant or the drug's approval, long before the
  statutory end);
* **pledges**: a pledge is active from its 出质登记 until a 质押解除 with the same pledgee;
* **licences**: ``detail`` names the kind (独占许可 / 排他许可 / 普通许可) and may end with
  ``至YYYY-MM-DD`` (the term); an exclusive or sole licence without a recorded term counts as in force;
* **invalidation**: an ``invalidation`` event whose detail is 无效宣告请求 is pending until a later
  invalidation decision (维持有效 / 部分无效 / 全部无效);
* **suspended proceedings (中止)**: a ``legal_status_change`` whose detail starts with 中止, until one
  starting with 恢复;
* **annuities**: the corpus carries no fee payments. A patent that lapsed for non-payment
  (``lapsed_unpaid``) is known unpaid; otherwise payment is ``None`` (unknown).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

import pyarrow as pa

from zhichan.corpus.keyindex import INDEX_ORDER_SQL, LOOKUP_COLUMNS, has_key_index, lookup
from zhichan.corpus.parties import normalize_name
from zhichan.corpus.schema import EventType, LegalStatus, PatentKind, read_columns_sql
from zhichan.corpus.store import Snapshot, duckdb_connect
from zhichan.legaltime.periods import extended_by_days, last_day_of_years

#: designs filed on or after this date have a 15-year term (专利法 2020 修正, in force 2021-06-01)
DESIGN_15_YEARS_FROM = dt.date(2021, 6, 1)
EXCLUSIVE_LICENCES = ("独占许可", "排他许可")
_UNTIL = re.compile(r"至\s*(\d{4}-\d{2}-\d{2})\s*$")
_ENDED = {
    LegalStatus.LAPSED_UNPAID: ("未缴年费终止", "lapsed for unpaid annuities"),
    LegalStatus.EXPIRED: ("期限届满", "term expired"),
    LegalStatus.INVALIDATED: ("被宣告无效", "invalidated"),
    LegalStatus.TERMINATED: ("已终止", "terminated"),
    LegalStatus.ABANDONED: ("已放弃", "abandoned"),
    LegalStatus.WITHDRAWN: ("已撤回", "withdrawn"),
    LegalStatus.REJECTED: ("已驳回", "rejected"),
}
_TERM_UNKNOWN = ("法定期限已届满，期限补偿无法读取，是否有效不明",
                 "past its statutory term with a compensation whose length cannot be read: in force or not is unknown")


def term_end(kind: str, application_date: dt.date) -> dt.date:
    """The last day of a patent's statutory term (专利法 第四十二条第一款), before any compensation: a patent's
    term is :func:`patent_term`."""
    if kind == PatentKind.INVENTION:
        years = 20
    elif kind == PatentKind.DESIGN and application_date >= DESIGN_15_YEARS_FROM:
        years = 15
    else:
        years = 10
    return last_day_of_years(application_date, years)


#: what marks a registered term compensation in a legal event's detail (专利权期限补偿)
COMPENSATION_MARK = "期限补偿"
#: a refusal (不予期限补偿) is notified to the patentee, not registered (细则 第八十四条); where an export still
#: lists one it adds nothing
_NOT_GIVEN = ("不予", "驳回")
_COMP_UNTIL = re.compile(r"(?:届满日期?|期限至|延长至|至)\s*[:：为]?\s*(\d{4})\s*[-./年]?\s*(\d{1,2})\s*[-./月]?\s*(\d{1,2})(?!\d)")
_COMP_DAYS = re.compile(r"(\d+)\s*天|补偿天数\s*[:：为]?\s*(\d+)")


@dataclass(frozen=True)
class Compensation:
    """A registered term compensation as its legal event gives it: ``days`` added to the term, or the term's
    new last day ``until`` (neither: recorded, but its length cannot be read)."""

    days: int | None = None
    until: dt.date | None = None

    @property
    def readable(self) -> bool:
        return self.days is not None or self.until is not None


def parse_compensation(detail: str | None) -> Compensation | None:
    """The compensation a legal event's ``detail`` registers (专利法 第四十二条第二款、第三款; 细则 第八十四条), or
    None when the event is none: ``专利权期限补偿，补偿天数 120 天`` → 120 days, ``专利权期限补偿 届满日：2041-03-02`` /
    ``… 至20410302`` → until 2041-03-02 (the announced last day wins over a day count beside it); a compensation
    with neither → ``Compensation()`` (unreadable: the term is unknown)."""
    text = (detail or "").strip()
    if COMPENSATION_MARK not in text or any(word in text for word in _NOT_GIVEN):
        return None
    until = _COMP_UNTIL.search(text)
    if until is not None:
        try:
            return Compensation(until=dt.date(*(int(g) for g in until.groups())))
        except ValueError:  # 2041-02-30: not a day
            return Compensation()
    days = _COMP_DAYS.search(text)
    if days is not None:
        return Compensation(days=int(days.group(1) or days.group(2)))
    return Compensation()


@dataclass(frozen=True)
class Term:
    """A patent's term: its statutory last day, and its last day with every recorded compensation (``end`` None:
    a compensation whose length cannot be read — the term is unknown)."""

    statutory_end: dt.date
    end: dt.date | None
    compensated: bool

    @property
    def unknown(self) -> bool:
        return self.end is None

    def runs_past(self, day: dt.date) -> bool | None:
        """Whether ``day`` falls after the term: True, False, or None (unknown: after the statutory end of a
        term whose compensation cannot be read)."""
        if self.end is not None:
            return day > self.end
        return None if day > self.statutory_end else False

    def text(self) -> tuple[str, str]:
        """How a message says where the term ends (中文, English), and whether that includes a compensation:
        ``专利权期限`` + ``于 2035-02-28 届满（法定期限，无期限补偿）`` / ``the term`` + ``ends on 2035-02-28 (…)``;
        unknown: ``专利权`` + ``期限不明（…）`` / ``the term`` + ``is unknown (…)``."""
        if self.end is None:
            return (f"期限不明（已登记专利权期限补偿，但无法读取补偿期限；法定期限于 {self.statutory_end} 届满）",
                    f"is unknown (a term compensation is registered but its length cannot be read; the statutory "
                    f"term ends on {self.statutory_end})")
        if self.compensated:
            return (f"于 {self.end} 届满（含专利权期限补偿；法定期限于 {self.statutory_end} 届满）",
                    f"ends on {self.end} (including a term compensation; the statutory term ends on "
                    f"{self.statutory_end})")
        return (f"于 {self.end} 届满（法定期限，无期限补偿）",
                f"ends on {self.end} (the statutory term, no compensation)")


def patent_term(kind: str, application_date: dt.date, compensations: Iterable[Compensation] = ()) -> Term:
    """The one term rule (专利法 第四十二条): the statutory term (:func:`term_end`) extended by the recorded
    compensations — each one's days added (细则 第七十八条, 第八十二条: counted in days), an announced last day
    taken as it is, the later of the two; any compensation that cannot be read makes the term unknown."""
    statutory = term_end(kind, application_date)
    compensations = list(compensations)
    if any(not c.readable for c in compensations):
        return Term(statutory, None, True)
    days = sum(c.days for c in compensations if c.days is not None)
    end = extended_by_days(statutory, days) if days else statutory
    end = max([end, *(c.until for c in compensations if c.until is not None)])
    return Term(statutory, end, bool(compensations))


@dataclass(frozen=True)
class Pledge:
    pledgor: str | None
    pledgee: str | None
    registered_on: dt.date | None
    amount_yuan: Decimal | None


@dataclass(frozen=True)
class Licence:
    licensor: str | None
    licensee: str | None
    kind: str  # the recorded wording: 独占许可 / 排他许可 / 普通许可
    recorded_on: dt.date | None
    until: dt.date | None

    @property
    def exclusive(self) -> bool:
        return self.kind.startswith(EXCLUSIVE_LICENCES)


@dataclass(frozen=True)
class RightStatus:
    """A patent on ``on`` as the corpus records it (``found`` False: the corpus has no such patent)."""

    application_number: str
    on: dt.date
    found: bool
    kind: str | None = None
    title: str | None = None
    legal_status: str | None = None
    application_date: dt.date | None = None
    grant_date: dt.date | None = None
    #: the term's last day with its compensations (None: not found, or unknown — ``term_unknown``)
    term_end: dt.date | None = None
    #: the term (:func:`patent_term`): statutory end, compensated or not, unknown
    term: Term | None = None
    #: why the right no longer stands on ``on`` (中文, English), or None
    ended: tuple[str, str] | None = None
    holders: tuple[str, ...] = ()
    region_code: str | None = None
    active_pledges: tuple[Pledge, ...] = ()
    licences: tuple[Licence, ...] = ()
    invalidation_pending: bool = False
    suspended: bool = False
    #: False: known unpaid (lapsed for non-payment); None: the corpus records no fee payments
    annuity_paid: bool | None = None
    #: the dates of every transfer and every licence recorded up to ``on`` (ended licences included;
    #: None: recorded without a date) — what 存量专利盘活 asks: never transferred or licensed
    transferred_on: tuple[dt.date | None, ...] = ()
    licensed_on: tuple[dt.date | None, ...] = ()

    @property
    def granted(self) -> bool:
        return self.grant_date is not None and self.grant_date <= self.on

    @property
    def in_force(self) -> bool:
        return self.found and self.granted and self.ended is None

    @property
    def term_unknown(self) -> bool:
        return self.term is not None and self.term.unknown

    @property
    def exclusive_licences(self) -> tuple[Licence, ...]:
        return tuple(licence for licence in self.licences if licence.exclusive)

    @property
    def ever_dealt(self) -> bool:
        """Transferred or licensed at least once up to ``on``."""
        return bool(self.transferred_on or self.licensed_on)

    def held_by(self, name: str) -> bool:
        """Whether ``name`` (any spelling :func:`normalize_name` folds together) held the right on ``on``."""
        key = normalize_name(name)
        return any(normalize_name(h) == key for h in self.holders)

    def licensed_to(self, name: str) -> Licence | None:
        key = normalize_name(name)
        return next((lic for lic in self.licences if lic.licensee and normalize_name(lic.licensee) == key), None)


_PATENT_COLUMNS = LOOKUP_COLUMNS["patents"]


def rights_on(snapshot: Snapshot, numbers: Iterable[str], on: dt.date) -> dict[str, RightStatus]:
    """Each of ``numbers`` (normalized application numbers) on ``on``, from the patents' rows and their
    events (:func:`lookup_rows`)."""
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    patents, events = lookup_rows(snapshot, wanted)
    by_number: dict[str, list[tuple[Any, ...]]] = {}
    for row in events:
        by_number.setdefault(row[0], []).append(row)
    out = {n: RightStatus(n, on, found=False) for n in wanted}
    for row in patents:
        record = dict(zip(_PATENT_COLUMNS, row, strict=True))
        out[record["application_number"]] = _status(record, by_number.get(record["application_number"], []), on)
    return out


def lookup_rows(snapshot: Snapshot, numbers: list[str], *, key_index: bool = True) -> tuple[
        list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows of ``numbers`` (sorted, distinct) in ``patents`` and ``events`` (their
    :data:`~zhichan.corpus.keyindex.LOOKUP_COLUMNS`; events by number, date — undated first — and id).

    Read from the snapshot's key index (:mod:`zhichan.corpus.keyindex`: a binary search per number,
    whatever the corpus's size); a snapshot without one (written before it existed), or ``key_index``
    False, is read through DuckDB (:func:`lookup_sql`: every row group whose min/max can hold a number)."""
    if key_index and has_key_index(snapshot.path):
        return lookup(snapshot.path, "patents", numbers), lookup(snapshot.path, "events", numbers)
    patents_sql, events_sql = lookup_sql(snapshot, numbers)
    con = duckdb_connect()
    try:
        return con.execute(patents_sql).fetchall(), con.execute(events_sql).fetchall()
    finally:
        con.close()


def lookup_sql(snapshot: Snapshot, numbers: list[str]) -> tuple[str, str]:
    """The two queries of :func:`lookup_rows` without a key index. The numbers go in as an ``IN`` list of
    literals, which DuckDB checks against each row group's min/max (a join with a table of numbers
    reads every group)."""
    literals = ", ".join("'" + n.replace("'", "''") + "'" for n in numbers)

    def files(table: str) -> str:
        return "[" + ", ".join(f"'{f.as_posix()}'" for f in snapshot.files(table)) + "]"

    return (f"SELECT {', '.join(_PATENT_COLUMNS)} FROM read_parquet({files('patents')}) "
            f"WHERE application_number IN ({literals}) ORDER BY {INDEX_ORDER_SQL['patents']}",
            f"SELECT {read_columns_sql('events', LOOKUP_COLUMNS['events'])} "
            f"FROM read_parquet({files('events')}) WHERE application_number IN ({literals}) "
            f"ORDER BY {INDEX_ORDER_SQL['events']}")


def right_on(snapshot: Snapshot, number: str, on: dt.date) -> RightStatus:
    return rights_on(snapshot, [number], on)[number]


def _status(p: dict[str, Any], events: list[tuple[Any, ...]], on: dt.date) -> RightStatus:
    until_now = [e for e in events if e[2] is None or e[2] <= on]
    later = [e for e in events if e[2] is not None and e[2] > on]
    # holders on the date: rewind today's holders through the transfers recorded after it
    holders = tuple(p["current_patentees"] or ())
    first_later_transfer = next((e for e in later if e[1] == EventType.TRANSFER and e[4]), None)
    if first_later_transfer is not None:
        holders = tuple(x for x in re.split(r"[;；]", first_later_transfer[4]) if x.strip())
    pledges: list[Pledge] = []
    licences: list[Licence] = []
    transferred: list[dt.date | None] = []
    licensed: list[dt.date | None] = []
    pending = suspended = False
    compensations = [c for e in events if e[1] == EventType.LEGAL_STATUS_CHANGE
                     and (c := parse_compensation(e[6])) is not None]
    for _, etype, day, amount, party_from, party_to, detail, _event_id in until_now:
        detail = detail or ""
        if etype == EventType.PLEDGE:
            pledges.append(Pledge(party_from, party_to, day, amount))
        elif etype == EventType.PLEDGE_RELEASE:
            match = next((i for i, x in enumerate(pledges) if x.pledgee == party_to), 0 if pledges else None)
            if match is not None:
                pledges.pop(match)
        elif etype == EventType.TRANSFER:
            transferred.append(day)
        elif etype == EventType.LICENCE:
            licensed.append(day)
            end = _UNTIL.search(detail)
            until = dt.date.fromisoformat(end.group(1)) if end else None
            if until is None or until >= on:
                licences.append(Licence(party_from, party_to, _UNTIL.sub("", detail).strip() or "普通许可", day, until))
        elif etype == EventType.INVALIDATION:
            pending = detail.startswith("无效宣告请求")
        elif etype == EventType.LEGAL_STATUS_CHANGE:
            if detail.startswith("中止"):
                suspended = True
            elif detail.startswith("恢复"):
                suspended = False
    term = patent_term(p["kind"], p["application_date"], compensations) if p["application_date"] else None
    ended: tuple[str, str] | None = None
    status = p["legal_status"]
    lapse = p["lapse_date"] or p["legal_status_date"]
    past_term = term.runs_past(on) if term is not None else False
    if status in _ENDED and (lapse is None or lapse <= on):
        ended = _ENDED[LegalStatus(status)]
    elif past_term:
        ended = _ENDED[LegalStatus.EXPIRED]
    elif past_term is None:  # past the statutory end, the compensation unreadable: not shown in force
        ended = _TERM_UNKNOWN
    annuity_paid = False if status == LegalStatus.LAPSED_UNPAID and ended is not None else None
    return RightStatus(
        application_number=p["application_number"], on=on, found=True, kind=p["kind"], title=p["title"],
        legal_status=status, application_date=p["application_date"], grant_date=p["grant_date"],
        term_end=term.end if term else None, term=term, ended=ended, holders=holders, region_code=p["region_code"],
        active_pledges=tuple(pledges), licences=tuple(licences), invalidation_pending=pending,
        suspended=suspended, annuity_paid=annuity_paid, transferred_on=tuple(transferred),
        licensed_on=tuple(licensed),
    )


# ------------------------------------------------------------------------- every compensated term of a snapshot

#: the ``term_compensations`` view every connection of a snapshot has (:meth:`Snapshot.register`, the Spark
#: engine's views): one row per patent with a recorded compensation, its term's last day (NULL: unknown)
COMPENSATION_SCHEMA = pa.schema([("application_number", pa.string()), ("term_end", pa.date32())])


def term_compensations(snapshot: Snapshot) -> pa.Table:
    """Every compensated patent of ``snapshot`` with its term's last day by :func:`patent_term` — computed here,
    once a snapshot (cached), so the indicators' SQL joins it like any relation and does no date arithmetic of
    its own; identical on every engine."""
    def listed(table: str) -> tuple[tuple[str, int], ...]:
        return tuple((f.as_posix(), f.stat().st_mtime_ns) for f in snapshot.files(table))

    return _term_compensations(listed("patents"), listed("events"))


@lru_cache(maxsize=32)
def _term_compensations(patents: tuple[tuple[str, int], ...], events: tuple[tuple[str, int], ...]) -> pa.Table:
    if not patents or not events:
        return COMPENSATION_SCHEMA.empty_table()

    def listing(files: tuple[tuple[str, int], ...]) -> str:
        return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f, _ in files) + "]"

    con = duckdb_connect()
    try:
        rows = con.execute(
            f"SELECT e.application_number, p.kind, p.application_date, e.detail "
            f"FROM read_parquet({listing(events)}) AS e JOIN read_parquet({listing(patents)}) AS p "
            f"ON p.application_number = e.application_number "
            f"WHERE e.event_type = '{EventType.LEGAL_STATUS_CHANGE.value}' AND e.detail LIKE '%{COMPENSATION_MARK}%' "
            f"AND p.application_date IS NOT NULL ORDER BY e.application_number").fetchall()
    finally:
        con.close()
    found: dict[str, tuple[str, dt.date, list[Compensation]]] = {}
    for number, kind, filed, detail in rows:
        compensation = parse_compensation(detail)
        if compensation is not None:
            found.setdefault(number, (kind, filed, []))[2].append(compensation)
    ends = {n: patent_term(kind, filed, cs).end for n, (kind, filed, cs) in found.items()}
    return pa.table({"application_number": list(ends), "term_end": list(ends.values())}, schema=COMPENSATION_SCHEMA)


def compensations_view_sql(snapshot: Snapshot) -> str:
    """``CREATE OR REPLACE VIEW term_compensations`` of :func:`term_compensations` (literal rows: a snapshot
    has few)."""
    table = term_compensations(snapshot)
    if not table.num_rows:
        return ("CREATE OR REPLACE VIEW term_compensations AS SELECT CAST(NULL AS VARCHAR) AS application_number, "
                "CAST(NULL AS DATE) AS term_end WHERE false")
    values = ", ".join(
        "('" + number.replace("'", "''") + "', " + (f"DATE '{end}'" if end else "CAST(NULL AS DATE)") + ")"
        for number, end in zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True))
    return ("CREATE OR REPLACE VIEW term_compensations AS SELECT application_number, CAST(term_end AS DATE) AS term_end "
            f"FROM (VALUES {values}) AS t(application_number, term_end)")
