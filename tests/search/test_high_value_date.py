"""Search's high-value flags (``HV=``) are the indicators' flags at the indicators' date: the corpus's data end."""

from __future__ import annotations

from zhichan.corpus.store import Snapshot
from zhichan.indicators import service as indicators
from zhichan.indicators.high_value import high_value_flags
from zhichan.search import service
from zhichan.search.highvalue import high_value_table


def test_hv_finds_the_patents_the_high_value_indicator_counts(segmented: Snapshot) -> None:
    """The corpus ends on 2023-12-31 and was made today: at today's date patents filed in 2014–2016 have
    passed their 10-year mark and later lapses are unknown, so flags at the snapshot's day counted patents
    no figure of the cockpit counts."""
    day = indicators.data_as_of(segmented)
    assert day.isoformat() == "2023-12-31"
    flags = high_value_flags(segmented, day)
    expected = {n for n, hv in zip(flags.column("application_number").to_pylist(),
                                   flags.column("is_high_value").to_pylist(), strict=True) if hv}
    assert expected and set(high_value_table(segmented).column(0).to_pylist()) == expected
    assert service.search("HV=是", snapshot=segmented).total == len(expected)
