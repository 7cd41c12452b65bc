"""What a process pays to start: importing the platform or the CLI loads no library that only some
requests or commands use. Each of these costs 0.1–0.7 CPU-s at import, paid by every
server worker, every ``zhichan`` command and every test that starts one; they are imported by the
function that needs them (a chart, a query with words, a document, the Spark engine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: imported by the functions that use them, never at import
LAZY = ("altair", "rjieba", "sqlglot", "docx", "weasyprint", "vl_convert", "pyspark", "pandas", "matplotlib")


def _started(module: str, after: str = "") -> dict[str, object]:
    """A fresh interpreter after ``import module``: the ``LAZY`` packages in its ``sys.modules``, and
    the value of the expression ``after`` (evaluated there)."""
    code = (f"import json, sys\nimport {module}\n"
            f"loaded = sorted({{m.split('.')[0] for m in sys.modules}} & set({list(LAZY)!r}))\n"
            f"print(json.dumps({{'loaded': loaded, 'after': {after or 'None'}}}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_the_cli_starts_without_the_heavy_libraries() -> None:
    assert _started("zhichan.cli")["loaded"] == []


def test_the_platform_starts_without_the_heavy_libraries_or_a_password_hash() -> None:
    """Nor is a password hashed (argon2, 0.2–0.3 CPU-s): the dummy hash an unknown user name is
    checked against is made at the first such sign-in."""
    started = _started("zhichan.web.app", "__import__('zhichan.platform.accounts').platform.accounts"
                                          "._dummy_hash.cache_info().currsize")
    assert started == {"loaded": [], "after": 0}
