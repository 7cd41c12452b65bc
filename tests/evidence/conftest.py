"""Fixtures for the evidence tests: a migrated database (SQLite and PostgreSQL) and a log on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from zhichan.evidence.keys import SigningKey
from zhichan.evidence.service import DepositRequest, EvidenceService
from zhichan.platform.db import make_engine, upgrade


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def log(engine: Engine, signing_key: SigningKey) -> EvidenceService:
    return EvidenceService(engine, signing_key, "test.zhichan/evidence")


def request(i: int, **extra: object) -> DepositRequest:
    """A deposit of the (synthetic) file ``b"file <i>"``."""
    import hashlib

    data = f"file {i}".encode()
    return DepositRequest(
        sm3=hashlib.new("sm3", data).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        title=extra.pop("title", f"测试文件 {i}"),  # type: ignore[arg-type]
        depositor=extra.pop("depositor", "测试企业有限公司"),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )
