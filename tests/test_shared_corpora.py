"""tests.helpers.generated_snapshot: a generated corpus many tests read is generated once per run, whichever
xdist worker asks first, and is the generator's corpus of the arguments asked for."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import generated_copy, generated_snapshot, run_root

ROOT = Path(__file__).resolve().parent.parent

#: another worker of the same run: its temporary root is a folder of the run's, and generating is refused
OTHER_WORKER = """
import sys
from pathlib import Path

import zhichan.corpus.generator as generator
from tests.helpers import generated_snapshot


def refused(*args, **kwargs):
    raise AssertionError("generated again in another worker")


generator.generate = refused


class Factory:
    def getbasetemp(self):
        return Path(sys.argv[1]) / "popen-gw99"


print(generated_snapshot(Factory(), 200, 5).path)
"""


def test_a_generated_corpus_is_made_once_per_run_for_every_worker(tmp_path_factory: pytest.TempPathFactory,
                                                                  tmp_path: Path) -> None:
    first = generated_snapshot(tmp_path_factory, 200, 5)
    generator = first.manifest["import"]["generator"]
    assert (generator["n_patents"], generator["seed"], generator["as_of"]) == (200, 5, "2025-12-31")
    assert first.synthetic and first.counts["patents"] == 200
    assert generated_snapshot(tmp_path_factory, 200, 5) is first  # this worker opened it once
    other = generated_snapshot(tmp_path_factory, 200, 5, dt.date(2020, 12, 31))
    assert other.path != first.path and other.manifest["import"]["generator"]["as_of"] == "2020-12-31"
    # another worker of the run opens the same files and generates nothing
    env = {**os.environ, "PYTEST_XDIST_WORKER": "gw99", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", OTHER_WORKER, str(run_root(tmp_path_factory))], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(first.path)
    # a test that writes beside it has a copy of its own, in its folder
    copy = generated_copy(tmp_path_factory, 200, 5, tmp_path)
    assert copy.path.parents[1] == tmp_path / "corpus" and copy.counts == first.counts
