"""A risk-compensation pool ledger of 1,000,000 operations verified balanced (claim: < 5 s), on SQLite
or PostgreSQL, beside a baseline in the same run.

    .venv/bin/python benchmarks/finance_ledger_bench.py [--operations 1000000] [--database-url postgresql+psycopg://…]

The rows are bulk-inserted as :func:`zhichan.finance.funds._append` writes them (deposits and payouts,
each with its running balance). Measured: :func:`zhichan.finance.funds.verify_ledger` (every row's
balance is the previous one plus its amount, to the cent, never negative, numbered without gaps — one
window-function pass in the database), best of 3. Baseline in the same run: the same check in Python,
reading every row's amount and balance as Decimal and adding them up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

from zhichan.finance.funds import LEDGER, verify_ledger
from zhichan.finance.models import Fund, LedgerEntry
from zhichan.platform.db import make_engine, session_scope, upgrade


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--operations", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        rng = random.Random(1)
        now = dt.datetime(2026, 1, 1)
        started = time.perf_counter()
        with session_scope(engine) as s:
            s.add(Fund(code="bench", seq=args.operations))
            s.flush()
            balance = Decimal("0.00")
            batch = []
            for seq in range(1, args.operations + 1):
                amount = Decimal(rng.randint(1, 10_000_000)) / 100
                if seq % 3 == 0 and balance >= amount:
                    amount = -amount
                balance += amount
                batch.append({"fund_code": "bench", "seq": seq, "kind": "payout" if amount < 0 else "deposit",
                              "amount": amount, "balance": balance, "claim_id": None, "memo": "", "at": now})
                if len(batch) == 50_000:
                    s.execute(insert(LEDGER), batch)
                    batch = []
            if batch:
                s.execute(insert(LEDGER), batch)
        print(f"inserted {args.operations:,} operations in {time.perf_counter() - started:.1f} s")
        timings = []
        for _ in range(3):
            with session_scope(engine) as s:
                t0 = time.perf_counter()
                ok, rows, final = verify_ledger(s, "bench")
                timings.append(time.perf_counter() - t0)
        assert ok and rows == args.operations and final == balance, (ok, rows, final, balance)
        with session_scope(engine) as s:
            t0 = time.perf_counter()
            running, count = Decimal("0.00"), 0
            for amount, bal in s.execute(select(LedgerEntry.amount, LedgerEntry.balance)
                                         .where(LedgerEntry.fund_code == "bench").order_by(LedgerEntry.seq)):
                running += amount
                count += 1
                assert running == bal
            baseline = time.perf_counter() - t0
        assert count == args.operations
        engine.dispose()
    print(f"{platform.python_implementation()} {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}, {engine.dialect.name}")
    print(f"verify_ledger: best {min(timings):.2f} s (runs {', '.join(f'{t:.2f}' for t in timings)}); "
          f"baseline, the same check in Python with Decimal: {baseline:.2f} s")


if __name__ == "__main__":
    main()
