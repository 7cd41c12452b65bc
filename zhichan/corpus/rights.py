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
  2019-09-05 (专利审查指南 第五部分第九章 2.1). Term adjustments are not recorded;
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
from typing import Any

from zhichan.corpus.keyindex import INDEX_ORDER_SQL, LOOKUP_COLUMNS, has_key_index, lookup
from zhichan.corpus.parties import normalize_name
from zhichan.corpus.schema import EventType, LegalStatus, PatentKind
from zhichan.corpus.store import Snapshot, duckdb_connect
from zhichan.legaltime.periods import last_day_of_years

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


def term_end(kind: str, application_date: dt.date) -> dt.date:
    """The last day of a patent's statutory term (专利法 第四十二条)."""
    if kind == PatentKind.INVENTION:
        years = 20
    elif kind == PatentKind.DESIGN and application_date >= DESIGN_15_YEARS_FROM:
        years = 15
    else:
        years = 10
    return last_day_of_years(application_date, years)


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
    term_end: dt.date | None = None
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
            f"SELECT {', '.join(LOOKUP_COLUMNS['events'])} "
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
    for _, etype, day, amount, party_from, party_to, detail, _event_id in until_now:
        detail = detail or ""
        if etype == EventType.PLEDGE:
            pledges.append(Pledge(party_from, party_to, day, None if amount is None else Decimal(str(amount))))
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
    end_of_term = term_end(p["kind"], p["application_date"]) if p["application_date"] else None
    ended: tuple[str, str] | None = None
    status = p["legal_status"]
    lapse = p["lapse_date"] or p["legal_status_date"]
    if status in _ENDED and (lapse is None or lapse <= on):
        ended = _ENDED[LegalStatus(status)]
    elif end_of_term is not None and on > end_of_term:
        ended = _ENDED[LegalStatus.EXPIRED]
    annuity_paid = False if status == LegalStatus.LAPSED_UNPAID and ended is not None else None
    return RightStatus(
        application_number=p["application_number"], on=on, found=True, kind=p["kind"], title=p["title"],
        legal_status=status, application_date=p["application_date"], grant_date=p["grant_date"],
        term_end=end_of_term, ended=ended, holders=holders, region_code=p["region_code"],
        active_pledges=tuple(pledges), licences=tuple(licences), invalidation_pending=pending,
        suspended=suspended, annuity_paid=annuity_paid, transferred_on=tuple(transferred),
        licensed_on=tuple(licensed),
    )
