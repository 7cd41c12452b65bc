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


def test_a_regions_high_value_figure_is_what_its_search_finds(segmented: Snapshot) -> None:
    """The cockpit's 高价值发明专利拥有量 of a province or city, the records behind it and ``HV=是 AND RC=<code>`` are one
    set of patents: the generator gave a foreign applicant's patent sold to a domestic enterprise that enterprise's
    county, so the search found it where the figure (domestic patents only) did not."""
    day = indicators.data_as_of(segmented)
    provinces = indicators.compute_level("high_value_inventions", "province", day, snapshot=segmented)
    cities = indicators.compute_level("high_value_inventions", "city", day, parent="51", snapshot=segmented)
    figures = {v.region_code: v.value for v in provinces + cities}
    assert sum(figures.values()) > 100 and figures["5101"] > 0
    found = {code: service.search(f"HV=是 AND RC={code}", snapshot=segmented, facets=False).total for code in figures}
    assert found == figures
    records = indicators.drilldown("high_value_inventions", "5101", day, snapshot=segmented)
    hits = service.search("HV=是 AND RC=5101", snapshot=segmented, facets=False, page_size=figures["5101"])
    assert sorted(records.column("application_number").to_pylist()) == sorted(h.application_number for h in hits.hits)
