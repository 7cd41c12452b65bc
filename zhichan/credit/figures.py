"""The credit list's figures (docs/indicators.md "Domain figures"): the listings exported as the workflow
table ``credit_listings`` and read through the relation ``credit_listing_status``; counted are the listings in
force on the day (the same rule as :func:`zhichan.credit.service.active_listing`) and the new listings of
the year to date."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhichan.credit.models import CreditListing
from zhichan.figures import ExportContext, Figures, Relation, WorkflowTable, batches_of
from zhichan.indicators.models import IndicatorDef
from zhichan.procedures.models import Case

LISTINGS = pa.schema([
    pa.field("listing_id", pa.int64(), nullable=False),
    pa.field("subject", pa.string(), nullable=False),
    pa.field("subject_key", pa.string(), nullable=False),
    pa.field("ground", pa.string(), nullable=False),
    pa.field("decision_number", pa.string(), nullable=False),
    pa.field("region_code", pa.string(), nullable=False),  # the deciding organization's region
    pa.field("listed_from", pa.date32(), nullable=False),
    pa.field("listed_until", pa.date32(), nullable=False),
    pa.field("repaired_on", pa.date32()),
    pa.field("published_on", pa.date32()),
    pa.field("synthetic", pa.bool_(), nullable=False),  # its procedure case is synthetic (demo data)
])


def listing_batches(ctx: ExportContext) -> Iterator[pa.RecordBatch]:
    rows = ctx.session.execute(
        select(CreditListing.id, CreditListing.subject, CreditListing.subject_key, CreditListing.ground,
               CreditListing.decision_number, CreditListing.region_code, CreditListing.listed_from,
               CreditListing.listed_until, CreditListing.repaired_on, CreditListing.published_on, Case.synthetic)
        .outerjoin(Case, Case.id == CreditListing.case_id).order_by(CreditListing.id))
    yield from batches_of(({"listing_id": r.id, "subject": r.subject, "subject_key": r.subject_key, "ground": r.ground,
                            "decision_number": r.decision_number, "region_code": r.region_code,
                            "listed_from": r.listed_from, "listed_until": r.listed_until, "repaired_on": r.repaired_on,
                            "published_on": r.published_on, "synthetic": bool(r.synthetic)} for r in rows), LISTINGS)


def listings_version(session: Session) -> str:
    """Changes with a new listing, a publication or a repair (the only ways a listing row changes)."""
    count, latest, published, repaired = session.execute(select(
        func.count(CreditListing.id), func.max(CreditListing.created_at), func.count(CreditListing.published_on),
        func.count(CreditListing.repaired_on))).one()
    return f"{count}:{latest.isoformat() if latest else ''}:{published}:{repaired}"


def _defs() -> list[IndicatorDef]:
    src = "credit_listing_status"
    return [
        IndicatorDef(
            "credit_listings_in_force", "失信名单在列数", "Credit-list listings in force", "条", "count", "stock",
            "统计日仍在列的严重违法失信名单列入决定数（自列入之日至期满，信用修复后移出；按作出决定的机关所在地）。",
            "Decisions listing a party on the list of serious violations of law and trust in force on the statistics date "
            "(from the listing to the end of its term, or removal after credit repair), counted where the deciding office "
            "is located.", "保护", src, "in_force"),
        IndicatorDef(
            "credit_listings_new", "失信名单新增列入数", "New credit-list listings", "条", "count", "flow",
            "当年1月1日至统计日新列入严重违法失信名单的决定数。", "Decisions newly listing a party on the list of serious violations of law and trust from 1 January to the "
            "statistics date.",
            "保护", src, "listed_in_period"),
    ]


FIGURES = Figures(
    tables=(WorkflowTable("credit_listings", LISTINGS, listing_batches, listings_version),),
    relations=(Relation(
        "credit_listing_status", "zhichan.credit", ("listing_id", "subject_key", "subject", None),
        ("listing_id", "subject", "ground", "decision_number", "geo", "listed_from", "listed_until", "repaired_on",
         "published_on", "in_force", "synthetic"),
        labels=(("ground", "credit.ground"),)),),
    indicators=_defs,
)
