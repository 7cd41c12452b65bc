"""The look-up of a file alone (no certificate) in the evidence log, as the verify page and its API show it.

Every entry certifying the file is listed — an entry whose own file it is (a deposit) and a case step listing it
among its documents (a 决定书, a notice, an attachment) — each proven online against the newest signed checkpoint,
including that the signed leaf, not only the index, certifies the file. What is said about a case step comes
from the domain that keeps the case (``describe``: for the procedure engine
:func:`zhichan.procedures.certified.certified_steps`), scoped there: to anyone, the procedure, the step, the
document, the office and the time; the case and its certificate only to a caller who sees the case. A deposit's
title is said to anyone; its page and certificate only to its depositor (:mod:`zhichan.evidence.scope`,
:func:`deposit_view`, :func:`owned_deposits`); the caller's own deposits are :func:`my_deposits_view`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from zhichan.errors import NotFoundError
from zhichan.evidence import log
from zhichan.evidence.owners import GIVEN, assignment, may_assign
from zhichan.evidence.schemas import Check, Entry
from zhichan.evidence.scope import current_owner, owned, owned_query, owns_deposit
from zhichan.evidence.service import EvidenceService
from zhichan.evidence.verify import certified_documents
from zhichan.legaltime import china_time
from zhichan.platform.inlists import rows_in
from zhichan.platform.scope import Scope

#: index → leaf fields of the entries of one kind, to what may be said of each (the keys of :class:`Certifying`)
Describe = Callable[[Mapping[int, Mapping[str, Any]]], Mapping[int, Mapping[str, Any]]]


class Certifying(BaseModel):
    """One entry certifying the file looked up."""

    index: int
    kind: str
    heading: str = Field(description="条目所证事项（证书标题） / what the entry certifies (its certificate's heading)")
    time: str = Field(description="存证时间（UTC，条目所载） / time of the entry (UTC, as signed)")
    time_china: str = Field(description="北京时间 / the same time in China (UTC+8)")
    title: str | None = Field(None, description="存证标题（文件为条目本身所存时） / the deposit's title, for its own file")
    document: str | None = Field(None, description="所证文件在办件步骤中的名称 / the document's name in a case step")
    procedure: str | None = None
    step: str | None = None
    office: str | None = Field(None, description="办理机关 / the office whose step certified it")
    synthetic: bool = False
    case: str | None = Field(None, description="办件编号（仅向可见该办件者） / case number (only to who sees the case)")
    case_url: str | None = None
    certificate_url: str | None = Field(None, description="存证证书 PDF（仅向可见者：办件步骤的办件可见者、存证的存证人） / the "
                                        "certificate PDF (only to who may see it: a step's case, a deposit's depositor)")
    deposit_url: str | None = Field(None, description=(
        "存证详情页（仅向存证人；平台管理员另见无存证人或由管理员指定存证人的存证页，在该页指定或更正存证人） / the deposit's "
        "page (only to its depositor; to the platform administrator also that of a deposit no one owns or whose owner "
        "an administrator gave, where it gives or corrects the owner)"))
    unowned: bool = Field(False, description="无存证人（仅向平台管理员说明） / the deposit has no owner (said only to the "
                          "platform administrator)")
    ok: bool
    checks: list[Check]


class Lookup(BaseModel):
    digest: str
    found: bool
    ok: bool = Field(description="找到且每条都核验通过 / found, and every entry verified")
    entries: list[Certifying]


def lookup_view(service: EvidenceService, digest: str, lang: str,
                describers: Mapping[str, Describe] | None = None) -> Lookup:
    """The entries certifying the file with this SM3 or SHA-256 digest; ``describers``: by entry kind, what the
    kind's domain says of its entries to this caller (in ``lang``)."""
    from zhichan.evidence.certificate import HEADINGS

    digest = digest.strip().lower()
    entries = service.find(digest)
    said: dict[int, Mapping[str, Any]] = {}
    for kind, describe in (describers or {}).items():
        said.update(describe({e.index: e.fields for e in entries if e.kind == kind}))
    out = []
    for e in entries:
        report = service.verify_entry(e.index, digest=digest)
        heading = HEADINGS.get(e.kind, ("存证条目", "Evidence entry"))
        own = digest in (e.sm3, e.sha256)
        listed = next((d for _, d in certified_documents(e.fields) if digest in (d["sm3"], d["sha256"])), None)
        item: dict[str, Any] = {
            "index": e.index, "kind": e.kind, "heading": heading[1] if lang == "en" else heading[0],
            "time": e.fields.get("time"), "time_china": _china_time(e.fields),
            "title": (e.fields.get("title") or e.fields.get("data_name")) if own else None,
            "ok": report.ok, "checks": report.checks,
        }
        about = dict(said.get(e.index, {}))
        labels: Mapping[str, str] = about.pop("documents", {})
        if listed is not None and not own:
            item["document"] = labels.get(listed["sha256"]) or listed.get("label") or None
        out.append(Certifying(**item, **about))
    return Lookup(digest=digest, found=bool(out), ok=bool(out) and all(c.ok for c in out), entries=out)


def deposit_url(index: int) -> str:
    return f"/evidence/deposits/{index}"


def owned_deposits(service: EvidenceService, scope: Scope) -> Describe:
    """The look-up's word on deposits for this caller: its own deposits' page and certificate (nothing on others'); to
    the platform administrator also the page of a deposit no one owns (``unowned``) or whose owner an administrator
    gave — the page where it gives or corrects the owner, not the certificate."""
    def describe(entries: Mapping[int, Mapping[str, Any]]) -> dict[int, dict[str, Any]]:
        if not entries or not scope.is_authenticated:
            return {}
        with service.engine.connect() as conn:
            mine = owned(conn, scope, entries)
            sources = _current_sources(conn, [i for i in entries if i not in mine]) if may_assign(scope) else {}
        said: dict[int, dict[str, Any]] = {
            index: {"deposit_url": deposit_url(index), "certificate_url": f"{deposit_url(index)}/certificate.pdf"}
            for index in entries if index in mine}
        for index, source in sources.items():
            if source is None or source in GIVEN:
                said[index] = {"deposit_url": deposit_url(index), "unowned": source is None}
        return said
    return describe


def _current_sources(conn: Any, indices: list[int]) -> dict[int, str | None]:
    """The source of each of these deposits' current owner row (``None``: no owner)."""
    o = log.OWNERS
    found: dict[int, str | None] = dict.fromkeys(indices)
    if indices:
        for idx, source in rows_in(conn, select(o.c.idx, o.c.source).where(current_owner()), indices, o.c.idx):
            found[int(idx)] = str(source)
    return found


def _deposit(service: EvidenceService, index: int) -> Entry | None:
    """Entry ``index`` where it is a deposit."""
    try:
        entry = service.get_entry(index)
    except NotFoundError:
        return None
    return entry if entry.kind == "deposit" else None


def _not_found(index: int) -> NotFoundError:
    return NotFoundError(f"没有第 {index} 号存证 / no deposit {index}")


def owned_deposit(service: EvidenceService, scope: Scope, index: int) -> Entry:
    """Entry ``index`` where it is a deposit of the caller (sign-in first); a 404 for anyone else's, for an entry of
    another kind and for one that is not there alike — the answer does not tell them apart."""
    scope.require_authenticated()
    entry = _deposit(service, index)
    if entry is not None:
        with service.engine.connect() as conn:
            if owns_deposit(conn, scope, index):
                return entry
    raise _not_found(index)


def _china_time(fields: Mapping[str, Any]) -> str:
    """An entry's time (``2026-12-06T17:28:16.072989Z``, as the log records it) as read in Beijing."""
    return china_time(str(fields.get("time")))


def deposit_view(service: EvidenceService, scope: Scope, index: int) -> dict[str, Any]:
    """A deposit's page, for its depositor: what was deposited, by whom and when, the checks of its entry against the
    newest signed checkpoint, and its certificate's address.

    To an administrator of the platform (the root organization's), a deposit no one owns (no ``evidence_deposit_owners`` row: made before owners were recorded
    by id where no single organization bore its recorded name, or from the command line) is not a 404 but a page
    saying so — its number, time, title and the name it records, nothing the certificate adds — where the
    administrator gives it an owner (:mod:`zhichan.evidence.owners`); one an administrator gave an owner shows the
    same and the assignment (``assigned``: the current organization and user, who gave or corrected it, when, why,
    and under ``history`` every owner given, oldest first), with the form correcting it. Another's owned
    deposit stays a 404 to an administrator too."""
    scope.require_authenticated()
    entry = _deposit(service, index)
    if entry is None:
        raise _not_found(index)
    fields = entry.fields
    with service.engine.connect() as conn:
        mine = owns_deposit(conn, scope, index)
        # the platform's administrators (at the root organization): a deposit belongs to no office's area
        source = None if mine or not may_assign(scope) else (conn.execute(
            select(log.OWNERS.c.source).where(log.OWNERS.c.idx == index).order_by(log.OWNERS.c.seq.desc())
            .limit(1)).scalar() or "")
    said = {"index": index, "unowned": source == "", "time_china": _china_time(fields), "title": fields.get("title"),
            "depositor": fields.get("depositor")}
    if source == "":  # no owner: the administrator gives it one (zhichan.evidence.owners)
        return said
    if source in GIVEN:  # given (and corrected) by an administrator: what, by whom, when and why — not the leaf's rest
        return said | {"assigned": assignment(service.engine, index)}
    if not mine:
        raise _not_found(index)
    report = service.verify_entry(index)
    return {"index": index, "unowned": False, "assigned": None, "time": fields.get("time"), "time_china": _china_time(fields),
            **{name: fields.get(name) for name in ("title", "category", "depositor", "file_name", "size", "media_type",
                                                  "note", "sm3", "sha256")},
            "ok": report.ok, "checks": report.checks, "certificate_url": f"{deposit_url(index)}/certificate.pdf"}


#: deposits a page of "my deposits" lists
DEPOSITS_PER_PAGE = 20


class DepositItem(BaseModel):
    """One of the caller's deposits in its list."""

    index: int
    time: str = Field(description="存证时间（UTC，条目所载） / time of the entry (UTC, as signed)")
    time_china: str = Field(description="北京时间 / the same time in China (UTC+8)")
    title: str | None = None
    category: str | None = None
    file_name: str | None = None
    size: int | None = None
    deposit_url: str
    certificate_url: str


class MyDeposits(BaseModel):
    """The caller's deposits, newest first, one page of them."""

    total: int
    page: int
    per_page: int
    deposits: list[DepositItem]


def my_deposits_view(service: EvidenceService, scope: Scope, page: int = 1) -> MyDeposits:
    """The caller's deposits (its organization's, through ``evidence_deposit_owners``), newest first, paged; sign-in
    first. A page beyond the last is empty, not an error."""
    scope.require_authenticated()
    e, mine = log.ENTRIES, owned_query(scope).subquery()
    with service.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(mine)).scalar() or 0
        rows = conn.execute(select(e.c.idx, e.c.leaf).where(e.c.idx.in_(select(mine.c.idx)))
                            .order_by(e.c.idx.desc()).limit(DEPOSITS_PER_PAGE)
                            .offset((page - 1) * DEPOSITS_PER_PAGE)).all()
    items = []
    for idx, leaf in rows:
        fields = json.loads(bytes(leaf))
        items.append(DepositItem(
            index=int(idx), time=str(fields.get("time")), time_china=_china_time(fields), title=fields.get("title"),
            category=fields.get("category"), file_name=fields.get("file_name"), size=fields.get("size"),
            deposit_url=deposit_url(int(idx)), certificate_url=f"{deposit_url(int(idx))}/certificate.pdf"))
    return MyDeposits(total=int(total), page=page, per_page=DEPOSITS_PER_PAGE, deposits=items)


#: deposits no one owns a platform administrator's "my deposits" page lists (the newest; the audit counts them all)
UNOWNED_LISTED = 20


def unowned_deposits_view(service: EvidenceService, scope: Scope) -> dict[str, Any] | None:
    """To a platform administrator, the deposits no one owns — how many, and the newest :data:`UNOWNED_LISTED` with
    what an unowned deposit's page shows of each (number, time, title, the recorded name) — so that their pages, where
    an owner is given, can be found; ``None`` to anyone else."""
    if not may_assign(scope):
        return None
    e, o = log.ENTRIES, log.OWNERS
    no_owner = (e.c.kind == "deposit", ~select(o.c.idx).where(o.c.idx == e.c.idx).exists())
    with service.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(e).where(*no_owner)).scalar() or 0
        rows = conn.execute(select(e.c.idx, e.c.leaf).where(*no_owner).order_by(e.c.idx.desc())
                            .limit(UNOWNED_LISTED)).all() if total else []
    listed = []
    for idx, leaf in rows:
        fields = json.loads(bytes(leaf))
        listed.append({"index": int(idx), "time_china": _china_time(fields), "title": fields.get("title"),
                       "depositor": fields.get("depositor"), "deposit_url": deposit_url(int(idx))})
    return {"total": int(total), "limit": UNOWNED_LISTED, "deposits": listed}
