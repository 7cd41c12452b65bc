"""Which cases a caller sees and may act on — the one rule, used by the service for every route.

- Officers (governance roles) see the cases of their organization's subtree (``org_path``) and act
  where the declaration gives their role the transition.
- A party sees its own cases: the user who applied, or any user of the enterprise it acted for
  (``party_key``) — or of the patent agency a case names (its organization's name, e.g. a credit-list
  case); it acts where the declaration lets the party act.
- The counterparty (an organization outside government named on the case, e.g. the pledgee bank or
  the buyer of a deal) sees the case and acts where the declaration lets the counterparty act.
- Anyone else sees nothing (404: a case's existence is not disclosed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, Table, and_, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BooleanClauseList

from zhichan.corpus.parties import normalize_name
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case

if TYPE_CHECKING:
    from zhichan.procedures.declaration import StartSpec

CASES = cast(Table, Case.__table__)


def is_officer(scope: Scope, org_path: str) -> bool:
    return scope.governance and scope.covers_org_path(org_path)


def acting_for(scope: Scope) -> str | None:
    """The party key a caller acts for: an enterprise user's enterprise; an agency user's agency, by
    its organization's name (a patent agency is the subject of its own credit-list case)."""
    if scope.role == Role.ENTERPRISE_USER:
        return scope.party_key or None
    if scope.role == Role.AGENCY_USER and scope.org_name:
        return normalize_name(scope.org_name) or None
    return None


def may_start(scope: Scope, start: StartSpec) -> bool:
    """Whether the caller opens a case of a declaration through its start form: an enterprise user where the party
    files it, an officer whose role the start names. A page offers a link to the form only to them (an officer
    shown a party's "apply" link was refused on following it)."""
    return (scope.role == Role.ENTERPRISE_USER and start.party) or (scope.governance and scope.role in start.roles)


def is_party(scope: Scope, party_user_id: int | None, party_key: str | None) -> bool:
    if not scope.is_authenticated:
        return False
    if party_user_id is not None and scope.user_id == party_user_id:
        return True
    key = acting_for(scope)
    return key is not None and key == party_key


#: member roles of organizations outside government that may be a case's counterparty: a pledgee bank,
#: an agency, an enterprise (the buyer of a deal)
COUNTERPARTY_ROLES = frozenset({Role.BANK_USER, Role.AGENCY_USER, Role.ENTERPRISE_USER})


def is_counterparty(scope: Scope, counterparty_org_id: int | None) -> bool:
    return (scope.is_authenticated and counterparty_org_id is not None and scope.role in COUNTERPARTY_ROLES
            and scope.org_id == counterparty_org_id)


def sees(scope: Scope, case: Any) -> bool:
    return (is_officer(scope, case.org_path) or is_party(scope, case.party_user_id, case.party_key)
            or is_counterparty(scope, case.counterparty_org_id))


def officer_filter(scope: Scope, *, dialect: str = "") -> ColumnElement[bool]:
    """Cases of the caller's organization subtree. On SQLite (binary collation) the subtree is exactly the
    index range [``/1/4/``, ``/1/40``) — '0' follows '/', and a string in the range starts with ``/1/4/`` —
    so no LIKE is evaluated per row there (it cost a third of a count over 100,000 cases)."""
    if not scope.governance or scope.org_path is None:
        return false()
    if dialect == "sqlite":
        upper = scope.org_path[:-1] + "0"
        return and_(CASES.c.org_path >= scope.org_path, CASES.c.org_path < upper)
    return CASES.c.org_path.like(scope.org_path_like())


#: what one row costs, relative to a row of the matching index entries sorted for the page: a row visited
#: when walking the deadline index (a table lookup each, in deadline order), and one read in id order
#: (the table itself, in order: about a fifth of a sorted match — 40,550 rows walked in 20.8 CPU-ms against 10,000
#: sorted in 25.6, 41,650 in 13.6 against 3,334 in 11.8, 10,550 in 10.6 against 10,000 in 12.3; it was taken as 1,
#: which sorted lists the walk found sooner) — measured on SQLite (benchmarks/protection_bench.py)
WALK_DEADLINES = 3
WALK_IDS = 0.2


def walk_in_order(session: Session, where: ColumnElement[bool], *, matching: int, reach: int, cost: float,
                  ahead: ColumnElement[bool] | None = None, newest: int | None = None) -> ColumnElement[bool]:
    """``where`` as SQLite's planner should read it for a page ending at ``reach`` in a list of ``matching``
    cases. When they are dense enough that walking the list's order (its index, or the ids) finds the page
    after visiting about ``reach`` × all cases ÷ ``matching`` rows — cheaper, at ``cost`` per row, than
    sorting every match — the filter is marked ``likely()``: the planner walks and stops at the page instead
    of taking the narrower index and sorting tens of thousands of rows. The rows are the same either way.
    PostgreSQL's planner estimates this from its statistics by itself.

    ``ahead`` selects the rows the walk passes before it reaches the first match (the to-do list: the open cases due
    before the first matching deadline; the protection case list, newest first: the cases newer than its newest):
    matches bunched late in the order — a province's applications due within days among districts' cases due over
    months, a district's closed cases under every newer one — are no denser for the walk than those rows make them. They are
    counted, up to the number at which sorting is the cheaper, and when the walk is not the cheaper the filter is
    marked ``unlikely()``: the planner sorts the matches rather than walk on its own (it did, through 50,000
    earlier deadlines for a page of 3,200 applications: 75 ms against 2 ms sorted at 100,000 cases,
    benchmarks/protection_bench.py). A list walked in id order, newest first, gives instead its ``newest`` match's id:
    the rows ahead are the ids above it, as many as the largest id less it (ids are not reused) — no count needed."""
    if session.get_bind().dialect.name != "sqlite" or matching == 0:
        return where
    cases = session.scalar(select(func.max(CASES.c.id))) or 0  # all ids: an upper bound of the rows walked
    probed = ahead is not None or newest is not None
    if reach * cases * cost < matching * matching:
        if not probed:
            return _likely(where)
        # walked: the rows ahead, then about reach × cases ÷ matching; sorted: the matches
        bound = int(matching / cost - reach * cases / matching)
        if newest is not None:
            passed = cases - newest
        else:
            assert ahead is not None
            passed = session.scalar(select(func.count()).select_from(
                select(CASES.c.id).where(ahead).limit(bound).subquery())) or 0
        if passed < bound:
            return _likely(where)
    return _likely(where, func.unlikely) if probed else where


def _likely(where: ColumnElement[bool], mark: Any = func.likely) -> ColumnElement[bool]:
    """Each term of a conjunction marked ``likely()`` (SQLite reads a marked conjunction's terms unmarked) — or
    ``unlikely()``, each term of each alternative too: the planner weighs the index sought for each of a
    disjunction's alternatives by their own terms' likelihood."""
    if isinstance(where, BooleanClauseList) and where.operator is operators.and_:
        return and_(*(_likely(term, mark) for term in where.clauses))
    if isinstance(where, BooleanClauseList) and where.operator is operators.or_ and mark is not func.likely:
        return or_(*(_likely(term, mark) for term in where.clauses))
    return cast(ColumnElement[bool], mark(where))


def counterparty_filter(scope: Scope) -> ColumnElement[bool]:
    """The cases naming the caller's organization (a bank, an agency) as the counterparty."""
    if not scope.is_authenticated or scope.role not in COUNTERPARTY_ROLES:
        return false()
    return CASES.c.counterparty_org_id == scope.org_id


def party_filter(scope: Scope) -> ColumnElement[bool]:
    if not scope.is_authenticated:
        return false()
    conditions = [CASES.c.party_user_id == scope.user_id]
    key = acting_for(scope)
    if key is not None:
        conditions.append(CASES.c.party_key == key)
    return or_(*conditions)
