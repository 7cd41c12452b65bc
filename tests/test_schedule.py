"""The suite's run order (tests/schedule.py): every listed long test exists, and the order puts the
long tests at the front of each worker's slice without losing or doubling a test."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.schedule import SLOW, order, sqlite_is_enough, worksteal_slices

ROOT = Path(__file__).resolve().parent.parent


def test_every_listed_long_test_exists() -> None:
    missing = []
    defined: dict[str, set[str]] = {}  # per module (several entries name tests of one module: parsed once)
    for name in SLOW:
        path, function = name.split("::")
        if path not in defined:
            tree = ast.parse((ROOT / path).read_text(encoding="utf-8")) if (ROOT / path).exists() else None
            defined[path] = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)} if tree else set()
        if function not in defined[path]:
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
    ran = [ids[i] for i in order(ids, dict.fromkeys(spark, "spark"), 2)]
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


def test_modules_sharing_an_expensive_fixture_run_on_one_worker() -> None:
    """The modules using one expensive session fixture go to one worker, each whole; two such groups may not."""
    ids = [f"tests/a/test_{m}.py::test_{i}" for m in range(30) for i in range(20)]
    sharing = {f"tests/a/test_{m}.py::test_3": "fixture segmented" for m in (2, 11, 27)}
    sharing.update({f"tests/a/test_{m}.py::test_0": "spark" for m in (5, 20)})
    ran = [ids[i] for i in order(ids, sharing, 3)]
    assert sorted(ran) == sorted(ids)
    slices, start = [], 0
    for size in worksteal_slices(len(ids), 3):
        slices.append(ran[start:start + size])
        start += size
    holder = {}
    for name in ("fixture segmented", "spark"):
        modules = {i.split("::")[0] for i, n in sharing.items() if n == name}
        holders = [k for k, part in enumerate(slices) if any(i.split("::")[0] in modules for i in part)]
        assert len(holders) == 1, name
        holder[name] = holders[0]
        assert ({i for i in slices[holder[name]] if i.split("::")[0] in modules}
                == {i for i in ids if i.split("::")[0] in modules})
    assert holder["fixture segmented"] != holder["spark"]  # two groups, balanced over the workers


def test_one_worker_runs_the_long_tests_first() -> None:
    ids, spark = _ids()
    ran = [ids[i] for i in order(ids, dict.fromkeys(spark, "spark"), 1)]
    heavy = [i for i in ids if not i.startswith("tests/a/")]
    assert set(ran[:len(heavy)]) == set(heavy)
    assert ran[len(heavy):] == [i for i in ids if i.startswith("tests/a/")]


def test_each_xdist_worker_starts_with_a_long_test(tmp_path: Path) -> None:
    """A real worksteal run of two workers (xdist resets a worker's own ``--dist`` option, so the workers
    must learn the mode from the controller): each worker's first test is a long one."""
    import os
    import subprocess
    import sys

    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "conftest.py").write_text(
        "import pytest\n"
        "from tests.schedule import reorder, tell_worker\n\n"
        "def pytest_collection_modifyitems(config, items):\n    reorder(config, items)\n\n"
        "@pytest.hookimpl(optionalhook=True)\n"
        "def pytest_configure_node(node):\n    tell_worker(node)\n", encoding="utf-8")
    record = ("import os\n\ndef ran(name):\n"
              "    with open(os.environ['RAN_LOG'], 'a', encoding='utf-8') as f:\n"
              "        f.write(os.environ['PYTEST_XDIST_WORKER'] + ' ' + name + '\\n')\n\n")
    long_tests = list(SLOW)[:2]
    for name in long_tests:
        path, function = name.split("::")
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(record + f"def {function}():\n    ran({name!r})\n", encoding="utf-8")
    (tmp_path / "tests" / "light").mkdir(parents=True)
    for m in range(4):
        (tmp_path / "tests" / "light" / f"test_light_{m}.py").write_text(
            record + "".join(f"def test_{i}():\n    ran('light')\n\n" for i in range(10)), encoding="utf-8")
    log = tmp_path / "ran.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    # xdist alone: the plugins installed for other tests (schemathesis, locust) cost each of the three
    # processes more to import than the run itself
    env.update(RAN_LOG=str(log), PYTHONPATH=str(ROOT), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "xdist", "-n", "2", "--dist", "worksteal", "-q",
                           "-p", "no:cacheprovider", "--import-mode=importlib"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    first: dict[str, str] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        worker, name = line.split(" ", 1)
        first.setdefault(worker, name)
    assert sorted(first.values()) == sorted(long_tests), first


class _Item:
    """What ``sqlite_is_enough`` reads of a collected test: its id, parameters and nearest markers."""

    def __init__(self, db: str | None, marker: pytest.MarkDecorator | None, fixture: str = "db_url") -> None:
        self.nodeid = f"tests/a/test_m.py::test_f[{db}]"
        if db is not None:
            self.callspec = type("CallSpec", (), {"params": {fixture: db}})()
        self.marker = marker.mark if marker is not None else None

    def get_closest_marker(self, name: str) -> pytest.Mark | None:
        return self.marker if self.marker is not None and self.marker.name == name else None


def test_only_the_postgresql_repeat_of_a_one_database_test_is_left_out() -> None:
    why = pytest.mark.one_database("page rendering")
    assert sqlite_is_enough(_Item("postgresql", why))
    assert not sqlite_is_enough(_Item("sqlite", why))
    # the database of the module's world (tests/conftest.py ``module_engine``) alike
    assert sqlite_is_enough(_Item("postgresql", why, "module_engine"))
    assert not sqlite_is_enough(_Item("sqlite", why, "module_engine"))
    assert not sqlite_is_enough(_Item(None, why))  # marked postgres by itself: a PostgreSQL-only test
    assert not sqlite_is_enough(_Item("postgresql", None))
    assert not sqlite_is_enough(_Item("postgresql", pytest.mark.browser))
    with pytest.raises(ValueError, match="reason"):
        sqlite_is_enough(_Item("postgresql", pytest.mark.one_database()))
    with pytest.raises(ValueError, match="reason"):
        sqlite_is_enough(_Item("postgresql", pytest.mark.one_database(" ")))
