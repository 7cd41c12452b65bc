"""A benchmarked process and its worker processes, read from /proc: their resident memory and CPU time.

Shared by the benchmarks that run a step in a child process with workers of its own
(``corpus_generate.py``, ``corpus_import.py``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def tree(pid: int) -> list[int]:
    """``pid`` and every live descendant."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants together."""
    total = 0
    for p in tree(pid):
        try:
            total += int(next(line.split()[1] for line in Path(f"/proc/{p}/status").read_text().splitlines()
                              if line.startswith("VmRSS:")))
        except (OSError, StopIteration, ValueError):
            continue
    return total / 1024


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its live descendants (with their reaped children)."""
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


def finished(proc: subprocess.Popen, every: float = 0.2) -> bool:
    """Wait up to ``every`` seconds for ``proc`` to end (the sampling interval): whether it has."""
    try:
        proc.wait(timeout=every)
    except subprocess.TimeoutExpired:
        return False
    return True
