"""Where the shipped reference files live and how to open them (plain or gzip, by name)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import TextIO

DATA_DIR = Path(__file__).resolve().parent / "data"


def open_text(rel: str) -> TextIO:
    """Open ``data/<rel>`` as UTF-8 text, transparently reading ``<rel>.gz`` when that is what ships.

    A leading byte-order mark is dropped (``utf-8-sig``): the census table starts with one.
    """
    path = DATA_DIR / rel
    if path.exists():
        return open(path, encoding="utf-8-sig", newline="")
    gz = DATA_DIR / f"{rel}.gz"
    return io.TextIOWrapper(gzip.open(gz, "rb"), encoding="utf-8-sig", newline="")
