"""Shared helpers of the evidence tests (imported as ``tests.evidence.helpers``; conftest only holds fixtures)."""

from __future__ import annotations

import hashlib

from zhichan.evidence.service import DepositRequest


def request(i: int, **extra: object) -> DepositRequest:
    """A deposit of the (synthetic) file ``b"file <i>"``."""
    data = f"file {i}".encode()
    return DepositRequest(
        sm3=hashlib.new("sm3", data).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        title=extra.pop("title", f"测试文件 {i}"),  # type: ignore[arg-type]
        depositor=extra.pop("depositor", "测试企业有限公司"),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )
