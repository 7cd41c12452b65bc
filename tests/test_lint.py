"""The linters as tests, so ``make test`` catches a lint or typing regression (``make lint`` runs the same)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_is_clean() -> None:
    done = _run("ruff", "check", "zhichan", "tests", "benchmarks")
    assert done.returncode == 0, f"ruff found problems:\n{done.stdout}\n{done.stderr}"


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    # configuration (packages, plugins, strictness) comes from [tool.mypy] in pyproject.toml
    done = _run("mypy")
    assert done.returncode == 0, f"mypy found problems:\n{done.stdout}\n{done.stderr}"
