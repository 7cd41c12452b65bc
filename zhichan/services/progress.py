"""办件查询: an application taken at the window for someone without an account, followed by its case number and the
query code printed on its receipt (收件回执) — as the provinces' 政务服务网 let anyone follow an application by
办件编号 and 查询密码 printed on the receipt.

- Window staff (any governance account that sees the case) print the receipt of a service application: a new code is
  issued each time (the previous one stops working), 8 characters of an alphabet without look-alikes (40 bits), and
  only its argon2 hash is kept.
- The public lookup takes the number and the code; every attempt is counted and throttled as sign-ins are
  (:func:`zhichan.platform.accounts.throttled_attempt`, keyed by the case number and the address), and a number without
  a code, an unknown number and a wrong code read alike. A match shows the item, the state, the days it was received
  and last moved, and its nearest deadline — nothing of what was filed and no one's name.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhichan.errors import FormError, NotFoundError, PermissionDenied
from zhichan.platform.accounts import hash_password, throttled_attempt, verify_password, verify_unmatched
from zhichan.platform.scope import Scope
from zhichan.procedures.models import NO_DEADLINE, Case
from zhichan.procedures.service import ProcedureService
from zhichan.services.catalogue import entry_for_procedure
from zhichan.services.models import ProgressCode

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
CODE_LENGTH = 8
NOT_FOUND = "办件编号或查询码不正确 / the case number or the query code is wrong"


def issue_receipt(procedures: ProcedureService, session: Session, scope: Scope, case_id: int) -> dict[str, Any]:
    """A receipt for a service application the caller sees (404 otherwise), by staff only: its number, item and day,
    and a new query code (shown on this receipt alone)."""
    if not (scope.is_authenticated and scope.governance):
        raise PermissionDenied("只有窗口或办案人员可以打印收件回执 / only window staff and case officers print a receipt")
    data = procedures.case(session, scope, case_id)  # 404 outside the caller's scope
    entry = entry_for_procedure(data["case"]["procedure"])
    if entry is None:
        raise NotFoundError("该办件不是公共服务申请 / not a service application")
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = session.get(ProgressCode, case_id)
    if row is None:
        row = ProgressCode(case_id=case_id)
        session.add(row)
    row.code_hash, row.issued_by = hash_password(code), int(scope.user_id or 0)
    return {"case_id": case_id, "number": data["case"]["number"], "procedure": data["case"]["procedure"],
            "received": data["case"]["created_at"], "code": f"{code[:4]}-{code[4:]}", "entry_code": entry.code}


def normalized_code(code: str) -> str:
    """A code as typed (any case, spaces and dashes) as issued."""
    return "".join(ch for ch in code.upper() if ch not in " -\u3000")


def lookup(procedures: ProcedureService, session: Session, number: str, code: str, ip: str,
           lang: str) -> dict[str, Any]:
    """An application's progress for whoever holds its receipt, else :class:`FormError` beside the code (the same for
    an unknown number, a case without a receipt and a wrong code); throttled as sign-ins are."""
    number, typed = number.strip().upper(), normalized_code(code)
    errors = {}
    if not number:
        errors["number"] = "请填写办件编号 / enter the case number"
    if not typed:
        errors["code"] = "请填写查询码 / enter the query code"
    if errors:
        raise FormError(errors)
    attempt = throttled_attempt(session, f"progress:{number}", ip)
    found = session.execute(select(Case, ProgressCode.code_hash).join(ProgressCode, ProgressCode.case_id == Case.id)
                            .where(Case.number == number)).first()
    if found is None:
        verify_unmatched(typed)  # the same time as a wrong code
        raise FormError({"code": NOT_FOUND})
    case, code_hash = found
    if not verify_password(code_hash, typed):
        raise FormError({"code": NOT_FOUND})
    attempt.succeeded = True
    decl = procedures.declaration_of(session, case.procedure, case.jurisdiction, case.declaration_digest)
    return {"number": case.number, "item": decl.title(lang), "state": decl.states[case.state].title(lang),
            "is_open": case.is_open, "received": case.created_at, "updated": case.updated_at,
            "closed": case.closed_at, "next_due": case.next_due if case.is_open and case.next_due != NO_DEADLINE else None}
