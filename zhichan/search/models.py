"""What the retrieval service returns (plain dataclasses; the web layer renders them as JSON or HTML)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from zhichan.search.similar import SimilarHit

SORTS = ("relevance", "date_desc", "date_asc")


@dataclass(frozen=True)
class Hit:
    application_number: str
    title: str
    applicants: list[str]
    application_date: str  # ISO date
    kind: str
    legal_status: str
    main_ipc: str | None
    region_code: str | None
    score: float
    snippet_html: str  # HTML-escaped abstract excerpt, matches in <mark>
    title_html: str = ""  # HTML-escaped title, matches in <mark>
    publication_number: str | None = None
    grant_number: str | None = None
    synthetic: bool = False


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    approximate: bool = False  # an estimate from a sample (约), see FacetSample


@dataclass(frozen=True)
class FacetSample:
    """How estimated facet counts (约) were made: the facets of the hits in ``buckets`` of the
    :data:`~zhichan.search.layout.SAMPLE_BUCKETS` sample buckets were counted — ``hits`` of the
    query's ``total`` — and each count scaled by ``total / hits`` (rounded to two significant digits)."""

    buckets: int
    hits: int
    total: int

    @property
    def share(self) -> float:
        from zhichan.search.layout import SAMPLE_BUCKETS

        return self.buckets / SAMPLE_BUCKETS


@dataclass(frozen=True)
class Facets:
    """The facets of a query: exact counts, or — above the setting ``search_facets_exact_max_hits``
    and unless exact counts were asked for — estimates from a sample (``sample`` is then set)."""

    values: dict[str, list[FacetValue]]
    sample: FacetSample | None = None

    @property
    def approximate(self) -> bool:
        return self.sample is not None


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    query: str  # the canonical form of the query that ran
    elapsed_ms: float
    page: int = 1
    page_size: int = 20
    sort: str = "relevance"
    snapshot_id: str = ""
    facet_sample: FacetSample | None = None  # set when the facet counts are estimates (约)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pages"] = self.pages
        return data


__all__ = ["SORTS", "FacetSample", "FacetValue", "Facets", "Hit", "SearchResult", "SimilarHit"]
