"""Fixtures for corpus tests: the real 10-record commercial export and a store per test."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from zhichan.corpus.store import CorpusStore
from zhichan.settings import Settings

SAMPLE = Path(__file__).resolve().parents[2] / "zhichan" / "corpus" / "samples" / "cn_commercial_export_10.csv"


@pytest.fixture
def sample_csv() -> Path:
    return SAMPLE


@pytest.fixture
def sample_rows() -> tuple[list[str], list[list[str]]]:
    with open(SAMPLE, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


@pytest.fixture
def store(settings: Settings) -> CorpusStore:
    return CorpusStore(settings.corpus_dir)

