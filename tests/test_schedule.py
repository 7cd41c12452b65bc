"""The suite's run order (tests/schedule.py): every listed long test exists, and the order puts the
long tests at the front of each worker's slice without losing or doubling a test."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.schedule import SLOW, order, worksteal_slices

ROOT = Path(__file__).resolve().parent.parent


def test_every_listed_long_test_exists() -> None:
    missing = []
    for name in SLOW:
        path, function = name.split("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8")) if (ROOT / path).exists() else None
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)} if tree else set()
        if function not in defined:
            missing.append(name)
    assert missing == [], f"tests/schedule.py names tests that no longer exist: {missing}"


def test_worksteal_slices_are_xdists() -> None:
    assert worksteal_slices(1537, 2) == [768, 769]
    assert worksteal_slices(10, 3) == [3, 3, 4]
    assert sum(worksteal_slices(7, 4)) == 7


def _ids() -> tuple[list[str], set[str]]:
    slow = list(SLOW)
    ids = [f"tests/a/test_{m}.py::test_{i}" for m in range(30) for i in range(20)]
    # the long tests among short ones, some parametrized
    ids[5:5] = [f"{slow[0]}[a]", f"{slow[0]}[b]"]
    ids[300:300] = [slow[2] + "[sqlite]", slow[2].split("::")[0] + "::test_short_neighbour", slow[3]]
    ids += [slow[5] + "[sqlite]", slow[6] + "[sqlite]", slow[1]]
    spark = {slow[2] + "[sqlite]", slow[5] + "[sqlite]", slow[6] + "[sqlite]"}
    return ids, spark


def test_the_long_tests_lead_each_workers_slice() -> None:
    ids, spark = _ids()
    ran = [ids[i] for i in order(ids, spark, 2)]
    assert sorted(ran) == sorted(ids)  # nothing lost, nothing twice
    size = worksteal_slices(len(ids), 2)[0]
    slices = ran[:size], ran[size:]
    for part in slices:
        # each worker's slice starts with modules holding a long test (the whole module), then short ones
        heavy = [i for i in part if not i.startswith("tests/a/")]
        assert heavy != [] and part[:len(heavy)] == heavy
    # the Spark tests on one worker (one JVM), each with the rest of its module
    spark_module = next(iter(spark)).split("[")[0].split("::")[0]
    holder = next(part for part in slices if spark <= set(part))
    assert [i for i in ids if i.startswith(spark_module)] == [i for i in holder if i.startswith(spark_module)]
    # the short tests keep their collection order
    assert [i for i in ran if i.startswith("tests/a/")] == [i for i in ids if i.startswith("tests/a/")]


def test_one_worker_runs_the_long_tests_first() -> None:
    ids, spark = _ids()
    ran = [ids[i] for i in order(ids, spark, 1)]
    heavy = [i for i in ids if not i.startswith("tests/a/")]
    assert set(ran[:len(heavy)]) == set(heavy)
    assert ran[len(heavy):] == [i for i in ids if i.startswith("tests/a/")]
