"""``zhichan procedures``: the declarations as they apply in a region, and legal periods."""

from __future__ import annotations

from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.settings import Settings


def test_list_show_and_period(settings: Settings) -> None:
    runner = CliRunner(env={"COLUMNS": "300"})
    listing = runner.invoke(app, ["procedures", "list"])
    assert listing.exit_code == 0 and "protection.patent_dispute" in listing.output and "330000" in listing.output
    zhejiang = runner.invoke(app, ["procedures", "show", "protection.patent_dispute", "--region", "330106"])
    assert "3个工作日" in zhejiang.output and "浙江省专利条例" in zhejiang.output
    national = runner.invoke(app, ["procedures", "show", "protection.patent_dispute", "--region", "510107"])
    assert "5个工作日" in national.output
    # 31 Jan + 1 month = 28 Feb 2025 (a Friday); 5 working days after 30 Sep 2026 = 13 Oct
    assert runner.invoke(app, ["procedures", "period", "2025-01-31", "1", "month"]).output.strip() == "2025-02-28"
    assert runner.invoke(app, ["procedures", "period", "2026-09-30", "5"]).output.strip() == "2026-10-13"
    assert runner.invoke(app, ["procedures", "period", "2026-09-30", "5", "fortnight"]).exit_code != 0
    # into 2027, whose schedule is not published: 29–31 Dec, 1 Jan (元旦) off, 4, 5 Jan — provisional
    assert runner.invoke(app, ["procedures", "period", "2026-12-28", "5"]).output.strip() == \
        "2027-01-05（暂定：2027 年放假安排尚未公布）"


def test_period_refuses_bad_input_with_a_message(settings: Settings) -> None:
    from zhichan.errors import InputError

    runner = CliRunner()
    for args in (["2026-02-30", "5"], ["30/09/2026", "5"], ["2026-09-30", "0"], ["2026-09-30", "0", "day"]):
        result = runner.invoke(app, ["procedures", "period", *args])
        # an InputError is what `zhichan` prints as "错误 / error: …" (no traceback)
        assert isinstance(result.exception, InputError), (args, result.exception)
